"""`sciatica-coach demo`: fill an empty database with a made-up person's few weeks, to try the charts and plan."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from sciatica_coach.cli.common import console, fail, load_content, load_settings, open_database
from sciatica_coach.domain.adaptation import load_rules
from sciatica_coach.domain.content import ContentError
from sciatica_coach.domain.demo_history import MAX_DAYS, MIN_DAYS, build_demo
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.demo_load import DemoError, load_demo
from sciatica_coach.storage.patients import default_patient


def demo(
    days: int = typer.Option(21, min=MIN_DAYS, max=MAX_DAYS, help="How many days of history to make up."),
) -> None:
    """Load demo history (sessions, quick checks, morning check-ins, weekly SBI) into an EMPTY database."""
    settings = load_settings()
    library = load_content()
    try:
        book = load_rules(library=library)
    except ContentError as exc:
        fail(str(exc))
    history = build_demo(library, book, datetime.now(UTC).date(), days)
    try:
        with open_database(settings, migrate=True) as factory, transaction(factory) as db:
            steps = load_demo(db, default_patient(db).id, history, library, book)
    except DemoError as exc:
        fail(str(exc))
    console.print(
        f"Loaded {steps} demo steps from {history.first_day:%d %b} to {history.last_day:%d %b} "
        f"({len(history.changes)} program changes). Open the progress page or run `sciatica-coach progress`."
    )
