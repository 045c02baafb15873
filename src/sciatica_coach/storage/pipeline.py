"""Writes whose answer nobody reads, sent to PostgreSQL together (psycopg's pipeline mode).

A check-in's last writes (the corrected row, the plan row, the plan changes and their audit rows) need nothing back
from the server. `send_later` runs such a statement at once on SQLite; on PostgreSQL it queues the statement in the
connection's pipeline. The queue goes out in order, in one round trip, together with the next statement that needs
an answer (that statement joins the queue, after the writes, so it sees every one of them, and its answer comes back
in the same round trip), or together with the COMMIT. A queued statement that fails
raises there, as a SQLAlchemy `DBAPIError` without the driver's DETAIL lines, and the transaction rolls back as any
other failure would. Only statements executed through `send_later` are queued: anything else (ORM flushes, reads,
inserts that return ids) runs as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

_OPEN = "sciatica_pipeline"  # the connection's open psycopg pipeline, while statements wait in it
_QUEUEING = "sciatica_queueing"  # set while `send_later` itself executes
_CAN_PIPELINE = "sciatica_can_pipeline"  # whether the connection's libpq runs pipelines


def send_later(db: Session, statement: Executable, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> None:
    """Execute a statement whose result is not needed; on PostgreSQL it waits for the next round trip."""
    conn = db.connection()
    raw: Any = conn.connection.driver_connection
    if not conn.info.get(_CAN_PIPELINE):  # set when the connection opened (`install`); never on SQLite
        conn.execute(statement, params)
        return
    if _OPEN not in conn.info:
        pipe = raw.pipeline()
        pipe.__enter__()
        conn.info[_OPEN] = pipe
    conn.info[_QUEUEING] = True
    try:
        conn.execute(statement, params)
    finally:
        conn.info[_QUEUEING] = False


def install(engine: Engine) -> None:
    """Send the queue before any other statement, and with the COMMIT; drop it on a rollback (PostgreSQL engines)."""

    @event.listens_for(engine, "connect")
    def _connect(_dbapi_connection: Any, record: Any) -> None:
        import psycopg

        record.info[_CAN_PIPELINE] = bool(psycopg.Pipeline.is_supported())

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Connection, _cursor: Any, _statement: str, _params: Any, _context: Any, many: bool) -> None:
        if many and _OPEN in conn.info and not conn.info.get(_QUEUEING):
            _send(conn)  # an executemany goes after the queue, on its own

    @event.listens_for(engine, "do_execute")
    def _execute(cursor: Any, statement: str, params: Any, context: Any) -> bool:
        conn: Connection = context.root_connection
        try:
            info = conn.info
        except NotImplementedError:  # the dialect's first look at the server, before the pool knows the connection
            return False
        if _OPEN not in info or info.get(_QUEUEING):
            return False  # the dialect executes it as usual (or queues it, for `send_later`)
        cursor.execute(statement, params)  # behind the queued writes, in the same pipeline
        _send(conn)  # one round trip: the writes, then this statement, whose answer is now in the cursor
        return True

    @event.listens_for(engine, "commit")
    def _commit(conn: Connection) -> None:
        if _OPEN in conn.info:
            _send(conn, commit=True)  # the driver's own commit after this finds nothing left to do

    @event.listens_for(engine, "rollback")
    def _rollback(conn: Connection) -> None:
        pipe = conn.info.pop(_OPEN, None)
        if pipe is not None:
            # The transaction is being rolled back: its queued writes go with it, and so do their errors.
            with contextlib.suppress(Exception):
                pipe.__exit__(None, None, None)


def _send(conn: Connection, *, commit: bool = False) -> None:
    """One round trip: every queued statement, in order, and the COMMIT after them when `commit`."""
    pipe = conn.info.pop(_OPEN)
    raw: Any = conn.connection.driver_connection
    try:
        if commit:
            # Queued behind the writes as a statement: the one Sync of leaving the pipeline carries both, and the
            # server's answer leaves the connection idle, so the driver's own commit after this has nothing to do.
            raw.execute("COMMIT")
        pipe.__exit__(None, None, None)
    except conn.dialect.loaded_dbapi.Error as exc:
        with contextlib.suppress(Exception):
            pipe.__exit__(None, None, None)  # leave pipeline mode so the connection can roll back
        from sciatica_coach.storage.db import without_detail

        exc.args = (without_detail(str(exc.args[0])) if exc.args else "", *exc.args[1:])
        raise DBAPIError.instance(
            "(statements sent together)", None, exc, conn.dialect.loaded_dbapi.Error, hide_parameters=True
        ) from None
