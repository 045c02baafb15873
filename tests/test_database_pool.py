"""The test databases are as good as new: migrated once per process, then copied (SQLite) or emptied and reused
(PostgreSQL), and a database whose schema a test changed is never handed out again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.exc import OperationalError

from helpers import POSTGRES_ADMIN_URL, DatabasePool, database_url_for, fresh_database
from sciatica_coach.storage.models import Base, Patient


def count_patients(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Patient.__table__)).scalar_one()
    finally:
        engine.dispose()


def add_patient(url: str, name: str) -> int:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return conn.execute(Patient.__table__.insert().values(display_name=name).returning(Patient.id)).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture
def pool() -> Iterator[DatabasePool]:
    """A pool of its own (not the run's), so what these tests do to it cannot reach other tests."""
    made = DatabasePool()
    yield made
    made.close()


def test_every_sqlite_database_is_a_new_migrated_file(pool: DatabasePool, tmp_path: Path) -> None:
    first = pool.sqlite_copy(tmp_path / "a.db")
    add_patient(first, "Someone")
    second = pool.sqlite_copy(tmp_path / "b.db")
    assert count_patients(first) == 1 and count_patients(second) == 0
    engine = create_engine(second)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables == {table.name for table in Base.metadata.sorted_tables} | {"alembic_version"}


@pytest.mark.postgres
def test_a_reused_postgres_database_is_empty_ids_restart_and_leftover_connections_are_closed(
    pool: DatabasePool,
) -> None:
    name = pool.take_postgres(POSTGRES_ADMIN_URL)
    url = database_url_for(POSTGRES_ADMIN_URL, name)
    assert add_patient(url, "First") == 1
    assert add_patient(url, "Second") == 2
    leftover = create_engine(url)  # a test that forgot to close its connection, in the middle of a transaction
    conn = leftover.connect()
    conn.execute(text("SELECT 1"))
    pool.give_back(POSTGRES_ADMIN_URL, name)

    again = pool.take_postgres(POSTGRES_ADMIN_URL)
    assert again == name  # reused, not migrated anew
    assert count_patients(url) == 0
    assert add_patient(url, "New") == 1
    with pytest.raises(OperationalError, match="terminat"):  # the leftover connection was closed by the reset
        conn.execute(text("SELECT 1"))
    conn.invalidate()
    leftover.dispose()
    pool.give_back(POSTGRES_ADMIN_URL, again)


@pytest.mark.postgres
def test_a_postgres_database_whose_schema_a_test_changed_is_dropped_not_reused(pool: DatabasePool) -> None:
    name = pool.take_postgres(POSTGRES_ADMIN_URL)
    engine = create_engine(database_url_for(POSTGRES_ADMIN_URL, name))
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE scratch (note TEXT)"))
    finally:
        engine.dispose()
    pool.give_back(POSTGRES_ADMIN_URL, name)
    fresh = pool.take_postgres(POSTGRES_ADMIN_URL)
    assert fresh != name
    admin = create_engine(POSTGRES_ADMIN_URL)
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
    finally:
        admin.dispose()
    assert exists == 0
    pool.give_back(POSTGRES_ADMIN_URL, fresh)


@pytest.mark.postgres
def test_two_databases_held_at_once_are_two(tmp_path: Path) -> None:
    with fresh_database("postgres", tmp_path) as first, fresh_database("postgres", tmp_path) as second:
        assert first != second
        add_patient(first, "Only here")
        assert count_patients(second) == 0


@pytest.mark.postgres
def test_closing_drops_what_the_pool_made(tmp_path: Path) -> None:
    pool = DatabasePool()
    pool.sqlite_copy(tmp_path / "a.db")
    template_folder = pool.template_folder
    assert template_folder is not None and template_folder.is_dir()
    name = pool.take_postgres(POSTGRES_ADMIN_URL)
    pool.give_back(POSTGRES_ADMIN_URL, name)
    pool.close()
    assert not template_folder.exists()
    admin = create_engine(POSTGRES_ADMIN_URL)
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
    finally:
        admin.dispose()
    assert exists == 0
