"""A writer that had to wait for the patient's lock reads what the writer before it saved, on SQLite and PostgreSQL.

On PostgreSQL a statement's snapshot is taken when it starts: a statement that waits for a row lock and also reads
other rows would return them as they were before the holder committed. So the lock is taken first and the rows are
read after it, and every fact a write transaction keeps (the plan row, the last screening, whether a lock is open)
is read once the lock is held.
"""

from __future__ import annotations

import json
import threading
import time

from fastapi import FastAPI
from sqlalchemy import text

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.checkins import MorningCheck
from sciatica_coach.domain.screening import all_no
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.checkins import save_morning_checkin
from sciatica_coach.storage.plans import apply_adaptation, held_state_json
from sciatica_coach.storage.safety import any_open_lock, last_screened_at, record_screening
from sciatica_coach.storage.unit_of_work import Store

WORSE = MorningCheck(SymptomCheck(back=3, leg=8, left_reach="foot", right_reach="none"), False, False)


def _hold_then(store: Store, patient_id: int, work: object, waiter: object) -> dict[str, object]:
    """Run `work(db)` holding the patient's lock; meanwhile `waiter(db)` asks for the lock and reads."""
    seen: dict[str, object] = {}
    locked = threading.Event()

    def wait_for_lock() -> None:
        locked.wait()
        with store.write(patient_id) as db:
            seen.update(waiter(db))  # type: ignore[operator]

    thread = threading.Thread(target=wait_for_lock)
    thread.start()
    with store.write(patient_id) as db:
        seen["holder"] = work(db)  # type: ignore[operator]
        locked.set()
        time.sleep(0.4)  # the waiter's statements are now queued on the lock
    thread.join(timeout=10)
    assert not thread.is_alive()
    return seen


def _plain(data: object) -> object:
    return json.loads(json.dumps(data))


def test_the_waiting_writer_reads_the_plan_the_holder_saved(app: FastAPI, catalog: Catalog, screened: int) -> None:
    store: Store = app.state.store
    with store.write(screened) as db:
        before = held_state_json(db, screened, catalog.library)  # the plan row exists before the race

    def holder(db: object) -> object:
        save_morning_checkin(db, screened, WORSE)  # type: ignore[arg-type]
        apply_adaptation(db, screened, catalog.library, catalog.rules)  # type: ignore[arg-type]
        return held_state_json(db, screened, catalog.library)  # type: ignore[arg-type]

    seen = _hold_then(store, screened, holder, lambda db: {"waiter": held_state_json(db, screened, catalog.library)})
    assert _plain(seen["holder"]) != _plain(before), "the holder changed the plan"
    assert _plain(seen["waiter"]) == _plain(seen["holder"]), "the waiting writer read the saved plan"


def test_the_waiting_writer_sees_the_lock_and_screening_the_holder_recorded(
    app: FastAPI, catalog: Catalog, screened: int
) -> None:
    store: Store = app.state.store
    with store.read() as db:
        before = last_screened_at(db, screened)

    def holder(db: object) -> object:
        answers = {**all_no("short"), "bladder-trouble": True}
        return record_screening(db, screened, "short", answers, catalog.red_flags).red_flag  # type: ignore[arg-type]

    seen = _hold_then(
        store,
        screened,
        holder,
        lambda db: {"locked": any_open_lock(db, screened), "screened": last_screened_at(db, screened)},
    )
    assert seen["holder"] is True
    assert seen["locked"] is True, "a red flag recorded by the writer before is seen by the next one"
    assert before is not None and seen["screened"] is not None and seen["screened"] > before  # type: ignore[operator]


def test_a_persons_writers_queue_in_turn_without_holding_a_connection_while_they_wait(
    app: FastAPI, screened: int
) -> None:
    store: Store = app.state.store
    waiting = 5
    started = threading.Barrier(waiting + 1)
    done: list[int] = []

    def writer(n: int) -> None:
        started.wait()
        with store.write(screened) as db:
            save_morning_checkin(db, screened, WORSE)
            done.append(n)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(waiting)]
    for thread in threads:
        thread.start()
    with store.write(screened) as db:
        save_morning_checkin(db, screened, WORSE)
        started.wait()
        time.sleep(0.4)  # every writer has asked for its turn
        held = store.engine.pool.checkedout()  # type: ignore[attr-defined]
        assert done == []
    for thread in threads:
        thread.join(timeout=10)
        assert not thread.is_alive()
    assert sorted(done) == list(range(waiting))
    if store.dialect == "postgresql":
        # the waiters queue in this process, not on the row lock with a pooled connection each
        assert held == 1, f"{held} connections taken while one writer held the person's lock"
    else:
        assert held <= waiting + 1  # SQLite: the connection is taken, the write lock (BEGIN IMMEDIATE) waited for
    with store.read() as db:
        count = db.scalar(text("select count(*) from checkins where patient_id = :p"), {"p": screened})
    assert count == waiting + 1
