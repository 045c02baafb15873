"""Fixtures for storage tests: a session factory on a fresh database, two patients, a prescription."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.storage.db import make_engine, make_session_factory
from sciatica_coach.storage.models import Patient


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on a fresh database (SQLite and PostgreSQL)."""
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def patients(factory: sessionmaker[Session]) -> tuple[int, int]:
    """Two patients: the default local profile and somebody else."""
    with factory() as db, db.begin():
        me = Patient(display_name="Me", is_default=True)
        other = Patient(display_name="Other")
        db.add_all([me, other])
        db.flush()
        return me.id, other.id
