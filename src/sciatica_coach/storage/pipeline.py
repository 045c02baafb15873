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
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

_OPEN = "sciatica_pipeline"  # the connection's open psycopg pipeline, while statements wait in it
_QUEUEING = "sciatica_queueing"  # set while `send_later` itself executes
_CAN_PIPELINE = "sciatica_can_pipeline"  # whether the connection's libpq runs pipelines
_CURSORS = "sciatica_cursors"  # the connection's cursors for statements queued past psycopg's execute
_IDLE = 0  # libpq's PQTRANS_IDLE: no transaction open
_CONNECTION = "sciatica_connection"  # in a write session's info: its transaction's connection


class HotStatement:
    """A Core statement run on every check-in, which on PostgreSQL skips SQLAlchemy's per-execution work.

    Compiled once for each set of parameter names, then handed to psycopg directly with the values SQLAlchemy's
    own bind processing would give (JSON serialised, names escaped): on the hot write path that work costs more
    than the statement itself. A statement that needs SQLAlchemy at execution time (Python-side column defaults
    to fill in, expanding IN lists, positional parameters) is executed through SQLAlchemy as any other.
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._forms: dict[tuple[str, tuple[str, ...]], _Form | None] = {}

    def form(self, dialect: Dialect, keys: Iterable[str]) -> _Form | None:
        """The statement compiled for these parameter names (None: it must go through SQLAlchemy)."""
        key = (dialect.name, tuple(sorted(keys)))
        if key not in self._forms:
            compiled: Any = cast(Any, self.statement).compile(dialect=dialect, column_keys=list(key[1]))
            direct = not (
                compiled.positional
                or compiled.insert_prefetch
                or compiled.update_prefetch
                or compiled.literal_execute_params
                or compiled.post_compile_params
            )
            self._forms[key] = _Form(compiled) if direct else None
        return self._forms[key]


class _Form:
    """One compiled form of a `HotStatement`: its SQL and how a row of values becomes the driver's parameters."""

    def __init__(self, compiled: Any) -> None:
        self.sql: str = compiled.string
        self._compiled = compiled
        self._processors: Mapping[str, Any] = compiled._bind_processors
        self._escaped: Mapping[str, str] = compiled.escaped_bind_names or {}

    def values(self, row: Mapping[str, Any]) -> dict[str, Any]:
        params = self._compiled.construct_params(row, escape_names=False)
        processors, escaped = self._processors, self._escaped
        return {
            escaped.get(key, key): processors[key](value) if key in processors else value
            for key, value in params.items()
        }


Params = Mapping[str, Any] | Sequence[Mapping[str, Any]]


def hold_connection(db: Session) -> Connection:
    """Begin the session's transaction now and keep its connection for `connection_of` (a write session: one
    transaction on one connection, savepoints included, until it ends)."""
    conn = db.info[_CONNECTION] = db.connection()
    return conn


def connection_of(db: Session) -> Connection:
    """The session's connection: the one held for its write transaction, else `db.connection()` (whose lookup, on
    every call, costs more than queueing a statement)."""
    conn: Connection | None = db.info.get(_CONNECTION)
    return conn if conn is not None else db.connection()


def send_later(db: Session, statement: Executable | HotStatement, params: Params) -> None:
    """Execute a statement whose result is not needed; on PostgreSQL it waits for the next round trip."""
    conn = connection_of(db)
    raw: Any = conn.connection.driver_connection
    if not conn.info.get(_CAN_PIPELINE):  # set when the connection opened (`install`); never on SQLite
        conn.execute(_statement(statement), params)
        return
    if _OPEN not in conn.info:
        pipe = raw.pipeline()
        pipe.__enter__()
        conn.info[_OPEN] = pipe
    rows = [params] if isinstance(params, Mapping) else list(params)
    form = statement.form(conn.dialect, list(rows[0])) if isinstance(statement, HotStatement) and rows else None
    if form is not None:
        cursor = _cursor(conn, raw, "writes")  # nobody reads a write's answer: one cursor takes them all
        for row in rows:
            _queue(raw, cursor, form.sql, form.values(row))
        return
    conn.info[_QUEUEING] = True
    try:
        conn.execute(_statement(statement), params)
    finally:
        conn.info[_QUEUEING] = False


def fetch(db: Session, statement: HotStatement, params: Mapping[str, Any]) -> list[Any]:
    """The rows of a read on the hot path, as named tuples (columns by label). On PostgreSQL it goes behind any
    queued writes, in the same round trip, so it sees them."""
    return fetch_together(db, [(statement, params)])[0]


def fetch_together(
    db: Session,
    reads: Sequence[tuple[HotStatement, Mapping[str, Any]]],
    *,
    unprepared: Iterable[int] = (),
    plain: bool = False,
) -> list[list[Any]]:
    """The rows of each read, in order: named tuples, or plain tuples with `plain` (for a reader that goes by
    position). On PostgreSQL all of them go behind any queued writes, in one round trip; each is still a statement
    of its own, started after the one before it finished (so one taking a lock sees, in those after it, everything
    the lock's last holder committed). The reads numbered in `unprepared` are planned afresh each time, never
    prepared (a plan that depends on how much the person has)."""
    conn = connection_of(db)
    forms = [statement.form(conn.dialect, list(params)) for statement, params in reads]
    if conn.dialect.driver != "psycopg" or not conn.info.get(_CAN_PIPELINE) or None in forms:
        return [list(conn.execute(statement.statement, params)) for statement, params in reads]
    raw: Any = conn.connection.driver_connection
    fresh = set(unprepared)
    cursors = []
    try:
        if _OPEN not in conn.info:
            pipe = raw.pipeline()
            pipe.__enter__()
            conn.info[_OPEN] = pipe
        for number, ((_, params), form) in enumerate(zip(reads, forms, strict=True)):
            assert form is not None
            cursor = _cursor(conn, raw, f"read-{number}", plain=plain)
            _queue(raw, cursor, form.sql, form.values(params), prepare=False if number in fresh else None)
            cursors.append(cursor)
    except conn.dialect.loaded_dbapi.Error as exc:
        _leave(conn)
        raise driver_error(conn, exc, "(reads on the write path)") from None
    _send(conn)  # the queued writes, then these reads: one round trip
    return [list(cursor.fetchall()) for cursor in cursors]


