"""`sciatica-coach demo`: fill an empty database with a made-up person's few weeks, to try the charts and plan."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from sciatica_coach.cli.common import console, fail, load_content, load_settings, open_store
from sciatica_coach.domain.demo_history import MAX_DAYS, MIN_DAYS, build_demo
from sciatica_coach.storage.demo_load import DemoError, load_demo
from sciatica_coach.usecases.patients import local_patient_id


def demo(
    days: int = typer.Option(21, min=MIN_DAYS, max=MAX_DAYS, help="How many days of history to make up."),
) -> None:
    """Load demo history (sessions, quick checks, morning check-ins, weekly SBI) into an EMPTY database."""
    settings = load_settings()
    catalog = load_content()
    library, book = catalog.library, catalog.rules
    history = build_demo(library, book, datetime.now(UTC).date(), days)
    try:
        with open_store(settings, migrate=True) as store:
            patient_id = local_patient_id(store)
            with store.write(patient_id) as db:
                steps = load_demo(db, patient_id, history, library, book)
    except DemoError as exc:
        fail(str(exc))
    console.print(
        f"Loaded {steps} demo steps from {history.first_day:%d %b} to {history.last_day:%d %b} "
        f"({len(history.changes)} program changes). Open the progress page or run `sciatica-coach progress`."
    )
