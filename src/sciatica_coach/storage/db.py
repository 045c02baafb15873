"""Engine and session factory, built from settings on demand (nothing connects at import).

Health data never reaches a log or an error message through the database layer: statement parameters are hidden
(`hide_parameters`), and the driver's DETAIL lines (PostgreSQL quotes the failing row or key there) are dropped
from every database error. A dead or silent server fails within seconds instead of hanging a request.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.storage import pipeline

# Execution option marking a connection whose transaction writes: on SQLite it begins with BEGIN IMMEDIATE.
WRITE_OPTION = "sciatica_write"

# Connections kept open: the web server runs sync routes on up to 40 threads; a pool smaller than the concurrency
# closes the overflow connection after every request and opens a new one for the next (a PostgreSQL backend each).
POOL_SIZE, MAX_OVERFLOW = 10, 30
BUSY_TIMEOUT_S = 15
POSTGRES_CONNECT_TIMEOUT_S = 5
POSTGRES_STATEMENT_TIMEOUT_MS = 15_000
POOL_TIMEOUT_S = 10
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")


class WriteBusy(Exception):
    """An inline write (on the event loop's thread, see `inline_writes`) found SQLite's write lock taken, before it
    had done anything: run it again where it may wait (a worker thread)."""


@dataclass
class _Inline:
    committed: bool = False  # once a write has committed, a later busy lock is waited for (no rerun could undo it)


_INLINE: ContextVar[_Inline | None] = ContextVar("sciatica_inline_writes", default=None)


@contextmanager
def inline_writes() -> Iterator[None]:
    """Within: a SQLite write that cannot have the write lock at once raises `WriteBusy` instead of waiting (on the
    event loop's thread, waiting would stall every other request), as long as nothing was committed yet."""
    token = _INLINE.set(_Inline())
    try:
        yield
    finally:
        _INLINE.reset(token)


def _refuse_to_wait() -> bool:
    inline = _INLINE.get()
    return inline is not None and not inline.committed


class _WriteGate:
    """SQLite takes one writer at a time; in-process writers queue here instead of in SQLite's busy handler.

    The busy handler polls with sleeps growing to 100 ms, so with a few concurrent writers one can wait for
    seconds while newcomers get in first. Here a writer blocks on a lock from its first write statement (where
    the driver opens the transaction) until its commit or rollback, and is woken as soon as the lock is free.
    Other processes (the CLI next to the server) still meet the busy timeout; readers never wait (WAL).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def enter(self) -> bool:
        """Take the gate; False (go ahead ungated, meeting the busy timeout as before) when it cannot be had.

        Never waits on an event loop's thread (an async route saving in place): the holder's commit may need
        that loop to run.
        """
        if _on_event_loop():
            if self._lock.acquire(blocking=False):
                return True
            if _refuse_to_wait():
                raise WriteBusy
            return False
        return self._lock.acquire(timeout=BUSY_TIMEOUT_S)

    def leave(self) -> None:
        """Let the next writer in (may run on another thread than `enter`: FastAPI hops threads)."""
        self._lock.release()


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class _GatedConnection(sqlite3.Connection):
    """A sqlite3 connection that leaves the write gate once its transaction has ended."""

    gate: _WriteGate
    holding = False

    def enter_gate(self) -> None:
        if not self.holding:
            self.holding = self.gate.enter()

    def _leave_gate(self) -> None:
        if self.holding:
            self.holding = False
            self.gate.leave()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._leave_gate()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._leave_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave_gate()


def make_engine(database_url: str) -> Engine:
    """Create an engine; SQLite gets its folder created, WAL, foreign keys, a busy timeout and the write gate;
    PostgreSQL connect and statement timeouts. Parameters are hidden from logs and errors on both."""
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        in_memory = not path or path == ":memory:"
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        factory = type("GatedConnection", (_GatedConnection,), {"gate": _WriteGate()})
        engine = create_engine(
            database_url,
            connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False, "factory": factory},
            hide_parameters=True,
            **(
                {}
                if in_memory
                else {"pool_size": POOL_SIZE, "max_overflow": MAX_OVERFLOW, "pool_timeout": POOL_TIMEOUT_S}
            ),
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # The driver's own transaction handling is switched off: SQLAlchemy's "begin" below starts every
            # transaction, so reads sit inside it too and writers can take the write lock up front.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # Under WAL, NORMAL syncs at checkpoints rather than at every commit: the database never corrupts; a
            # power cut (not a crash of the app) may lose the last commits.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):  # type: ignore[no-untyped-def]
            immediate = connection.get_execution_options().get(WRITE_OPTION, False)
            if immediate and _refuse_to_wait():
                _begin_without_waiting(connection)
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        @event.listens_for(engine, "commit")
        def _sqlite_commit(_connection):  # type: ignore[no-untyped-def]
            inline = _INLINE.get()
            if inline is not None:
                inline.committed = True

        @event.listens_for(engine, "before_cursor_execute")
        def _gate_writes(conn, _cursor, statement, _parameters, _context, _many):  # type: ignore[no-untyped-def]
            if statement.lstrip()[:15].upper().startswith(_WRITES):
                dbapi_connection: Any = conn.connection.dbapi_connection
                if isinstance(dbapi_connection, _GatedConnection):
                    dbapi_connection.enter_gate()

    else:
        if database_url.startswith("postgresql://"):
            database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
        connect_args: dict[str, object] = {}
        if database_url.startswith("postgresql"):
            connect_args = {
                "connect_timeout": POSTGRES_CONNECT_TIMEOUT_S,
                "options": f"-c statement_timeout={POSTGRES_STATEMENT_TIMEOUT_MS}",
            }
        engine = create_engine(
            database_url,
            pool_pre_ping=False,  # `_ping_on_checkout` instead: it can be skipped where the caller checks itself
            pool_size=POOL_SIZE,
            max_overflow=MAX_OVERFLOW,
            pool_timeout=POOL_TIMEOUT_S,
            connect_args=connect_args,
            hide_parameters=True,
        )
        event.listen(engine, "checkout", _ping_on_checkout)
    event.listen(engine, "handle_error", _drop_error_details)
    if engine.dialect.driver == "psycopg":
        pipeline.install(engine)
    return engine


_UNPINGED: ContextVar[bool] = ContextVar("sciatica_unpinged", default=False)


@contextmanager
def unpinged() -> Iterator[None]:
    """Within: a connection taken from a database server's pool is not pinged first. For a caller whose first
    statement finds out anyway and who then starts again on a new connection (`Store.write`): the ping is a round
    trip of its own, and on the hot write path it would be taken while the person's writers queue."""
    token = _UNPINGED.set(True)
    try:
        yield
    finally:
        _UNPINGED.reset(token)


def _ping_on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Pessimistic disconnect handling (what `pool_pre_ping` does): a connection the server dropped (a restart, an
    idle timeout) is replaced before anyone uses it; the pool reconnects when this raises `DisconnectionError`."""
    if _UNPINGED.get():
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
    except Exception as exc:  # whatever the driver raises for a dead socket
        raise DisconnectionError(without_detail(str(exc))) from None


def _begin_without_waiting(connection: Any) -> None:
    """BEGIN IMMEDIATE with no busy timeout: another process holding the write lock raises `WriteBusy` at once."""
    raw: Any = connection.connection.dbapi_connection
    raw.execute("PRAGMA busy_timeout=0")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except OperationalError as exc:
        if getattr(exc.orig, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise WriteBusy from None
        raise
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")


_DETAIL = re.compile(r"\n\s*(?:DETAIL|HINT|CONTEXT):")


def without_detail(text: str) -> str:
    """The message up to the first DETAIL, HINT or CONTEXT part (which may span lines and quote values)."""
    return _DETAIL.split(text, maxsplit=1)[0]


def _drop_error_details(context: ExceptionContext) -> None:
    """Remove the driver's DETAIL lines (values of the failing row or key) from the error and its message."""
    original = context.original_exception
    if original.args and isinstance(original.args[0], str):
        original.args = (without_detail(original.args[0]), *original.args[1:])
    wrapped = context.sqlalchemy_exception
    if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
        wrapped.args = (without_detail(wrapped.args[0]), *wrapped.args[1:])


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error."""
    with factory() as session, session.begin():
        yield session
