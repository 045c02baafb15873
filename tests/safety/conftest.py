"""Fixtures for the safety tests: a session factory on the test database, and answer helpers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.domain.screening import RedFlags, load_red_flags
from sciatica_coach.storage.db import make_engine, make_session_factory


@pytest.fixture(scope="session")
def red_flags() -> RedFlags:
    """The packaged red-flag content."""
    return load_red_flags()


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on a fresh database (SQLite and PostgreSQL)."""
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()
