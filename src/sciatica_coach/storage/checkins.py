"""Check-in rows: quick symptom checks answered inside a session (more kinds are added by check-ins)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Literal, Protocol, cast

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from sciatica_coach.domain.checkins import MorningCheck
from sciatica_coach.domain.instruments.sbi import SbiScore
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.held import MORNING_COLUMNS, forget, held
from sciatica_coach.storage.models import MORNING_KIND, SBI_KIND, SYMPTOM_COLUMNS, CheckIn, as_utc, table_of, utcnow
from sciatica_coach.storage.pipeline import HotStatement, send_later

EXERCISE_CHECK_KINDS: dict[str, str] = {"before": "pre-exercise", "after": "post-exercise"}


def record_exercise_check(
    db: Session,
    patient_id: int,
    session_id: str,
    exercise_id: str,
    when: Literal["before", "after"],
    report: SymptomCheck,
) -> CheckIn:
    """Save the quick symptom check answered before or after one exercise of a session."""
    row = CheckIn(
        patient_id=patient_id,
        session_id=session_id,
        kind=EXERCISE_CHECK_KINDS[when],
        exercise_id=exercise_id,
        back_pain=report.back,
        leg_pain=report.leg,
        left_reach=report.left_reach,
        right_reach=report.right_reach,
        answers={},
    )
    db.add(row)
    db.flush()
    return row


# --- Morning check-ins and the weekly SBI (added by check-ins) --------------------------------------------------


_CHECKS = table_of(CheckIn)
_INSERT_CHECK = insert(_CHECKS)


def _morning_values(check: MorningCheck) -> dict[str, Any]:
    symptoms = check.symptoms
    return {
        "back_pain": symptoms.back,
        "leg_pain": symptoms.leg,
        "left_reach": symptoms.left_reach,
        "right_reach": symptoms.right_reach,
        "numbness": check.numbness,
        "weakness": check.weakness,
    }


def _morning_answers(red_flag: bool, state_before: dict[str, Any] | None) -> dict[str, Any]:
    answers: dict[str, Any] = {"red_flag": True} if red_flag else {}
    if state_before is not None:
        answers["state_before"] = state_before
    return answers


def save_morning_checkin(
    db: Session,
    patient_id: int,
    check: MorningCheck,
    at: datetime | None = None,
    *,
    red_flag: bool = False,
    state_before: dict[str, Any] | None = None,
) -> int:
    """Save a morning check-in (`at` defaults to now; the demo passes past times); returns its id. `red_flag`:
    saved together with a warning sign answered "yes" (the rules then build nothing up on this morning).
    `state_before`: the rules' saved state before this morning, kept so a correction later that day can replay
    the day from it (`TodaysMorning`).

    A Core insert built once: the morning check-in is the hottest write, and nothing here needs an ORM object.
    """
    values = {
        "patient_id": patient_id,
        "kind": MORNING_KIND,
        **_morning_values(check),
        "answers": _morning_answers(red_flag, state_before),
        "created_at": at or utcnow(),
    }
    key = db.connection().execute(_INSERT_CHECK, values).inserted_primary_key
    assert key is not None
    forget(db, patient_id, "morning", "morning_changes")
    return int(key[0])


@dataclass(frozen=True)
class TodaysMorning:
    """The morning check-in already saved today (one a day): when, what was answered, the rules' state before it."""

    id: int
    at: datetime
    check: MorningCheck
    state_before: dict[str, Any] | None
    patient_id: int


_TODAYS_MORNING = (
    select(*(_CHECKS.c[name] for name in MORNING_COLUMNS))
    .where(
        _CHECKS.c.patient_id == bindparam("patient_id"),
        _CHECKS.c.kind == MORNING_KIND,
        _CHECKS.c.created_at >= bindparam("start"),
        _CHECKS.c.created_at < bindparam("end"),
    )
    .order_by(_CHECKS.c.created_at.desc(), _CHECKS.c.id.desc())
    .limit(1)
)
_CORRECT_MORNING = HotStatement(
    update(_CHECKS)
    .where(_CHECKS.c.id == bindparam("morning_id"))
    .values({column: bindparam(f"new_{column}") for column in (*SYMPTOM_COLUMNS, "answers")})
)


def todays_morning(db: Session, patient_id: int, start: datetime, end: datetime) -> TodaysMorning | None:
    """The morning check-in saved between `start` and `end` (the person's day), if any."""
    found = held(db, patient_id, "morning")  # the latest morning, read with the patient's lock (storage/held.py)
    latest = found.morning if found is not None else None
    latest_at = as_utc(latest["created_at"]) if latest is not None else None
    if found is not None and (latest_at is None or latest_at < start):
        return None  # none yet, or the latest is before today
    row: Any
    if latest is not None and latest_at is not None and latest_at < end:
        row = SimpleNamespace(**latest)  # read like a result row
    else:  # not held (SQLite), or the latest is after `end`
        row = db.connection().execute(_TODAYS_MORNING, {"patient_id": patient_id, "start": start, "end": end}).first()
    symptoms = checkin_symptoms(row) if row is not None else None
    if row is None or symptoms is None:
        return None
    at = as_utc(row.created_at)
    state = (row.answers or {}).get("state_before")
    return TodaysMorning(row.id, at, MorningCheck(symptoms, bool(row.numbness), bool(row.weakness)), state, patient_id)


