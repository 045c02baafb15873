"""What a write transaction read once it held the patient's lock, kept for the rest of that transaction.

`Store.write(patient_id)` on PostgreSQL locks the patient's row, then reads in one more statement the facts most
writes need next: the plan row, when the last whole screening was, whether a safety lock is open, the latest
morning check-in and the plan changes made since it (what a second check-in the same day corrects and replays). Both
statements go to the server together (psycopg's pipeline mode: one round trip), and the second one starts after the
first has the lock, so its snapshot holds everything the writer before committed. (One statement that waited for the
lock and read other rows as well would return those rows as they were before that writer committed: PostgreSQL takes
a statement's snapshot when it starts. `tests/storage/test_write_lock.py` races two writers to keep that true.)

A fact is kept only while this transaction cannot have changed it: the storage functions that write a plan row, a
screening or a lock update or forget their fact here. Nothing else can change them meanwhile, since every writer of
a patient's rows holds that patient's lock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, func, literal_column, select, true, union_all
from sqlalchemy.orm import Session

from sciatica_coach.storage.models import (
    MORNING_KIND,
    SYMPTOM_COLUMNS,
    CheckIn,
    Patient,
    PlanChange,
    PlanState,
    SafetyLock,
    Screening,
    as_utc,
    table_of,
)
from sciatica_coach.storage.pipeline import HotStatement, fetch_together

HELD = "sciatica_held"
SCREENING_FORMS = ("full", "short")  # the forms that count as a whole screening (a re-screen is due 24 h after)

_LOCK = select(table_of(Patient).c.id).where(table_of(Patient).c.id == bindparam("patient_id")).with_for_update()
_PLAN = select(table_of(PlanState).c.plan).where(table_of(PlanState).c.patient_id == bindparam("patient_id"))
# The later of each form's latest: each one a single step back along the (patient, form, time) index, whatever
# the planner's statistics say, where one max() over both forms reads every screening the person ever answered
# (one a day, with each morning's) and grows with their history.
_SCREENINGS = table_of(Screening)
_LATEST_OF_EACH = union_all(
    *(
        select(
            select(_SCREENINGS.c.created_at)
            .where(
                _SCREENINGS.c.patient_id == bindparam("patient_id"),
                _SCREENINGS.c.form == literal_column(f"'{form}'"),
            )
            .order_by(_SCREENINGS.c.created_at.desc())
            .limit(1)
            .scalar_subquery()
            .label("at")
        )
        for form in SCREENING_FORMS
    )
).subquery("latest_of_each")
LAST_SCREENED = select(func.max(_LATEST_OF_EACH.c.at))
LOCK_OPEN = exists().where(
    table_of(SafetyLock).c.patient_id == bindparam("patient_id"), table_of(SafetyLock).c.cleared_at.is_(None)
)
_CHECKS, _CHANGES = table_of(CheckIn), table_of(PlanChange)
MORNING_COLUMNS = ("id", "created_at", "answers", *SYMPTOM_COLUMNS)
_LAST_MORNING = (
    select(*(_CHECKS.c[name] for name in MORNING_COLUMNS))
    .where(_CHECKS.c.patient_id == bindparam("patient_id"), _CHECKS.c.kind == MORNING_KIND)
    .order_by(_CHECKS.c.created_at.desc(), _CHECKS.c.id.desc())
    .limit(1)
    .lateral("last_morning")
)
_CHANGES_SINCE_MORNING = (
    select(func.json_agg(func.json_build_array(_CHANGES.c.id, _CHANGES.c.after)))
    .where(_CHANGES.c.patient_id == bindparam("patient_id"), _CHANGES.c.created_at >= _LAST_MORNING.c.created_at)
    .scalar_subquery()
)
_ONE_ROW = select(literal_column("1").label("one")).subquery("one_row")
_FACTS = select(
    _PLAN.scalar_subquery().label("plan"),
    LOCK_OPEN.label("locked"),
    *(_LAST_MORNING.c[name].label(f"morning_{name}") for name in MORNING_COLUMNS),
    _CHANGES_SINCE_MORNING.label("morning_changes"),
).select_from(_ONE_ROW.outerjoin(_LAST_MORNING, true()))
_LOCK_HOT, _FACTS_HOT, _SCREENED_HOT = HotStatement(_LOCK), HotStatement(_FACTS), HotStatement(LAST_SCREENED)
_UNKNOWN: Any = object()  # a fact not held: ask the database


@dataclass(frozen=True)
class Held:
    """The facts read under one patient's lock. `plan` is the plan row's JSON (None: no row yet)."""

    patient_id: int
    plan: dict[str, Any] | None = _UNKNOWN
    screened: datetime | None = _UNKNOWN  # the last whole screening, in UTC
    locked: bool = _UNKNOWN  # whether a safety lock is open
    morning: dict[str, Any] | None = _UNKNOWN  # the latest morning check-in's row (`MORNING_COLUMNS`), None: none yet
    # The plan changes (id, the `after` JSON) made at or after that morning, oldest first.
    morning_changes: tuple[tuple[int, dict[str, Any] | None], ...] = _UNKNOWN

    def knows(self, fact: str) -> bool:
        return getattr(self, fact) is not _UNKNOWN


def held(db: Session, patient_id: int, fact: str) -> Held | None:
    """What this transaction holds for the patient, when it holds `fact` (else None: read it from the database)."""
    found: Held | None = db.info.get(HELD)
    if found is None or found.patient_id != patient_id or not found.knows(fact):
        return None
    return found


def keep(db: Session, patient_id: int, **facts: Any) -> None:
    """Hold (or replace) facts for the patient; `forget` what this transaction changed without knowing the result."""
    found: Held | None = db.info.get(HELD)
    base = found if found is not None and found.patient_id == patient_id else Held(patient_id)
    db.info[HELD] = replace(base, **facts)


def forget(db: Session, patient_id: int, *facts: str) -> None:
    """The facts are no longer known (this transaction changed them): the next reader asks the database."""
    keep(db, patient_id, **dict.fromkeys(facts, _UNKNOWN))


def lock_patient(db: Session, patient_id: int) -> None:
    """Lock the patient's row for this transaction, then read and hold their facts (PostgreSQL).

    The lock, the facts and the last screening go to the server together (one round trip with psycopg's pipeline
    mode), each a statement of its own, run after the lock is granted. The last screening is planned afresh every
    time (never prepared): its best plan depends on how many screenings the person has, which grows every day, and
    a prepared statement's one generic plan, made while the table was small, would go on reading every row (a scan
    where the index takes one step)."""
    params = {"patient_id": patient_id}
    reads = [(_LOCK_HOT, params), (_FACTS_HOT, params), (_SCREENED_HOT, params)]
    _, facts, screenings = fetch_together(db, reads, unprepared=[2], plain=True)
    row = tuple(facts[0])
    screened = screenings[0][0] if screenings else None
    plan, locked = row[:2]
    morning = dict(zip(MORNING_COLUMNS, row[2 : 2 + len(MORNING_COLUMNS)], strict=True))
    changes = tuple((int(change_id), after) for change_id, after in row[-1] or ())
    keep(
        db,
        patient_id,
        plan=plan,
        screened=as_utc(screened) if screened is not None else None,
        locked=bool(locked),
        morning=morning if morning["id"] is not None else None,
        morning_changes=changes,  # none when there is no morning (the outer join gives NULL)
    )
