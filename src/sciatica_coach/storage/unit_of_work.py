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
from contextlib import contextmanager, nullcontext

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.storage.db import WRITE_OPTION
from sciatica_coach.storage.held import lock_patient


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
        with queue, self._writes() as db, db.begin():
            db.connection()  # begins now: SQLite takes its write lock before the first read
            if row is not None:
                # The lock, then (in the same round trip, as a statement of its own) the facts most writes read next.
                lock_patient(db, row)
            yield db
