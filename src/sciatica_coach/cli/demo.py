"""`sciatica-coach demo`: fill an empty database with a made-up person's few weeks, to try the charts and plan."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from sqlalchemy.exc import SQLAlchemyError

from sciatica_coach.cli.common import console, fail, load_settings
from sciatica_coach.demo import MAX_DAYS, MIN_DAYS, build_demo
from sciatica_coach.domain.adaptation import load_rules
from sciatica_coach.domain.content import ContentError, load_library
from sciatica_coach.storage.db import make_engine, make_session_factory, transaction
from sciatica_coach.storage.demo import DemoError, load_demo
from sciatica_coach.storage.migrate import upgrade
from sciatica_coach.storage.patients import default_patient


def demo(
    days: int = typer.Option(21, min=MIN_DAYS, max=MAX_DAYS, help="How many days of history to make up."),
) -> None:
    """Load demo history (sessions, quick checks, morning check-ins, weekly SBI) into an EMPTY database."""
    settings = load_settings()
    try:
        library = load_library()
        book = load_rules(library=library)
    except ContentError as exc:
        fail(str(exc))
    history = build_demo(library, book, datetime.now(UTC).date(), days)
    engine = make_engine(settings.database_url)
    try:
        upgrade(settings.database_url)
        with transaction(make_session_factory(engine)) as db:
            steps = load_demo(db, default_patient(db).id, history, library, book)
    except DemoError as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        fail(f"could not use the database ({exc.__class__.__name__})")
    finally:
        engine.dispose()
    console.print(
        f"Loaded {steps} demo steps from {history.first_day:%d %b} to {history.last_day:%d %b} "
        f"({len(history.changes)} program changes). Open the progress page or run `sciatica-coach progress`."
    )