def morning_before(db: Session, patient_id: int, at: datetime) -> SymptomCheck | None:
    """The symptoms of the latest morning check-in before `at` (the one today's is compared with)."""
    stmt = (
        select(CheckIn.back_pain, CheckIn.leg_pain, CheckIn.left_reach, CheckIn.right_reach)
        .where(CheckIn.patient_id == patient_id, CheckIn.kind == MORNING_KIND, CheckIn.created_at < at)
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(1)
    )
    row = db.execute(stmt).first()
    return checkin_symptoms(row) if row is not None else None


def correct_morning_checkin(db: Session, today: TodaysMorning, check: MorningCheck, *, red_flag: bool) -> None:
    """Replace today's answers (same row, same time), keeping the state the rules had before it."""
    values = {**_morning_values(check), "answers": _morning_answers(red_flag, today.state_before)}
    params = {f"new_{column}": value for column, value in values.items()}
    send_later(db, _CORRECT_MORNING, {"morning_id": today.id, **params})
    forget(db, today.patient_id, "morning")


def save_sbi(db: Session, patient_id: int, score: SbiScore, at: datetime | None = None) -> CheckIn:
    """Save a weekly Sciatica Bothersomeness Index: the total in `score`, each item in `answers`."""
    row = CheckIn(
        patient_id=patient_id,
        kind=SBI_KIND,
        score=score.total,
        answers={"items": dict(score.items), "threshold": score.threshold},
        created_at=at or utcnow(),
    )
    db.add(row)
    db.flush()
    return row


def list_checkins(
    db: Session, patient_id: int, kinds: Sequence[str], since: datetime | None = None, limit: int = 2000
) -> list[CheckIn]:
    """The patient's check-ins of these kinds, oldest first (for charts and tables)."""
    stmt = select(CheckIn).where(CheckIn.patient_id == patient_id, CheckIn.kind.in_(tuple(kinds)))
    if since is not None:
        stmt = stmt.where(CheckIn.created_at >= since)
    stmt = stmt.order_by(CheckIn.created_at.desc(), CheckIn.id.desc()).limit(limit)
    return list(reversed(list(db.scalars(stmt))))


@dataclass(frozen=True, slots=True)
class CheckinRow:
    """The columns the progress views read from a check-in: no `answers` JSON to decode, no ORM object to track."""

    id: int
    kind: str
    created_at: datetime
    session_id: str | None
    exercise_id: str | None
    back_pain: int | None
    leg_pain: int | None
    left_reach: str | None
    right_reach: str | None
    score: int | None


def checkin_window(
    db: Session, patient_id: int, kinds: Sequence[str], since: datetime, limit: int = 2000
) -> list[CheckinRow]:
    """Like `list_checkins` over a window (read through `ix_checkins_patient_kind_created`), as plain rows."""
    stmt = (
        select(
            CheckIn.id,
            CheckIn.kind,
            CheckIn.created_at,
            CheckIn.session_id,
            CheckIn.exercise_id,
            CheckIn.back_pain,
            CheckIn.leg_pain,
            CheckIn.left_reach,
            CheckIn.right_reach,
            CheckIn.score,
        )
        .where(CheckIn.patient_id == patient_id, CheckIn.kind.in_(tuple(kinds)), CheckIn.created_at >= since)
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(limit)
    )
    rows = [CheckinRow(*cast(tuple[Any, ...], values)) for values in db.execute(stmt)]
    rows.reverse()
    return rows


def latest_checkin(db: Session, patient_id: int, kind: str) -> CheckIn | None:
    """The patient's most recent check-in of one kind."""
    stmt = (
        select(CheckIn)
        .where(CheckIn.patient_id == patient_id, CheckIn.kind == kind)
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(1)
    )
    return db.scalars(stmt).first()


class HasSymptoms(Protocol):
    """Any row with a check-in's four symptom columns: an ORM `CheckIn`, a `CheckinRow`, a Core result row."""

    @property
    def back_pain(self) -> int | None: ...
    @property
    def leg_pain(self) -> int | None: ...
    @property
    def left_reach(self) -> str | None: ...
    @property
    def right_reach(self) -> str | None: ...


def checkin_symptoms(row: HasSymptoms) -> SymptomCheck | None:
    """The quick-check answers of a check-in row, or None when it has no pain scores (e.g. an SBI)."""
    if row.back_pain is None or row.leg_pain is None:
        return None
    return SymptomCheck(row.back_pain, row.leg_pain, row.left_reach or "none", row.right_reach or "none")
