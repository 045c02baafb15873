"""A clinician's changes to a patient's plan, pure: a new prescription checked against the content (exercises and
variants that exist, doses inside their ranges, nothing contraindicated), and the decisions on what the rules did
(keep or undo a change, answer an offer for the patient, put a paused or stopped exercise back). Each returns the
new `AdaptivePlan` and the `Change`s to save, with the clinician's note as the reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sciatica_coach.domain.adaptation import AdaptivePlan, Change, RuleBook, accept_offer, decline_offer
from sciatica_coach.domain.content.loader import Library, normalise_words
from sciatica_coach.domain.content.schema import Contraindication, Exercise
from sciatica_coach.domain.engine.prescription import PrescribedExercise, Prescription, prescribe

CLINICIAN_RULE = "clinician"  # the rule id of every change a clinician makes
CLINICIAN_ACTIONS = frozenset(
    {
        "clinician-set",
        "clinician-add",
        "clinician-remove",
        "clinician-keep",
        "clinician-undo",
        "clinician-accept-offer",
        "clinician-decline-offer",
        "clinician-resume",
    }
)
# The rules' changes a clinician may keep or undo (offers are answered instead; holds change nothing).
DECIDABLE = frozenset({"change-reps", "regress", "switch", "remove", "stop"})
NOTE_MAX_CHARS = 1000
# What the patient reads when the clinician left no note (clinical wording, listed in CHANGELOG.md).
DEFAULT_REASONS = {
    "clinician-set": "Your clinician changed this exercise.",
    "clinician-add": "Your clinician added this exercise to your program.",
    "clinician-remove": "Your clinician took this exercise out of your program.",
    "clinician-keep": "Your clinician looked at this change and kept it.",
    "clinician-undo": "Your clinician undid this change: the exercise is back as it was before it.",
    "clinician-accept-offer": "Your clinician accepted this offer for you.",
    "clinician-decline-offer": "Your clinician declined this offer for you: nothing changes for now.",
    "clinician-resume": "Your clinician has looked at this exercise: it is back in your program.",
}


class EditError(ValueError):
    """The edit does not fit: `problems` maps each field to a plain message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {text}" for name, text in self.problems.items()))


@dataclass(frozen=True)
class EditItem:
    """One exercise as the clinician set it (the form's or the JSON's values, not yet checked)."""

    exercise_id: str
    reps: int
    hold_seconds: float


@dataclass(frozen=True)
class Signed:
    """Who made a change and why: the clinician's name, their note and the prescription version it makes."""

    by: str
    note: str
    version: int
    at: datetime


def contraindication_of(text: str, library: Library) -> Contraindication | None:
    """The contraindicated entry `text` names (an id, a name, an alias such as "toe touches"), if any."""
    words = f" {normalise_words(text)} "
    for item in library.contraindications.items:
        terms = (item.id, item.name, *item.match_terms)
        if any(normalise_words(term) in words for term in terms):
            return item
    return None


def refusal(item: Contraindication) -> str:
    """Why a contraindicated entry is refused, in the content's words."""
    return f"{item.name} are never prescribed here: {' '.join(item.reasons)} Instead: {item.instead}"


def families(library: Library) -> list[tuple[Exercise, list[Exercise]]]:
    """Each exercise with its variants (the form's rows), in the content's order."""
    return [(e, [e, *library.variants(e.id)]) for e in library.exercises.values() if e.variant_of is None]


def family_of(library: Library, exercise_id: str) -> str:
    """The exercise a variant belongs to (itself when it is not a variant)."""
    exercise = library.exercises[exercise_id]
    return exercise.variant_of or exercise.id


def check_note(note: str, library: Library) -> str:
    """The note trimmed; EditError when too long, holding control characters, or naming a contraindicated entry
    (the patient reads it)."""
    text = note.strip()
    if len(text) > NOTE_MAX_CHARS:
        raise EditError({"note": f"Please keep the note to {NOTE_MAX_CHARS} characters or fewer."})
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise EditError({"note": "The note holds characters that cannot be saved (such as a NUL)."})
    if (found := contraindication_of(text, library)) is not None:
        raise EditError({"note": refusal(found)})
    return text


