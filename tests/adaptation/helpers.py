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


def at_day(day: int, hour: int = 8) -> datetime:
    """`hour` o'clock on day `day` (day 0 is T0's day)."""
    return T0.replace(hour=hour) + timedelta(days=day)


def day_morning(day: int, symptoms: SymptomCheck, numbness: bool = False, weakness: bool = False) -> MorningEvent:
    """The morning check-in of day `day`, at 8 o'clock."""
    return MorningEvent(at_day(day), MorningCheck(symptoms, numbness=numbness, weakness=weakness))


def day_outcome(
    day: int, exercise_id: str, before: SymptomCheck | None, after: SymptomCheck | None, stopped: bool = False
) -> ExerciseOutcome:
    """An exercise done at 10 o'clock on day `day`."""
    return ExerciseOutcome(at_day(day, 10), exercise_id, before, after, stopped)
