"""Doses, pain and reach in words: the one vocabulary the web pages, the JSON and the terminal all use.

Pure (no web, database or terminal imports). Plans and their changes are put into words from these pieces by
`web/plan_words.py`.
"""

from __future__ import annotations

from sciatica_coach.domain.content.schema import Dosage, Range
from sciatica_coach.domain.engine.prescription import PrescribedExercise
from sciatica_coach.domain.symptoms import REACH_LABELS, SymptomCheck

# How far down a leg symptoms reach, after "left leg ...".
REACH_PHRASES = {
    "none": "clear",
    "buttock": "in the buttock",
    "thigh": "down to the thigh",
    "below-knee": "below the knee",
    "foot": "down to the foot",
}
# A reach level where there is little room (chart axes, table cells).
REACH_SHORT = {"none": "None", "buttock": "Buttock", "thigh": "Thigh", "below-knee": "Below knee", "foot": "Foot"}
# What a plan change did, as a heading.
CHANGE_WORDS = {
    "switch": "Switched exercise",
    "remove": "Paused for review",
    "change-reps": "Dose changed",
    "offer-switch": "Offered a change",
    "accept-offer": "You accepted",
    "decline-offer": "You declined",
    "hold": "Kept the same",
    "stop": "Stopped until you have spoken to your clinician",
    "regress": "Made smaller",
    # A clinician's changes (clinic mode), shown with their name and note.
    "clinician-set": "Changed by your clinician",
    "clinician-add": "Added by your clinician",
    "clinician-remove": "Taken out by your clinician",
    "clinician-keep": "Kept by your clinician",
    "clinician-undo": "Undone by your clinician",
    "clinician-accept-offer": "Accepted for you by your clinician",
    "clinician-decline-offer": "Declined for you by your clinician",
    "clinician-resume": "Back in your program: your clinician has looked at it",
}
# Today's advice, by level, in a few words (the heading above the advice text).
ADVICE_WORDS = {
    "continue": "carry on",
    "ease-off": "ease off",
    "contact-clinician": "contact your clinician",
    "urgent": "see a doctor urgently",
    "emergency": "get emergency help now",
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


def dosage_text(dosage: Dosage) -> str:
    """The allowed dosage as one paragraph: the sentences of `dosage_lines`."""
    return "".join(f"{line}. " for line in dosage_lines(dosage)).strip()


def prescribed(item: PrescribedExercise) -> str:
    """Today's dose of one exercise, e.g. '5 reps on each leg, 5-second hold'."""
    sides = [s for s in item.sides if s]
    text = f"{item.reps} reps" + (" on each leg" if len(sides) > 1 else f" on the {sides[0]} leg" if sides else "")
    if item.hold_seconds > 0:
        text += f", {number(item.hold_seconds)}-second hold"
    return text


def named_dose(name: str, item: PrescribedExercise | None, named: bool = True) -> str:
    """'Prone press-up: 6 reps, 2-second hold' ('6 reps, 2-second hold' unnamed), or '' for no item."""
    if item is None:
        return ""
    return f"{name}: {prescribed(item)}" if named else prescribed(item)


def pain(report: SymptomCheck | None) -> str:
    """'back 3, leg 4; left leg down to the thigh, right leg clear', or 'not recorded'."""
    if report is None:
        return "not recorded"
    return f"back {report.back}, leg {report.leg}; {reach_words(report.left_reach, report.right_reach)}"


def reach_words(left: str, right: str) -> str:
    """How far down each leg symptoms reach, in words."""

    def one(side: str, reach: str) -> str:
        return f"{side} leg {REACH_PHRASES.get(reach, REACH_LABELS.get(reach, reach).lower())}"

    return f"{one('left', left)}, {one('right', right)}"
