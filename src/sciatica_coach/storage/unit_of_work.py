"""Units of work: a read that never commits, and a write that holds the patient's lock for its whole transaction.

Every use case runs in exactly one `Store.write(patient_id)`. On SQLite the transaction begins with
`BEGIN IMMEDIATE` (the database's single write lock is taken before anything is read, so a read-modify-write can
never interleave with another writer); on PostgreSQL the patient's row is locked `FOR UPDATE` first, which
serialises every writer for that person while other people's writes go on in parallel. Within this process the
person's writers queue on a lock of their own first, before taking a connection: a writer waiting for the row lock
would hold a pooled connection and keep a thread busy fighting for the GIL for nothing.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.storage.db import WRITE_OPTION, unpinged
from sciatica_coach.storage.held import lock_patient
from sciatica_coach.storage.pipeline import hold_connection


class Store:
    """Opens read and write transactions on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
        self._queues: weakref.WeakValueDictionary[int, threading.Lock] = weakref.WeakValueDictionary()
        self._queues_lock = threading.Lock()

    def _queue(self, patient_id: int) -> threading.Lock:
        """The in-process lock one person's writers take in turn (kept while anyone holds or waits for it)."""
        with self._queues_lock:
            lock = self._queues.get(patient_id)
            if lock is None:
                lock = self._queues[patient_id] = threading.Lock()
            return lock

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: one consistent snapshot, always rolled back (a read can never save a row)."""
        with self._reads() as db:
            try:
                yield db
            finally:
                db.rollback()

    @contextmanager
    def write(self, patient_id: int | None = None) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any error.

        With `patient_id`, that person's writes are serialised (SQLite: the write lock; PostgreSQL: a row lock).
        """
        row = patient_id if self.dialect != "sqlite" else None  # the person whose row lock this write takes
        # This process's writers for the person go in turn, before any takes a connection.
        queue = self._queue(row) if row is not None else nullcontext()
        with queue, ExitStack() as stack:
            yield self._begin(stack, row)

    def _begin(self, stack: ExitStack, row: int | None) -> Session:
        """A write session in a transaction, entered on `stack`; with `row`, that person's row locked.

        Taking the lock is the first statement, so it also tells whether the pooled connection is still alive:
        it is not pinged first, and a lock that finds the connection dropped (the server restarted) is asked for
        again, once, on a pinged one. Nothing was done before it, so nothing is done twice."""
        for attempt in (1, 2):
            turn = ExitStack()
            with unpinged() if row is not None and attempt == 1 else nullcontext():
                db = turn.enter_context(self._writes())
                turn.enter_context(db.begin())
                try:
                    hold_connection(db)  # begins now: SQLite takes its write lock before the first read
                    if row is not None:
                        # The lock, then (in the same round trip, as a statement of its own) the facts most writes
                        # read next.
                        lock_patient(db, row)
                except BaseException as exc:
                    turn.__exit__(type(exc), exc, exc.__traceback__)  # rolled back, the session closed
                    dropped = isinstance(exc, DBAPIError) and exc.connection_invalidated
                    if dropped and attempt == 1 and row is not None:
                        continue
                    raise
            stack.enter_context(turn)
            return db
        raise AssertionError("unreachable: the second attempt returns or raises")
