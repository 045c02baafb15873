"""The adaptive plan and its changes in plain words, as JSON-ready dicts for pages and the API.

The one place plans and changes are presented; the words themselves come from `domain/wording.py`."""

from __future__ import annotations

from typing import Any

from sciatica_coach.domain.adaptation import AdaptivePlan, Change
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import PrescribedExercise
from sciatica_coach.domain.wording import CHANGE_WORDS, named_dose, prescribed
from sciatica_coach.storage.models import PlanChange, as_utc

AnyItem = PrescribedExercise | dict[str, Any] | None


def _name(library: Library, exercise_id: str | None) -> str:
    if exercise_id is None:
        return ""
    exercise = library.exercises.get(exercise_id)
    return exercise.name if exercise else exercise_id


def _item(item: PrescribedExercise | dict[str, Any] | None) -> PrescribedExercise | None:
    if item is None or isinstance(item, PrescribedExercise):
        return item
    return PrescribedExercise(item["exercise_id"], int(item["reps"]), float(item["hold_seconds"]), tuple(item["sides"]))


def item_words(library: Library, item: PrescribedExercise | dict[str, Any] | None, named: bool = True) -> str:
    """'Prone press-up: 6 reps, 2-second hold' ('6 reps, 2-second hold' unnamed), or '' for no item."""
    found = _item(item)
    return named_dose(_name(library, found.exercise_id) if found else "", found, named)


def _dose_words(
    library: Library,
    before: PrescribedExercise | dict[str, Any] | None,
    after: PrescribedExercise | dict[str, Any] | None,
) -> tuple[str, str]:
    """Before and after in words, naming the exercises only when the change switched between them."""
    first, second = _item(before), _item(after)
    named = first is None or second is None or first.exercise_id != second.exercise_id
    return item_words(library, first, named), item_words(library, second, named)


def _before_after(library: Library, before: AnyItem, after: AnyItem) -> dict[str, str]:
    first, second = _dose_words(library, before, after)
    return {"before": first, "after": second}


def plan_view(plan: AdaptivePlan, library: Library) -> dict[str, Any]:
    """The current plan: items with doses, open offers and exercises paused for review."""
    return {
        "items": [
            {
                "exercise_id": item.exercise_id,
                "name": _name(library, item.exercise_id),
                "reps": item.reps,
                "hold_seconds": item.hold_seconds,
                "sides": [side for side in item.sides if side],
                "dose": prescribed(item),
                "range_note": plan.range_notes.get(item.exercise_id),  # a smaller range to keep to, from the rules
            }
            for item in plan.prescription.items
        ],
        "offers": [
            {
                "rule_id": o.rule_id,
                "from": _name(library, o.exercise_id),
                "to": _name(library, o.to),
                "reason": o.reason,
            }
            for o in plan.offers
        ],
        "reviews": [
            {"exercise_id": r.exercise_id, "name": _name(library, r.exercise_id), "reason": r.reason, "at": r.at}
            for r in plan.reviews
        ],
    }


def change_view(change: Change, library: Library) -> dict[str, Any]:
    """A change (or hold) the rules just made, in words."""
    return {
        "rule_id": change.rule_id,
        "rule_version": change.rule_version,
        "exercise_id": change.exercise_id,
        "name": _name(library, change.exercise_id),
        "action": change.action,
        "what": CHANGE_WORDS.get(change.action, change.action),
        **_before_after(library, change.before, change.after),
        "reason": change.reason,
        "at": change.at.isoformat(),
    }


def stored_change_view(row: PlanChange, library: Library) -> dict[str, Any]:
    """A saved plan change, in words."""
    action = str(row.after.get("action", ""))
    return {
        "rule_id": row.rule_id,
        "rule_version": row.after.get("rule_version"),
        "exercise_id": row.exercise_id,
        "name": _name(library, row.exercise_id),
        "action": action,
        "what": CHANGE_WORDS.get(action, action),
        **dict(
            zip(("before", "after"), _dose_words(library, row.before.get("item"), row.after.get("item")), strict=True)
        ),
        "reason": row.reason,
        "at": as_utc(row.created_at).isoformat(),
        "day": as_utc(row.created_at).strftime("%-d %b %Y"),
        # A clinician's change (clinic mode): their name and note (the reason is the note, or words in its place).
        "by": row.after.get("by"),
        "note": row.after.get("note") or None,
    }


def change_line(row: PlanChange, library: Library) -> str:
    """A saved plan change in one line of patient words (no rule ids): '3 Dec 2026: Dose changed · Nerve glide:
    5 reps, 5-second hold → 6 reps, 5-second hold'."""
    words = stored_change_view(row, library)
    line = f"{words['day']}: {words['what']}"
    if words["name"]:
        line += f" · {words['name']}"
    if words["before"] and words["after"] and words["before"] != words["after"]:
        line += f": {words['before']} → {words['after']}"
    elif words["after"] and not words["before"]:
        line += f": {words['after']}"
    return line