def check_edit(items: Sequence[EditItem], library: Library) -> Prescription:
    """The new prescription, in the order given (items with no exercise id left out); EditError naming each
    problem (`items.<n>.<field>`): an unknown or contraindicated exercise (with the reason), two variants of one
    exercise, a dose outside the content's range (with the range)."""
    problems: dict[str, str] = {}
    chosen: list[PrescribedExercise] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"items.{index}"
        if not item.exercise_id:
            continue  # a row left empty: that exercise is not in the prescription
        found = contraindication_of(item.exercise_id, library)
        if found is not None:
            problems[f"{where}.exercise_id"] = refusal(found)
            continue
        exercise = library.exercises.get(item.exercise_id)
        if exercise is None:
            problems[f"{where}.exercise_id"] = f"There is no exercise '{item.exercise_id}' in the program's content."
            continue
        family = family_of(library, exercise.id)
        if family in seen:
            problems[f"{where}.exercise_id"] = f"Choose one variant of {library.exercises[family].name} only."
            continue
        seen.add(family)
        dosage = exercise.dosage
        if not dosage.reps.contains(item.reps):
            problems[f"{where}.reps"] = (
                f"{exercise.name}: reps must be {dosage.reps.min:g} to {dosage.reps.max:g} (not {item.reps})."
            )
        if not dosage.hold_seconds.contains(item.hold_seconds):
            problems[f"{where}.hold_seconds"] = (
                f"{exercise.name}: the hold must be {dosage.hold_seconds.min:g} to {dosage.hold_seconds.max:g} "
                f"seconds (not {item.hold_seconds:g})."
            )
        if f"{where}.reps" not in problems and f"{where}.hold_seconds" not in problems:
            chosen.append(prescribe(library, exercise.id, item.reps, item.hold_seconds))
    if problems:
        raise EditError(problems)
    return Prescription(tuple(chosen))


def _reason(action: str, signed: Signed, extra: str = "") -> str:
    base = signed.note or DEFAULT_REASONS[action]
    return f"{extra} {base}".strip() if extra else base


def _change(action: str, signed: Signed, before: PrescribedExercise | None, after: PrescribedExercise | None) -> Change:
    either = after or before
    exercise_id = either.exercise_id if either is not None else ""
    return Change(
        signed.at, CLINICIAN_RULE, signed.version, exercise_id, action, _reason(action, signed), before, after
    )


def set_prescription(
    plan: AdaptivePlan, new: Prescription, library: Library, signed: Signed
) -> tuple[AdaptivePlan, list[Change]]:
    """The clinician's prescription in place of the plan's: one change per exercise added, removed or changed
    (dose or variant). Offers about exercises changed or left out are dropped, a paused or stopped exercise the
    clinician puts back (any variant) is no longer waiting for review, and the rules' smaller range for an exercise
    the clinician changed is lifted; the count toward a step up starts again for what changed."""
    old = {family_of(library, i.exercise_id): i for i in plan.prescription.items}
    fresh = {family_of(library, i.exercise_id): i for i in new.items}
    changes: list[Change] = []
    touched: set[str] = set()
    for family, item in fresh.items():
        before = old.get(family)
        if before is None:
            changes.append(_change("clinician-add", signed, None, item))
        elif before != item:
            changes.append(_change("clinician-set", signed, before, item))
        else:
            continue
        touched.update({item.exercise_id, *(b.exercise_id for b in [before] if b)})
    for family, item in old.items():
        if family not in fresh:
            changes.append(_change("clinician-remove", signed, item, None))
            touched.add(item.exercise_id)
    kept = {i.exercise_id for i in new.items}
    back = {family_of(library, e) for e in kept}
    changed = replace(
        plan,
        prescription=new,
        offers=tuple(o for o in plan.offers if o.exercise_id in kept and o.exercise_id not in touched),
        reviews=tuple(r for r in plan.reviews if family_of(library, r.exercise_id) not in back),
        range_notes={k: v for k, v in plan.range_notes.items() if k not in touched},
        streaks={k: v for k, v in plan.streaks.items() if k not in touched},
    )
    return changed, changes


