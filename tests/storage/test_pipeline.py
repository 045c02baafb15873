"""Writes sent later (storage/pipeline.py): seen by the next read, saved by the commit, gone with a rollback, and a
failing one fails its transaction with a clear database error, on SQLite and PostgreSQL; on PostgreSQL the writes
and the read after them go to the server in one round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from psycopg import pq
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError

from sciatica_coach.storage.models import AuditEntry, table_of, utcnow
from sciatica_coach.storage.pipeline import send_later
from sciatica_coach.storage.unit_of_work import Store

AUDIT = insert(table_of(AuditEntry)).inline()


def _row(patient_id: int, action: str) -> dict[str, object]:
    return {"patient_id": patient_id, "created_at": utcnow(), "actor": "test", "action": action, "detail": {}}


def _count(store: Store, action: str) -> int:
    with store.read() as db:
        return int(db.scalar(select(func.count()).where(table_of(AuditEntry).c.action == action)) or 0)


def test_a_write_sent_later_is_seen_by_the_next_read_and_saved(app: FastAPI, screened: int) -> None:
    store: Store = app.state.store
    with store.write(screened) as db:
        send_later(db, AUDIT, _row(screened, "first"))
        send_later(db, AUDIT, [_row(screened, "second"), _row(screened, "second")])
        seen = db.scalar(select(func.count()).where(table_of(AuditEntry).c.action.in_(("first", "second"))))
        assert seen == 3
        send_later(db, AUDIT, _row(screened, "last"))  # nothing reads after it: it goes with the COMMIT
    assert (_count(store, "first"), _count(store, "second"), _count(store, "last")) == (1, 2, 1)


def test_writes_sent_later_go_with_a_rollback(app: FastAPI, screened: int) -> None:
    store: Store = app.state.store
    with pytest.raises(RuntimeError), store.write(screened) as db:
        send_later(db, AUDIT, _row(screened, "rolled-back"))
        raise RuntimeError("the use case failed")
    assert _count(store, "rolled-back") == 0
    with store.write(screened) as db:  # the connection is usable again
        send_later(db, AUDIT, _row(screened, "after"))
    assert _count(store, "after") == 1


def test_a_failing_write_sent_later_fails_the_transaction(app: FastAPI, screened: int) -> None:
    store: Store = app.state.store
    with pytest.raises(DBAPIError) as failed, store.write(screened) as db:
        send_later(db, AUDIT, _row(screened, "kept-back"))
        send_later(db, AUDIT, _row(999_999, "no-such-patient"))  # the foreign key refuses it
    assert "999999" not in str(failed.value), "the driver's DETAIL (the row's values) is not in the error"
    assert _count(store, "kept-back") == 0
    with store.write(screened) as db:
        send_later(db, AUDIT, _row(screened, "after"))
    assert _count(store, "after") == 1


def test_a_failing_write_sent_later_fails_the_read_that_follows_it(app: FastAPI, screened: int) -> None:
    store: Store = app.state.store
    with pytest.raises(DBAPIError) as failed, store.write(screened) as db:
        send_later(db, AUDIT, _row(999_999, "no-such-patient"))
        db.scalar(select(func.count()).select_from(table_of(AuditEntry)))  # goes out with it, and fails with it
    assert "999999" not in str(failed.value)
    with store.write(screened) as db:
        send_later(db, AUDIT, _row(screened, "after"))
    assert _count(store, "after") == 1


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_queued_writes_and_the_read_after_them_take_one_round_trip(app: FastAPI, screened: int, tmp_path: Path) -> None:
    """Counted in libpq's own protocol trace: one Sync (the client waits for the server) for 3 writes and a read."""
    store: Store = app.state.store
    trace = tmp_path / "libpq.trace"
    with store.write(screened) as db:
        pgconn = db.connection().connection.driver_connection.pgconn  # type: ignore[union-attr]
        with trace.open("w") as out:
            pgconn.trace(out.fileno())
            pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
            try:
                send_later(db, AUDIT, _row(screened, "one"))
                send_later(db, AUDIT, [_row(screened, "two"), _row(screened, "two")])
                seen = db.scalar(select(func.count()).where(table_of(AuditEntry).c.action.in_(("one", "two"))))
            finally:
                pgconn.untrace()
        assert seen == 3
    syncs = [line for line in trace.read_text().splitlines() if line.startswith("F") and "Sync" in line]
    assert len(syncs) == 1, trace.read_text()
