"""Engine and session factory, built from settings on demand (nothing connects at import).

Health data never reaches a log or an error message through the database layer: statement parameters are hidden
(`hide_parameters`), and the driver's DETAIL lines (PostgreSQL quotes the failing row or key there) are dropped
from every database error. A dead or silent server fails within seconds instead of hanging a request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_S = 15
POSTGRES_CONNECT_TIMEOUT_S = 5
POSTGRES_STATEMENT_TIMEOUT_MS = 15_000
POOL_TIMEOUT_S = 10


def make_engine(database_url: str) -> Engine:
    """Create an engine; SQLite gets its folder created, foreign keys and a busy timeout; PostgreSQL timeouts."""
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        in_memory = not path or path == ":memory:"
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            database_url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
            hide_parameters=True,
            **({} if in_memory else {"pool_timeout": POOL_TIMEOUT_S}),  # in-memory: one connection, no queue
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

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
            pool_pre_ping=True,
            pool_timeout=POOL_TIMEOUT_S,
            connect_args=connect_args,
            hide_parameters=True,
        )
    event.listen(engine, "handle_error", _drop_error_details)
    return engine


_DETAIL = re.compile(r"\n\s*(?:DETAIL|HINT|CONTEXT):")


def _without_detail(text: str) -> str:
    """The message up to the first DETAIL, HINT or CONTEXT part (which may span lines and quote values)."""
    return _DETAIL.split(text, maxsplit=1)[0]


def _drop_error_details(context: ExceptionContext) -> None:
    """Remove the driver's DETAIL lines (values of the failing row or key) from the error and its message."""
    original = context.original_exception
    if original.args and isinstance(original.args[0], str):
        original.args = (_without_detail(original.args[0]), *original.args[1:])
    wrapped = context.sqlalchemy_exception
    if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
        wrapped.args = (_without_detail(wrapped.args[0]), *wrapped.args[1:])


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error."""
    with factory() as session, session.begin():
        yield session
