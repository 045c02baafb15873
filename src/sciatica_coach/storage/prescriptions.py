"""A clinician's prescription versions, the rules' changes they can decide on, and keeping today's morning
correction in step with what the clinician saved."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sciatica_coach.domain.adaptation import AdaptivePlan, Change
from sciatica_coach.domain.clock import local_day
from sciatica_coach.domain.engine.prescription import PrescribedExercise, Prescription
from sciatica_coach.domain.prescribing import CLINICIAN_RULE, DECIDABLE
from sciatica_coach.storage.checkins import todays_morning
from sciatica_coach.storage.held import forget
from sciatica_coach.storage.models import CheckIn, PlanChange, PrescriptionVersion, as_utc, utcnow


def next_version(db: Session, patient_id: int) -> int:
    """The number the patient's next prescription version gets (1 for the first)."""
    latest = db.scalar(
        select(func.max(PrescriptionVersion.version)).where(PrescriptionVersion.patient_id == patient_id)
    )
    return int(latest or 0) + 1


def add_version(
    db: Session,
    patient_id: int,
    version: int,
    clinician_id: int,
    clinician_name: str,
    action: str,
    note: str,
    prescription: Prescription,
    at: datetime | None = None,
) -> PrescriptionVersion:
    """Save one version: who, what they did, their note and the prescription it leaves."""
    row = PrescriptionVersion(
        patient_id=patient_id,
        version=version,
        clinician_id=clinician_id,
        clinician_name=clinician_name[:120],
        action=action,
        note=note,
        prescription=prescription.to_dict(),
        created_at=at or utcnow(),
    )
    db.add(row)
    db.flush()
    return row


def list_versions(db: Session, patient_id: int, limit: int = 50) -> list[PrescriptionVersion]:
    """The patient's prescription versions, newest first."""
    stmt = (
        select(PrescriptionVersion)
        .where(PrescriptionVersion.patient_id == patient_id)
        .order_by(PrescriptionVersion.version.desc())
        .limit(limit)
    )
    return list(db.scalars(stmt))


def _item(data: dict[str, Any] | None) -> PrescribedExercise | None:
    if not data:
        return None
    return PrescribedExercise(
        str(data["exercise_id"]), int(data["reps"]), float(data["hold_seconds"]), tuple(data["sides"])
    )


def change_of(row: PlanChange) -> Change:
    """A saved plan change as the domain's `Change`."""
    return Change(
        at=as_utc(row.created_at),
        rule_id=row.rule_id,
        rule_version=int(row.after.get("rule_version") or 0),
        exercise_id=row.exercise_id or "",
        action=str(row.after.get("action", "")),
        reason=row.reason,
        before=_item(row.before.get("item")),
        after=_item(row.after.get("item")),
    )


def rule_change(db: Session, patient_id: int, change_id: int) -> PlanChange | None:
    """One change the rules made to this patient's plan that a clinician may keep or undo."""
    row = db.get(PlanChange, change_id)
    if row is None or row.patient_id != patient_id or row.rule_id == CLINICIAN_RULE:
        return None
    return row if row.after.get("action") in DECIDABLE else None


def decided(db: Session, patient_id: int, since: datetime) -> dict[int, str]:
    """The rules' changes since `since` a clinician has kept or undone: change id -> the decision's action."""
    stmt = select(PlanChange.after).where(
        PlanChange.patient_id == patient_id, PlanChange.rule_id == CLINICIAN_RULE, PlanChange.created_at >= since
    )
    found: dict[int, str] = {}
    for after in db.scalars(stmt):
        if isinstance(after.get("decides"), int):
            found[after["decides"]] = str(after.get("action", ""))
    return found


def recent_rule_changes(db: Session, patient_id: int, since: datetime, limit: int = 50) -> list[PlanChange]:
    """The rules' changes since `since` a clinician may decide on, newest first."""
    stmt = (
        select(PlanChange)
        .where(
            PlanChange.patient_id == patient_id,
            PlanChange.rule_id != CLINICIAN_RULE,
            PlanChange.created_at >= since,
        )
        .order_by(PlanChange.created_at.desc(), PlanChange.id.desc())
        .limit(limit)
    )
    return [row for row in db.scalars(stmt) if row.after.get("action") in DECIDABLE]


def keep_morning_in_step(db: Session, patient_id: int, plan: AdaptivePlan, now: datetime | None = None) -> None:
    """When today's morning check-in is corrected later, the rules replay the day from the state kept before it:
    give that state the clinician's prescription, offers, reviews and ranges, so a correction cannot undo them."""
    start, end = local_day(now or utcnow())
    today = todays_morning(db, patient_id, start, end)
    if today is None or today.state_before is None:
        return
    kept = AdaptivePlan.from_dict(today.state_before["state"])
    merged = replace(
        kept,
        prescription=plan.prescription,
        offers=plan.offers,
        reviews=plan.reviews,
        range_notes=plan.range_notes,
        streaks=plan.streaks,
    )
    row = db.get(CheckIn, today.id)
    if row is not None:
        row.answers = {**(row.answers or {}), "state_before": {**today.state_before, "state": merged.to_dict()}}
        db.flush()
        forget(db, patient_id, "morning")
