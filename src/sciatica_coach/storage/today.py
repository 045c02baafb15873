"""What the home page reads about the person's day: sessions finished today and the last change to the program.
Reads only, each bounded by the patient's index."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sciatica_coach.storage.models import ExerciseSession, PlanChange

# A "hold" keeps the program as it was: not a change worth a line on the home page.
NOT_A_CHANGE = frozenset({"hold"})
LOOK_BACK = 20  # the newest plan-change rows looked at for the last real change
CHANGE_WINDOW = timedelta(days=90)  # older changes are history (the plan page), not news for the home page


def sessions_completed(db: Session, patient_id: int, start: datetime, end: datetime) -> int:
    """How many sessions the patient completed between `start` and `end` (their day, in UTC)."""
    stmt = select(func.count()).where(
        ExerciseSession.patient_id == patient_id,
        ExerciseSession.status == "completed",
        ExerciseSession.finished_at >= start,
        ExerciseSession.finished_at < end,
    )
    return int(db.scalar(stmt) or 0)


def last_program_change(db: Session, patient_id: int, now: datetime) -> PlanChange | None:
    """The newest plan change of the last 90 days before `now` that changed something (a rule's hold is left out),
    if any. Bounded by the patient's index and the window, however long the history."""
    stmt = (
        select(PlanChange)
        .where(PlanChange.patient_id == patient_id, PlanChange.created_at >= now - CHANGE_WINDOW)
        .order_by(PlanChange.created_at.desc(), PlanChange.id.desc())
        .limit(LOOK_BACK)
    )
    for row in db.scalars(stmt):
        if str(row.after.get("action", "")) not in NOT_A_CHANGE:
            return row
    return None
