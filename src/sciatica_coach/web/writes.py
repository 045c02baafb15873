"""Where a route runs a use case that writes: inline on the event loop for SQLite when it can, else a worker thread.

A use case on the embedded SQLite database is Python work in this process (a statement is microseconds of C; the
rest is the rules and SQLAlchemy), so a worker thread adds nothing but the hop there and back and a fight for the
one GIL with the loop, which under load costs the hot check-in a third of its rate. Inline, though, it must never
wait: when the write lock is taken (another request's thread, or another process such as the CLI), the first write
raises `WriteBusy` before anything was done, and the use case runs again in a worker thread, where waiting is
harmless. PostgreSQL writes always go to a worker thread: every statement there is a network round trip, and a row
lock may be waited for, neither of which may stall the loop. Those threads are asyncio's executor of our own, as
many as the database pool has connections: a call there costs the loop about a third less than Starlette's
`run_in_threadpool` (anyio's worker threads, with their limiter and cancel scopes), on the hottest writes.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

from sciatica_coach.storage.db import MAX_OVERFLOW, POOL_SIZE, WriteBusy, inline_writes
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
    return await _seen_through(
        asyncio.get_running_loop().run_in_executor(_threads(), functools.partial(use_case, *args, **kwargs))
    )


async def _seen_through(write: asyncio.Future[T]) -> T:
    """The write's answer once its thread is done. A cancel (a socket closed, the server stopping) waits for the
    write to finish before it is passed on, as anyio's threads do: a write handed to its thread is never left half
    way, nor answered before it is saved."""
    cancel: asyncio.CancelledError | None = None
    while True:
        try:
            value = await asyncio.shield(write)
            break
        except asyncio.CancelledError as exc:
            cancel = cancel or exc  # the first one, passed on as it came (anyio's cancel scopes know theirs)
            if write.done():
                value = write.result()  # finished as the cancel came: its error (if any) goes up instead
                break
    if cancel is not None:
        raise cancel
    return value


_THREADS: list[ThreadPoolExecutor] = []  # made on the first write that needs one, then shared by the process


def _threads() -> ThreadPoolExecutor:
    if not _THREADS:
        _THREADS.append(ThreadPoolExecutor(max_workers=POOL_SIZE + MAX_OVERFLOW, thread_name_prefix="write"))
    return _THREADS[0]