def _cursor(conn: Connection, raw: Any, role: str, *, plain: bool = False) -> Any:
    """A psycopg cursor kept with the database connection for one role on the hot path (made once, not per
    statement), with its own adapters' state (psycopg's Transformer: each cursor's answer is loaded through it).
    Its rows are named tuples, or plain tuples (cheaper: no names looked up for each answer) with `plain`."""
    from psycopg import adapt
    from psycopg.rows import namedtuple_row, tuple_row

    cursors: dict[tuple[str, bool], Any] = conn.info.setdefault(_CURSORS, {})
    cursor = cursors.get((role, plain))
    if cursor is None or cursor.closed or cursor.connection is not raw:
        cursor = cursors[role, plain] = raw.cursor(row_factory=tuple_row if plain else namedtuple_row)
        cursor._reset()
        cursor._tx = adapt.Transformer(cursor)
    return cursor


def _queue(raw: Any, cursor: Any, sql: str, values: Mapping[str, Any], *, prepare: bool | None = None) -> None:
    """Put one statement in the connection's open psycopg pipeline without sending it yet.

    What `cursor.execute` does in a pipeline, less what costs on the hot path: it sends each statement at once
    (a poll of the socket per statement), and at a transaction's start it waits a whole round trip for the BEGIN.
    Here the BEGIN, when due, goes ahead of the statement in the same round trip, and the statement waits in the
    queue for the next `_send`. Its answer (or error) reaches `cursor` then, as psycopg's own would. psycopg's
    prepared-statement cache is used as `execute` uses it. (This leans on psycopg internals: `pyproject.toml`
    pins psycopg, and `tests/storage/test_hot_statements.py` checks rows, errors and the transaction.)"""
    pipe = raw._pipeline
    pgconn = raw.pgconn
    if pgconn.transaction_status == _IDLE and not raw.autocommit:
        if pipe.command_queue:  # never on the hot path: send what waits first, so the BEGIN goes ahead of nothing
            raw.wait(pipe._communicate_gen())
        # Sent into libpq's buffer now, so the transaction counts as started for every statement after it.
        pgconn.send_query_params(raw._get_tx_start_command(), None)
        pipe.result_queue.append(None)
    cursor._reset()
    query = cursor._convert_query(sql, values)
    for _ in cursor._maybe_prepare_gen(query, prepare=prepare):  # queues only, in a pipeline: it never waits
        raise AssertionError("psycopg waited while queueing a statement")


def _leave(conn: Connection) -> None:
    """Leave pipeline mode, dropping whatever still waits in it (a failure while queueing, a rollback), so the
    connection can roll back."""
    pipe = conn.info.pop(_OPEN, None)
    if pipe is not None:
        with contextlib.suppress(Exception):
            pipe.__exit__(None, None, None)


def _statement(statement: Executable | HotStatement) -> Executable:
    return statement.statement if isinstance(statement, HotStatement) else statement


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
        if conn.invalidated:
            return  # the server dropped the connection: its pipeline went with it
        _leave(conn)  # the transaction is being rolled back: its queued writes go with it, and so do their errors


def _send(conn: Connection, *, commit: bool = False) -> None:
    """One round trip: every queued statement, in order, and the COMMIT after them when `commit`."""
    pipe = conn.info.pop(_OPEN)
    raw: Any = conn.connection.driver_connection
    try:
        if commit:
            # Queued behind the writes as a statement: the one Sync of leaving the pipeline carries both, and the
            # server's answer leaves the connection idle, so the driver's own commit after this has nothing to do.
            queue = raw._pipeline
            queue.command_queue.append(functools.partial(raw.pgconn.send_query_params, b"COMMIT", None))
            queue.result_queue.append(None)
        pipe.__exit__(None, None, None)
    except conn.dialect.loaded_dbapi.Error as exc:
        with contextlib.suppress(Exception):
            pipe.__exit__(None, None, None)  # leave pipeline mode so the connection can roll back
        raise driver_error(conn, exc, "(statements sent together)") from None


def driver_error(conn: Connection, exc: Exception, what: str) -> DBAPIError:
    """A driver error from a statement sent past SQLAlchemy, as SQLAlchemy would raise it (rolled back like any
    other), without its DETAIL lines; a connection the server dropped is invalidated, as SQLAlchemy does."""
    from sciatica_coach.storage.db import without_detail

    dropped = conn.dialect.is_disconnect(exc, conn.connection.dbapi_connection, None)  # type: ignore[arg-type]
    if dropped:
        conn.invalidate(exc)
    exc.args = (without_detail(str(exc.args[0])) if exc.args else "", *exc.args[1:])
    error = conn.dialect.loaded_dbapi.Error
    wrapped = DBAPIError.instance(what, None, exc, error, hide_parameters=True, connection_invalidated=dropped)
    return cast(DBAPIError, wrapped)  # a driver error always gives a DBAPIError
