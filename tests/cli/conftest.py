"""Fixtures for the command-line tests: the real `sciatica-coach` app against a fresh test database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from click.testing import Result
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from sciatica_coach.cli.main import app
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.db import make_engine, make_session_factory, transaction
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import record_screening

Invoke = Callable[..., Result]


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on the test database (SQLite and PostgreSQL)."""
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def screened(factory: sessionmaker[Session]) -> int:
    """The default patient, with a clean first screening done (so exercise is allowed); returns their id."""
    with transaction(factory) as db:
        patient = default_patient(db)
        record_screening(db, patient.id, "full", all_no("full"))
        return patient.id


@pytest.fixture
def invoke(database_url: str) -> Invoke:
    """Run `sciatica-coach ARGS…` in-process with DATABASE_URL pointing at the test database."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        environment = {"DATABASE_URL": database_url, "COLUMNS": "100", "SCIATICA_MODE": "local", **(env or {})}
        return CliRunner().invoke(app, list(args), input=input, env=environment)

    return run
