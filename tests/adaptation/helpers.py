"""Small builders for adaptation tests: symptom checks, outcomes, mornings and plans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sciatica_coach.domain.adaptation import AdaptivePlan, ExerciseOutcome, MorningEvent
from sciatica_coach.domain.checkins import MorningCheck
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import Prescription, prescribe
from sciatica_coach.domain.symptoms import SymptomCheck

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def s(back: int, leg: int, left: str = "none", right: str = "none") -> SymptomCheck:
    """A quick check."""
    return SymptomCheck(back, leg, left, right)


def outcome(
    exercise_id: str, before: SymptomCheck | None, after: SymptomCheck | None, minutes: int = 0, stopped: bool = False
) -> ExerciseOutcome:
    """An exercise done `minutes` after T0."""
    return ExerciseOutcome(T0 + timedelta(minutes=minutes), exercise_id, before, after, stopped)


def morning(symptoms: SymptomCheck, hours: int = 22) -> MorningEvent:
    """A morning check-in `hours` after T0."""
    return MorningEvent(T0 + timedelta(hours=hours), MorningCheck(symptoms, numbness=False, weakness=False))


def plan_with(library: Library, **reps: int) -> AdaptivePlan:
    """A plan holding exactly the given exercises (keyword names use _ for -) at the given reps."""
    items = tuple(prescribe(library, name.replace("_", "-"), count) for name, count in reps.items())
    return AdaptivePlan(prescription=Prescription(items=items))
