"""Whether exercise is allowed right now: red-flag screenings, the locks they create, and how locks are cleared."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sciatica_coach.domain.cautions import CautionNote, apply_cautions
from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.engine.prescription import Prescription
from sciatica_coach.domain.screening import FormName, RedFlags, ScreeningResult, check_form, evaluate, load_red_flags
from sciatica_coach.storage.held import LAST_SCREENED, LOCK_OPEN, SCREENING_FORMS, forget, held, keep
from sciatica_coach.storage.models import AuditEntry, SafetyLock, Screening, as_utc, table_of, utcnow
from sciatica_coach.storage.pipeline import HotStatement, send_later

FIRST_SCREENING_REASON = "Answer a few safety questions before your first session"
AFTER_ASSESSMENT_REASON = "Answer the safety questions again before your next session"
RECHECK_REASON = "Answer today's short safety check before you start"
NOTE_MAX_CHARS = 2000
NAME_MAX_CHARS = 120
# The short re-screen is due before a session once the last screening (full or short) is this old.
RECHECK_AFTER = timedelta(hours=24)
# Locks at these levels are cleared only by a recorded assessment; a "soon" lock by reading the advice
# (red_flags.yaml's `levels`, whose schema keeps the two in step).
ASSESSMENT_LEVELS = frozenset({"emergency", "today"})
ASSESSED_BY = ("self-assessed", "clinician")
NERVE_SIGNS_FORM = "nerve-signs"  # a screening of only the questions a morning's nerve signs opened
GateKind = Literal["lock", "advice", "screening", "recheck"]


@dataclass(frozen=True)
class Gate:
    """Exercise is blocked: why, and where to go about it. `kind`: a lock that needs an assessment, advice to read
    (a "soon" sign), the full screening due, or the short re-screen due before a new session."""

    reason: str
    url: str
    urgent: bool = False
    kind: GateKind = "lock"


_INSERT_SCREENING = insert(table_of(Screening))
# Without RETURNING its id: a screening with no lock waits to be sent.
_SEND_SCREENING = HotStatement(_INSERT_SCREENING.inline())


def record_screening(
    db: Session,
    patient_id: int,
    form: FormName,
    answers: Mapping[str, bool],
    content: RedFlags | None = None,
    *,
    required: Collection[str] | None = None,
    cautions: Mapping[str, bool] | None = None,
    at: datetime | None = None,
) -> ScreeningResult:
    """Evaluate and save a screening; any red flag locks exercise at its level and is audited (flag ids only).

    `required` replaces the form's questions (the morning check-in's nerve-sign questions); a screening that does
    not answer every question of `form` is saved as `nerve-signs` and does not count as a re-screen. `cautions`
    (full form) are saved with it. `at` is when it happened (now by default). The row goes in with a Core insert
    built once (every morning check-in saves one)."""
    content = content or load_red_flags()
    result = evaluate(answers, check_form(form), content, required=required)
    complete = all(item.id in answers for item in content.questions(form))
    created_at = at or utcnow()
    saved_form = form if complete else NERVE_SIGNS_FORM
    values = {
        "patient_id": patient_id,
        "created_at": created_at,
        "form": saved_form,
        "answers": {key: bool(value) for key, value in answers.items()},
        "red_flag": result.red_flag,
        "emergency": result.emergency,
        "cautions": {key: bool(value) for key, value in cautions.items()} if cautions is not None else None,
    }
    if saved_form in SCREENING_FORMS:
        forget(db, patient_id, "screened")  # `at` may be in the past: the next reader asks the database
    if not (result.red_flag and result.level is not None):
        send_later(db, _SEND_SCREENING, values)  # nothing needs its id
        return result
    key = db.connection().execute(_INSERT_SCREENING, values).inserted_primary_key
    assert key is not None
    screening_id = int(key[0])
    keep(db, patient_id, locked=True)
    lock = SafetyLock(
        patient_id=patient_id,
        screening_id=screening_id,
        reason=result.message,
        level=result.level,
        locked_at=created_at,
    )
    db.add(lock)
    db.flush()
    _audit(
        db,
        patient_id,
        "patient",
        "red-flag",
        {
            "flags": list(result.flags),
            "form": saved_form,
            "level": result.level,
            "screening_id": screening_id,
            "lock_id": lock.id,
        },
    )
    return result


def exercise_gate(db: Session, patient_id: int, *, recheck: bool = False, now: datetime | None = None) -> Gate | None:
    """None when the patient may exercise; otherwise the gate that blocks them, worst first: a lock that needs an
    assessment (emergency first), the full screening, advice to read, and (with `recheck`, before a new session)
    the short re-screen once the last screening is more than 24 hours old at `now`."""
    locks = open_locks(db, patient_id)
    held = [lock for lock in locks if lock.level in ASSESSMENT_LEVELS]
    if held:
        emergency = [lock for lock in held if lock_is_emergency(db, lock)]
        worst = (emergency or held)[0]
        return Gate(reason=worst.reason, url="/safety", urgent=bool(emergency))
    cleared_at = last_clearance(db, patient_id)
    fresh = select(Screening.id).where(Screening.patient_id == patient_id, Screening.form == "full")
    if cleared_at is not None:
        fresh = fresh.where(Screening.created_at > cleared_at)
    if db.scalars(fresh.limit(1)).first() is None:
        reason = FIRST_SCREENING_REASON if cleared_at is None else AFTER_ASSESSMENT_REASON
        return Gate(reason=reason, url="/screening", kind="screening")
    if locks:
        return Gate(reason=locks[0].reason, url="/safety", kind="advice")
    if recheck and recheck_due(db, patient_id, now):
        return Gate(reason=RECHECK_REASON, url="/screening/check", kind="recheck")
    return None


_LAST_SCREENED = LAST_SCREENED
_ANY_OPEN_LOCK = select(LOCK_OPEN)


def last_screened_at(db: Session, patient_id: int) -> datetime | None:
    """When the patient last answered a whole screening (full, or the short re-screen), in UTC.

    Every morning check-in asks: a writer on PostgreSQL has it already (read with the patient's lock)."""
    found = held(db, patient_id, "screened")
    if found is not None:
        return found.screened
    moment = db.connection().execute(_LAST_SCREENED, {"patient_id": patient_id}).scalar()
    return as_utc(moment) if moment is not None else None


def recheck_due(db: Session, patient_id: int, now: datetime | None = None) -> bool:
    """Whether the short re-screen is due at `now`: the last screening is more than 24 hours old (or there is none)."""
    last = last_screened_at(db, patient_id)
    return last is None or as_utc(now or utcnow()) - last > RECHECK_AFTER


def latest_cautions(db: Session, patient_id: int) -> dict[str, bool]:
    """The cautions (pregnancy, spinal stenosis...) answered with the latest full screening that asked them."""
    stmt = (
        select(Screening.cautions)
        .where(Screening.patient_id == patient_id, Screening.form == "full", Screening.cautions.is_not(None))
        .order_by(Screening.created_at.desc(), Screening.id.desc())
        .limit(1)
    )
    found = db.scalars(stmt).first()
    return {str(key): value is True for key, value in (found or {}).items()}


def cautioned(
    db: Session, patient_id: int, prescription: Prescription, library: Library
) -> tuple[Prescription, tuple[CautionNote, ...]]:
    """`prescription` with the patient's cautions applied (`domain.cautions.apply_cautions`), and the notes."""
    return apply_cautions(latest_cautions(db, patient_id), prescription, library)


def record_assessment(
    db: Session,
    patient_id: int,
    assessed_by: str,
    assessed_on: date,
    note: str | None = None,
    *,
    at: datetime | None = None,
    by_clinician: bool = False,
) -> int:
    """The person (or, `by_clinician`, their clinician in clinic mode) records that a clinician assessed them (who,
    and on what day): every open lock is cleared (audited: lock ids and the day only) and a fresh full screening
    follows."""
    name = _clinician_name(assessed_by)
    return _clear(
        db,
        patient_id,
        open_locks(db, patient_id),
        "clinician" if by_clinician else "self-assessed",
        note,
        actor="clinician" if by_clinician else "patient",
        action="assessment-recorded",
        extra={"assessed_on": assessed_on.isoformat()},
        assessed=(name, assessed_on),
        at=at,
    )


def acknowledge_advice(db: Session, patient_id: int) -> int:
    """The person has read the advice for a "soon" sign: those locks are cleared (audited); locks that need an
    assessment stay. No new screening is needed afterwards."""
    locks = [lock for lock in open_locks(db, patient_id) if lock.level not in ASSESSMENT_LEVELS]
    return _clear(db, patient_id, locks, "acknowledged", None, actor="patient", action="advice-read", extra={})


def _clinician_name(name: str) -> str:
    text = name.strip()
    if not text:
        raise ValueError("the clinician's name is required to clear a safety lock")
    if len(text) > NAME_MAX_CHARS:
        raise ValueError(f"the clinician's name must be {NAME_MAX_CHARS} characters or fewer")
    return text


def clear_by_clinician(db: Session, patient_id: int, clinician_name: str, note: str | None = None) -> int:
    """A clinician clears the patient's locks (audited with their name); a fresh full screening still follows."""
    name = _clinician_name(clinician_name)
    locks = open_locks(db, patient_id)
    return _clear(
        db, patient_id, locks, "clinician", note, actor="clinician", action="clinician-cleared", extra={"by": name}
    )


def any_open_lock(db: Session, patient_id: int) -> bool:
    """Whether exercise is locked. Every morning check-in asks: a writer on PostgreSQL has it already."""
    found = held(db, patient_id, "locked")
    if found is not None:
        return found.locked
    return bool(db.connection().execute(_ANY_OPEN_LOCK, {"patient_id": patient_id}).scalar())


def open_locks(db: Session, patient_id: int) -> list[SafetyLock]:
    """The patient's locks not yet cleared, newest first."""
    stmt = (
        select(SafetyLock)
        .where(SafetyLock.patient_id == patient_id, SafetyLock.cleared_at.is_(None))
        .order_by(SafetyLock.locked_at.desc(), SafetyLock.id.desc())
    )
    return list(db.scalars(stmt))


def lock_history(db: Session, patient_id: int, limit: int = 50) -> list[SafetyLock]:
    """The patient's locks, open and cleared (with how and by whom), newest first."""
    stmt = (
        select(SafetyLock)
        .where(SafetyLock.patient_id == patient_id)
        .order_by(SafetyLock.locked_at.desc(), SafetyLock.id.desc())
        .limit(limit)
    )
    return list(db.scalars(stmt))


def lock_is_emergency(db: Session, lock: SafetyLock) -> bool:
    """Whether the screening behind a lock found an emergency sign (its level, kept on the lock)."""
    return lock.level == "emergency"


def lock_flags(db: Session, lock: SafetyLock) -> list[str]:
    """The ids of the questions answered "yes" in the screening behind a lock."""
    screening = db.get(Screening, lock.screening_id) if lock.screening_id is not None else None
    if screening is None:
        return []
    return [key for key, value in screening.answers.items() if value is True]


def last_clearance(db: Session, patient_id: int) -> datetime | None:
    """When a clinician's assessment last cleared the patient's locks, if ever (reading advice does not count)."""
    stmt = (
        select(SafetyLock.cleared_at)
        .where(
            SafetyLock.patient_id == patient_id,
            SafetyLock.cleared_at.is_not(None),
            SafetyLock.cleared_by.in_(ASSESSED_BY),
        )
        .order_by(SafetyLock.cleared_at.desc())
        .limit(1)
    )
    return db.scalars(stmt).first()


def latest_screening(db: Session, patient_id: int, form: FormName | None = None) -> Screening | None:
    """The patient's most recent screening (of `form`, when given)."""
    stmt = select(Screening).where(Screening.patient_id == patient_id)
    if form is not None:
        stmt = stmt.where(Screening.form == check_form(form))
    return db.scalars(stmt.order_by(Screening.created_at.desc(), Screening.id.desc()).limit(1)).first()


def _clear(
    db: Session,
    patient_id: int,
    locks: list[SafetyLock],
    cleared_by: str,
    note: str | None,
    actor: str,
    action: str,
    extra: dict[str, str],
    assessed: tuple[str, date] | None = None,
    at: datetime | None = None,
) -> int:
    text = (note or "").strip()
    if len(text) > NOTE_MAX_CHARS:
        raise ValueError(f"the note must be {NOTE_MAX_CHARS} characters or fewer")
    if not locks:
        return 0
    forget(db, patient_id, "locked")
    now = at or utcnow()
    for lock in locks:
        lock.cleared_at = now
        lock.cleared_by = cleared_by
        lock.clearance_note = text or None
        if assessed is not None:
            lock.assessed_by, lock.assessed_on = assessed
    db.flush()
    # The note may hold health details: it stays on the lock rows, never in the audit trail or logs.
    _audit(db, patient_id, actor, action, {"locks": [lock.id for lock in locks], **extra})
    return len(locks)


def _audit(db: Session, patient_id: int, actor: str, action: str, detail: dict[str, object]) -> None:
    db.add(AuditEntry(patient_id=patient_id, actor=actor, action=action, detail=detail))
    db.flush()
