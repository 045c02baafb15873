"""Where a route runs a use case that writes: inline on the event loop for SQLite when it can, else a worker thread.

A use case on the embedded SQLite database is Python work in this process (a statement is microseconds of C; the
rest is the rules and SQLAlchemy), so a worker thread adds nothing but the hop there and back and a fight for the
one GIL with the loop, which under load costs the hot check-in a third of its rate. Inline, though, it must never
wait: when the write lock is taken (another request's thread, or another process such as the CLI), the first write
raises `WriteBusy` before anything was done, and the use case runs again in a worker thread, where waiting is
harmless. PostgreSQL writes always go to a worker thread: every statement there is a network round trip, and a row
lock may be waited for, neither of which may stall the loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

from sciatica_coach.storage.db import WriteBusy, inline_writes
from sciatica_coach.storage.unit_of_work import Store

P = ParamSpec("P")
T = TypeVar("T")


async def run_write(store: Store, use_case: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run `use_case(*args, **kwargs)`: inline on SQLite unless its write lock is busy, else in the thread pool."""
    if store.dialect == "sqlite":
        with inline_writes():
            try:
                return use_case(*args, **kwargs)
            except WriteBusy:
                pass  # nothing was written: the same call again, in a thread that may wait for the lock
    return await run_in_threadpool(use_case, *args, **kwargs)
