"""Whether exercise is allowed right now: red-flag screenings, the locks they create, and how locks are cleared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sciatica_coach.domain.screening import FormName, RedFlags, ScreeningResult, check_form, evaluate
from sciatica_coach.storage.models import AuditEntry, SafetyLock, Screening, table_of, utcnow

FIRST_SCREENING_REASON = "Answer a few safety questions before your first session"
AFTER_ASSESSMENT_REASON = "Answer the safety questions again before your next session"
NOTE_MAX_CHARS = 2000


@dataclass(frozen=True)
class Gate:
    """Exercise is blocked: why, and where to go about it."""

    reason: str
    url: str
    urgent: bool = False


_INSERT_SCREENING = insert(table_of(Screening))


def record_screening(
    db: Session, patient_id: int, form: FormName, answers: Mapping[str, bool], content: RedFlags | None = None
) -> ScreeningResult:
    """Evaluate and save a screening; any red flag locks exercise and is audited (flag ids only).

    The screening row goes in with a Core insert built once (every morning check-in saves one).
    """
    result = evaluate(answers, check_form(form), content)
    values = {
        "patient_id": patient_id,
        "form": form,
        "answers": {key: bool(value) for key, value in answers.items()},
        "red_flag": result.red_flag,
        "emergency": result.emergency,
        "created_at": utcnow(),
    }
    key = db.connection().execute(_INSERT_SCREENING, values).inserted_primary_key
    assert key is not None
    if result.red_flag:
        screening_id = int(key[0])
        lock = SafetyLock(patient_id=patient_id, screening_id=screening_id, reason=result.message)
        db.add(lock)
        db.flush()
        _audit(
            db,
            patient_id,
            "patient",
            "red-flag",
            {"flags": list(result.flags), "form": form, "screening_id": screening_id, "lock_id": lock.id},
        )
    return result


def exercise_gate(db: Session, patient_id: int) -> Gate | None:
    """None when the patient may exercise; otherwise the gate that blocks them (red flags first)."""
    locks = open_locks(db, patient_id)
    if locks:
        emergency = [lock for lock in locks if lock_is_emergency(db, lock)]
        worst = (emergency or locks)[0]
        return Gate(reason=worst.reason, url="/safety", urgent=bool(emergency))
    cleared_at = last_clearance(db, patient_id)
    fresh = select(Screening.id).where(Screening.patient_id == patient_id, Screening.form == "full")
    if cleared_at is not None:
        fresh = fresh.where(Screening.created_at > cleared_at)
    if db.scalars(fresh.limit(1)).first() is None:
        return Gate(reason=FIRST_SCREENING_REASON if cleared_at is None else AFTER_ASSESSMENT_REASON, url="/screening")
    return None


def record_assessment(db: Session, patient_id: int, note: str | None = None) -> int:
    """The person says a clinician has assessed them: clear their locks (audited); a fresh full screening follows."""
    return _clear(db, patient_id, "self-assessed", note, actor="patient", action="assessment-recorded", extra={})


def clear_by_clinician(db: Session, patient_id: int, clinician_name: str, note: str | None = None) -> int:
    """A clinician clears the patient's locks (audited with their name); a fresh full screening still follows."""
    name = clinician_name.strip()
    if not name:
        raise ValueError("the clinician's name is required to clear a safety lock")
    if len(name) > 120:
        raise ValueError("the clinician's name must be 120 characters or fewer")
    return _clear(db, patient_id, "clinician", note, actor="clinician", action="clinician-cleared", extra={"by": name})


def open_locks(db: Session, patient_id: int) -> list[SafetyLock]:
    """The patient's locks not yet cleared, newest first."""
    stmt = (
        select(SafetyLock)
        .where(SafetyLock.patient_id == patient_id, SafetyLock.cleared_at.is_(None))
        .order_by(SafetyLock.locked_at.desc(), SafetyLock.id.desc())
    )
    return list(db.scalars(stmt))


def lock_is_emergency(db: Session, lock: SafetyLock) -> bool:
    """Whether the screening behind a lock found an emergency sign (assumed so if that screening is gone)."""
    screening = db.get(Screening, lock.screening_id) if lock.screening_id is not None else None
    return True if screening is None else screening.emergency


def lock_flags(db: Session, lock: SafetyLock) -> list[str]:
    """The ids of the questions answered "yes" in the screening behind a lock."""
    screening = db.get(Screening, lock.screening_id) if lock.screening_id is not None else None
    if screening is None:
        return []
    return [key for key, value in screening.answers.items() if value is True]


def last_clearance(db: Session, patient_id: int) -> datetime | None:
    """When the patient's most recent lock was cleared, if ever."""
    stmt = (
        select(SafetyLock.cleared_at)
        .where(SafetyLock.patient_id == patient_id, SafetyLock.cleared_at.is_not(None))
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
    db: Session, patient_id: int, cleared_by: str, note: str | None, actor: str, action: str, extra: dict[str, str]
) -> int:
    text = (note or "").strip()
    if len(text) > NOTE_MAX_CHARS:
        raise ValueError(f"the note must be {NOTE_MAX_CHARS} characters or fewer")
    locks = open_locks(db, patient_id)
    if not locks:
        return 0
    now = utcnow()
    for lock in locks:
        lock.cleared_at = now
        lock.cleared_by = cleared_by
        lock.clearance_note = text or None
    db.flush()
    # The note may hold health details: it stays on the lock rows, never in the audit trail or logs.
    _audit(db, patient_id, actor, action, {"locks": [lock.id for lock in locks], **extra})
    return len(locks)


def _audit(db: Session, patient_id: int, actor: str, action: str, detail: dict[str, object]) -> None:
    db.add(AuditEntry(patient_id=patient_id, actor=actor, action=action, detail=detail))
    db.flush()
