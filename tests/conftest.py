"""Shared fixtures: a fresh database per test (a copy of a migrated SQLite file, or an emptied, migrated PostgreSQL
database), the app, a client, a session factory, a patient cleared to exercise and a session driver. The helpers
behind them are in `helpers.py`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from click.testing import Result
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from helpers import (
    DATABASES,
    Driver,
    clear_to_exercise,
    clinic_settings,
    fresh_database,
    session_factory,
    unmarked_browser_tests,
    unmarked_clip_users,
)
from sciatica_coach.cli.main import app as cli_app
from sciatica_coach.domain.catalog import Catalog, load_catalog
from sciatica_coach.domain.content import Library, load_library
from sciatica_coach.settings import LOOPBACK_HOSTS, Settings
from sciatica_coach.usecases import accounts
from sciatica_coach.web.app import create_app


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a test that uses the real clips without the `video` marker (so `-m "not video"` means what it says), or
    drives a browser without the `browser` marker (so `make test` runs it alone, after the parallel run)."""
    unmarked = unmarked_clip_users(items) + unmarked_browser_tests(items)
    if unmarked:
        raise pytest.UsageError("; ".join(unmarked))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop the PostgreSQL databases this process made and its SQLite template."""
    DATABASES.close()


@pytest.fixture(scope="session")
def library() -> Library:
    """The packaged content, loaded once."""
    return load_library()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database: a temporary SQLite file, or an empty database of its own on the local PostgreSQL
    (skipped when the server is absent, failed under CI=true)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings pointing at the test database; TestClient's host `testserver` is allowed (only in tests)."""
    return Settings(database_url=database_url, speech=False, allowed_hosts=[*LOOPBACK_HOSTS, "testserver"])


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """Every packaged content file, loaded and cross-checked once for the run (its models are frozen); the app
    fixture injects it, as the CLI and `create_app` callers may. `tests/test_smoke.py` builds an app that loads its
    own."""
    return load_catalog()


@pytest.fixture
def app(settings: Settings, catalog: Catalog) -> Iterator[FastAPI]:
    """The app built through the factory, with the run's catalog injected."""
    application = create_app(settings, catalog)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client talking to the app in-process."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on the test database (SQLite and PostgreSQL)."""
    with session_factory(database_url) as made:
        yield made


@pytest.fixture
def screened(database_url: str) -> int:
    """The default patient, cleared to exercise by a clean full screening; returns their id."""
    return clear_to_exercise(database_url)


@pytest.fixture
def drive(client: TestClient) -> Driver:
    """A driver for the session API."""
    return Driver(client)


Invoke = Callable[..., Result]


@pytest.fixture
def invoke(database_url: str) -> Invoke:
    """Run `sciatica-coach ARGS…` in-process with DATABASE_URL pointing at the test database."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        environment = {"DATABASE_URL": database_url, "COLUMNS": "100", "SCIATICA_MODE": "local", **(env or {})}
        return CliRunner().invoke(cli_app, list(args), input=input, env=environment)

    return run


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at a low cost, so tests that make and check many passwords stay quick (the hashes stay Argon2)."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8 * 1024),)))


@pytest.fixture
def clinic_app(database_url: str, fast_hashing: None) -> Iterator[FastAPI]:
    """The app in clinic mode (accounts and sign-in) on the test database."""
    application = create_app(clinic_settings(database_url))
    yield application
    application.state.engine.dispose()
