"""Shared fixtures: a fresh database per test (SQLite file or a new PostgreSQL database), the app, a client."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from sciatica_coach.domain.content import Library, load_library
from sciatica_coach.settings import LOOPBACK_HOSTS, Settings
from sciatica_coach.storage.migrate import upgrade
from sciatica_coach.web.app import create_app

POSTGRES_ADMIN_URL = os.environ.get("SCIATICA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0]
    return None


@pytest.fixture(scope="session")
def library() -> Library:
    """The packaged content, loaded once."""
    return load_library()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database: a temporary SQLite file, or a new database on the local PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        upgrade(url)
        yield url
        return
    reason = _postgres_available()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true but is not reachable: {reason}")
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({reason}); PostgreSQL tests skipped")
    name = f"sc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings pointing at the test database; TestClient's host `testserver` is allowed (only in tests)."""
    return Settings(database_url=database_url, speech=False, allowed_hosts=[*LOOPBACK_HOSTS, "testserver"])


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    """The app built through the factory."""
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client talking to the app in-process."""
    with TestClient(app) as test_client:
        yield test_client
