"""Check-in rows: quick symptom checks answered inside a session (more kinds are added by check-ins)."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import Session

from sciatica_coach.domain.engine.record import PainReport
from sciatica_coach.storage.models import CheckIn

EXERCISE_CHECK_KINDS: dict[str, str] = {"before": "pre-exercise", "after": "post-exercise"}


def record_exercise_check(
    db: Session,
    patient_id: int,
    session_id: str,
    exercise_id: str,
    when: Literal["before", "after"],
    report: PainReport,
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
