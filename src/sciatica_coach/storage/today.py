"""What the home page reads about the person's day: sessions finished today and the last change to the program.
Reads only, each bounded by the patient's index."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sciatica_coach.storage.models import ExerciseSession, PlanChange

# A "hold" keeps the program as it was: not a change worth a line on the home page.
NOT_A_CHANGE = frozenset({"hold"})
LOOK_BACK = 20  # the newest plan-change rows looked at for the last real change


def sessions_completed(db: Session, patient_id: int, start: datetime, end: datetime) -> int:
    """How many sessions the patient completed between `start` and `end` (their day, in UTC)."""
    stmt = select(func.count()).where(
        ExerciseSession.patient_id == patient_id,
        ExerciseSession.status == "completed",
        ExerciseSession.finished_at >= start,
        ExerciseSession.finished_at < end,
    )
    return int(db.scalar(stmt) or 0)


def last_program_change(db: Session, patient_id: int) -> PlanChange | None:
    """The newest plan change that changed something (a rule's hold is left out), if any."""
    stmt = (
        select(PlanChange)
        .where(PlanChange.patient_id == patient_id)
        .order_by(PlanChange.created_at.desc(), PlanChange.id.desc())
        .limit(LOOK_BACK)
    )
    for row in db.scalars(stmt):
        if str(row.after.get("action", "")) not in NOT_A_CHANGE:
            return row
    return None