def keep_change(plan: AdaptivePlan, change: Change, signed: Signed) -> tuple[AdaptivePlan, list[Change]]:
    """The clinician approves a change the rules made: the plan stays as it is, the decision is recorded."""
    return plan, [_change_for(change, "clinician-keep", signed, change.after, change.after)]


def _change_for(
    change: Change, action: str, signed: Signed, before: PrescribedExercise | None, after: PrescribedExercise | None
) -> Change:
    return Change(
        signed.at, CLINICIAN_RULE, signed.version, change.exercise_id, action, _reason(action, signed), before, after
    )


class PlanMovedOn(ValueError):
    """The plan has changed since the rules' change being decided: undoing it would undo something else too."""


def undo_change(
    plan: AdaptivePlan, change: Change, library: Library, signed: Signed
) -> tuple[AdaptivePlan, list[Change]]:
    """The clinician overrides a change the rules made: the exercise is back as it was before it (a paused or
    stopped one put back, its review closed; a smaller range lifted). PlanMovedOn when the plan no longer holds
    what the change left."""
    items = list(plan.prescription.items)
    if change.before is None:
        raise PlanMovedOn("this change added nothing to undo")
    if change.after is not None:
        index = next((n for n, i in enumerate(items) if i == change.after), None)
        if index is None:
            raise PlanMovedOn("the plan has changed since: set the dose in the prescription instead")
        items[index] = change.before
    else:
        if any(family_of(library, i.exercise_id) == family_of(library, change.before.exercise_id) for i in items):
            raise PlanMovedOn("the exercise is back in the plan already: set the dose in the prescription instead")
        items.append(change.before)
    undone = replace(
        plan,
        prescription=Prescription(tuple(items)),
        reviews=tuple(r for r in plan.reviews if r.exercise_id != change.before.exercise_id),
        range_notes={k: v for k, v in plan.range_notes.items() if k != change.before.exercise_id},
    )
    return undone, [_change_for(change, "clinician-undo", signed, change.after, change.before)]


def answer_offer_for(
    plan: AdaptivePlan, rule_id: str, accept: bool, book: RuleBook, library: Library, signed: Signed
) -> tuple[AdaptivePlan, list[Change]]:
    """The clinician accepts or declines an open offer for the patient (OfferError when there is none): the rules'
    own acceptance or refusal, recorded as the clinician's with their note."""
    result = (accept_offer if accept else decline_offer)(plan, rule_id, book, library, signed.at)
    action = "clinician-accept-offer" if accept else "clinician-decline-offer"
    made = result.changes[-1]
    reason = signed.note or f"{DEFAULT_REASONS[action]} {made.reason}"
    change = Change(
        signed.at, CLINICIAN_RULE, signed.version, made.exercise_id, action, reason, made.before, made.after
    )
    return result.plan, [change]


class NoReview(LookupError):
    """The exercise is not paused or stopped for review."""


def resume_exercise(
    plan: AdaptivePlan, exercise_id: str, library: Library, signed: Signed
) -> tuple[AdaptivePlan, list[Change]]:
    """The clinician clears a paused or stopped exercise: it is back in the plan at the dose it had (cut to the
    content's range), its review closed. NoReview when it is not waiting for one."""
    review = next((r for r in plan.reviews if r.exercise_id == exercise_id), None)
    if review is None:
        raise NoReview(exercise_id)
    reviews = tuple(r for r in plan.reviews if r.exercise_id != exercise_id)
    family = family_of(library, exercise_id)
    if any(family_of(library, i.exercise_id) == family for i in plan.prescription.items):
        return replace(plan, reviews=reviews), [_change("clinician-resume", signed, None, plan.item(exercise_id))]
    dosage = library.exercise(exercise_id).dosage
    reps = int(min(max(review.reps or dosage.reps.min, dosage.reps.min), dosage.reps.max))
    hold = review.hold_seconds if review.hold_seconds is not None else dosage.hold_seconds.max
    hold = min(max(hold, dosage.hold_seconds.min), dosage.hold_seconds.max)
    item = prescribe(library, exercise_id, reps, hold)
    resumed = replace(plan, prescription=Prescription((*plan.prescription.items, item)), reviews=reviews)
    return resumed, [_change("clinician-resume", signed, None, item)]
