"""Dosages, prescriptions and symptom checks said in plain words for the pages."""

from __future__ import annotations

from sciatica_coach.domain.content.schema import Dosage, Range
from sciatica_coach.domain.engine.prescription import PrescribedExercise
from sciatica_coach.domain.symptoms import REACH_LABELS, SymptomCheck

REACH_PHRASES = {
    "none": "clear",
    "buttock": "in the buttock",
    "thigh": "down to the thigh",
    "below-knee": "below the knee",
    "foot": "down to the foot",
}


def number(value: float) -> str:
    """A number without a pointless '.0'."""
    return f"{value:g}"


def span(r: Range, unit: str = "") -> str:
    """'5 to 10 reps' or '5 seconds' when both ends are equal."""
    text = number(r.min) if r.min == r.max else f"{number(r.min)} to {number(r.max)}"
    if not unit:
        return text
    plural = unit if r.max == 1 else unit + "s"
    return f"{text} {plural}"


def times(r: Range) -> str:
    """'2 to 4 times a day', 'once a day'."""
    if r.min == r.max == 1:
        return "once a day"
    return f"{span(r)} times a day"


def dosage_lines(dosage: Dosage) -> list[str]:
    """The allowed dosage of an exercise as short sentences."""
    lines = [f"{span(dosage.reps)} slow repetitions" + (", then the same on the other leg" if dosage.per_side else "")]
    if dosage.hold_seconds.max > 0:
        lines.append(f"Hold each one for {span(dosage.hold_seconds, 'second')}")
    if dosage.sets > 1:
        lines.append(f"{dosage.sets} sets")
    if dosage.duration_minutes is not None:
        lines.append(f"Spread over {span(dosage.duration_minutes, 'minute')}")
    lines.append(times(dosage.times_per_day).capitalize())
    return lines


def prescribed(item: PrescribedExercise) -> str:
    """Today's dose of one exercise, e.g. '5 reps on each leg, 5-second hold'."""
    sides = [s for s in item.sides if s]
    text = f"{item.reps} reps" + (" on each leg" if len(sides) > 1 else f" on the {sides[0]} leg" if sides else "")
    if item.hold_seconds > 0:
        text += f", {number(item.hold_seconds)}-second hold"
    return text


def pain(report: SymptomCheck | None) -> str:
    """'back 3, leg 4; left leg to the thigh, right leg clear' or a dash when not answered."""
    if report is None:
        return "not recorded"
    return f"back {report.back}, leg {report.leg}; {reach_words(report.left_reach, report.right_reach)}"


def reach_words(left: str, right: str) -> str:
    """How far down each leg symptoms reach, in words."""

    def one(side: str, reach: str) -> str:
        return f"{side} leg {REACH_PHRASES.get(reach, REACH_LABELS.get(reach, reach).lower())}"

    return f"{one('left', left)}, {one('right', right)}"
