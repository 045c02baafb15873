"""Writes run inline on the event loop for SQLite, and never wait there: a busy write lock sends them to a thread.

`web/writes.run_write` runs a use case on the loop's own thread when the database is SQLite. The write lock may be
taken: by another request's transaction in a worker thread (the in-process write gate) or by another process (the
CLI beside the server: SQLite's own lock). Then the first write raises `WriteBusy` before anything is written, and
the use case runs again in a thread, where it waits; meanwhile the loop keeps serving. Once an inline write has
committed, a later busy lock is waited for instead (a rerun would save that write twice). PostgreSQL writes always
run in a worker thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sciatica_coach.storage.db import WriteBusy, inline_writes
from sciatica_coach.storage.models import AuditEntry
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.web.writes import run_write


class Writer:
    """A use case that writes one audit row per call and notes on which thread each attempt ran."""

    def __init__(self, store: Store, patient_id: int, transactions: int = 1) -> None:
        self.store, self.patient_id, self.transactions = store, patient_id, transactions
        self.threads: list[str] = []

    def __call__(self, action: str) -> str:
        self.threads.append(threading.current_thread().name)
        for n in range(self.transactions):
            with self.store.write(self.patient_id) as db:
                db.add(AuditEntry(patient_id=self.patient_id, actor="test", action=f"{action}-{n}", detail={}))
        return action


def rows(store: Store, action: str) -> int:
    with store.read() as db:
        return int(db.scalar(select(func.count()).where(AuditEntry.action.startswith(action))) or 0)


def store_for(database_url: str) -> Store:
    from sciatica_coach.storage.db import make_engine
    from sciatica_coach.storage.migrate import upgrade

    upgrade(database_url)
    return Store(make_engine(database_url))


def patient(store: Store) -> int:
    from sciatica_coach.storage.patients import default_patient

    with store.write() as db:
        return default_patient(db).id


def test_on_sqlite_a_free_write_runs_inline_on_postgres_in_a_thread(database_url: str) -> None:
    store = store_for(database_url)
    writer = Writer(store, patient(store))
    main = threading.current_thread().name
    assert asyncio.run(run_write(store, writer, "free")) == "free"
    assert rows(store, "free") == 1
    if store.dialect == "sqlite":
        assert writer.threads == [main]
    else:
        assert len(writer.threads) == 1 and writer.threads[0] != main
    store.engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file (the inline path exists on SQLite only: PostgreSQL writes always run in a thread)."""
    return f"sqlite:///{tmp_path / 'inline.db'}"


def test_a_request_holding_the_write_lock_in_a_thread_sends_the_next_one_to_a_thread(sqlite_url: str) -> None:
    database_url = sqlite_url
    store = store_for(database_url)
    pid = patient(store)
    holding, release = threading.Event(), threading.Event()

    def other_request() -> None:
        with store.write(pid) as db:
            db.add(AuditEntry(patient_id=pid, actor="test", action="holder", detail={}))
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=other_request)
    holder.start()
    holding.wait(10)
    writer = Writer(store, pid)

    async def scenario() -> str:
        work = asyncio.ensure_future(run_write(store, writer, "queued"))
        await asyncio.sleep(0.2)
        assert not work.done()  # waiting for the holder, in a thread: the loop goes on
        release.set()
        return await work

    result = asyncio.run(scenario())
    holder.join(10)
    assert result == "queued"
    main = threading.current_thread().name
    assert writer.threads[0] == main and writer.threads[1] != main and len(writer.threads) == 2
    assert rows(store, "queued") == 1 and rows(store, "holder") == 1  # tried twice, saved once
    store.engine.dispose()


def test_another_process_holding_sqlites_lock_is_not_waited_for_on_the_loop(sqlite_url: str) -> None:
    database_url = sqlite_url
    store = store_for(database_url)
    pid = patient(store)
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)  # as the CLI would
    other.execute("BEGIN IMMEDIATE")
    writer = Writer(store, pid)

    async def scenario() -> str:
        began = time.monotonic()
        work = asyncio.ensure_future(run_write(store, writer, "beside-cli"))
        await asyncio.sleep(0.3)
        assert time.monotonic() - began < 2  # the loop was not held for SQLite's 15 s busy timeout
        assert not work.done()
        other.execute("COMMIT")
        return await work

    result = asyncio.run(scenario())
    other.close()
    assert result == "beside-cli" and len(writer.threads) == 2
    assert rows(store, "beside-cli") == 1
    store.engine.dispose()


def test_after_an_inline_commit_a_busy_lock_is_waited_for_not_retried(sqlite_url: str) -> None:
    database_url = sqlite_url
    store = store_for(database_url)
    pid = patient(store)
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False)

    class TwoWrites(Writer):
        def __call__(self, action: str) -> str:
            self.threads.append(threading.current_thread().name)
            with self.store.write(self.patient_id) as db:
                db.add(AuditEntry(patient_id=self.patient_id, actor="test", action=f"{action}-0", detail={}))
            other.execute("BEGIN IMMEDIATE")  # the CLI takes the lock between the two writes, for a moment
            threading.Timer(0.2, lambda: other.execute("COMMIT")).start()
            with self.store.write(self.patient_id) as db:
                db.add(AuditEntry(patient_id=self.patient_id, actor="test", action=f"{action}-1", detail={}))
            return action

    writer = TwoWrites(store, pid)
    assert asyncio.run(run_write(store, writer, "twice")) == "twice"
    other.close()
    assert len(writer.threads) == 1  # not run again: its first write had committed
    assert rows(store, "twice-0") == 1 and rows(store, "twice-1") == 1
    store.engine.dispose()


def test_write_busy_is_raised_only_inside_inline_writes_on_the_loop(sqlite_url: str) -> None:
    database_url = sqlite_url
    store = store_for(database_url)
    pid = patient(store)
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")

    async def inline() -> None:
        with inline_writes(), store.write(pid) as db:
            db.add(AuditEntry(patient_id=pid, actor="test", action="never", detail={}))

    with pytest.raises(WriteBusy):
        asyncio.run(inline())
    other.execute("COMMIT")
    other.close()
    assert rows(store, "never") == 0

    def outside(db: Session) -> None:
        db.add(AuditEntry(patient_id=pid, actor="test", action="plain", detail={}))

    with store.write(pid) as db:  # a plain write off the loop is unaffected
        outside(db)
    assert rows(store, "plain") == 1
    store.engine.dispose()
