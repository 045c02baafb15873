"""The rules engine: events in order, the first matching rule per exercise, doses always inside the content's range."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sciatica_coach.domain.adaptation.plan import (
    AdaptivePlan,
    Change,
    Event,
    ExerciseOutcome,
    MorningEvent,
    Offer,
    ReviewFlag,
    WindowEntry,
)
from sciatica_coach.domain.adaptation.rules import LIGHTS, Condition, Rule, RuleBook
from sciatica_coach.domain.centralization import Classification, classify_change, less_pain
from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.engine.prescription import PrescribedExercise, Prescription, prescribe
from sciatica_coach.domain.symptoms import SymptomCheck


class OfferError(ValueError):
    """There is no such offer to accept or decline."""


@dataclass(frozen=True)
class Adaptation:
    """The plan after some events, and the changes made on the way (oldest first)."""

    plan: AdaptivePlan
    changes: tuple[Change, ...]
    holds: tuple[Change, ...] = ()  # rules that decided to keep a dose as it is (nothing changed, reason given)


@dataclass
class _Work:
    """A mutable copy of the plan while events are applied."""

    items: list[PrescribedExercise]
    streaks: dict[str, int]
    window: dict[str, list[WindowEntry]]
    last_morning: SymptomCheck | None
    offers: list[Offer]
    reviews: list[ReviewFlag]
    changes: list[Change] = field(default_factory=list)
    holds: list[Change] = field(default_factory=list)

    @classmethod
    def of(cls, plan: AdaptivePlan) -> _Work:
        return cls(
            items=list(plan.prescription.items),
            streaks=dict(plan.streaks),
            window={k: list(v) for k, v in plan.window.items()},
            last_morning=plan.last_morning,
            offers=list(plan.offers),
            reviews=list(plan.reviews),
        )

    def freeze(self) -> Adaptation:
        plan = AdaptivePlan(
            prescription=Prescription(items=tuple(self.items)),
            streaks=dict(sorted(self.streaks.items())),
            window={k: tuple(v) for k, v in sorted(self.window.items()) if v},
            last_morning=self.last_morning,
            offers=tuple(self.offers),
            reviews=tuple(self.reviews),
        )
        return Adaptation(plan, tuple(self.changes), tuple(self.holds))

    def index(self, exercise_id: str) -> int | None:
        return next((n for n, item in enumerate(self.items) if item.exercise_id == exercise_id), None)


def adapt(plan: AdaptivePlan, events: Iterable[Event], book: RuleBook, library: Library) -> Adaptation:
    """Apply `events` in order; the same plan and events always give the same result."""
    work = _Work.of(plan)
    for event in events:
        if isinstance(event, ExerciseOutcome):
            _after_exercise(work, event, book, library)
        else:
            _next_morning(work, event, book, library)
    return work.freeze()


def _after_exercise(work: _Work, outcome: ExerciseOutcome, book: RuleBook, library: Library) -> None:
    exercise_id = outcome.exercise_id
    if work.index(exercise_id) is None:
        return  # no longer in the plan (switched or removed since that session began)
    before, after = outcome.before, outcome.after
    if after is None and not outcome.stopped_for_pain:
        return  # nothing was reported about it
    judged: Classification | None = None
    if before is not None and after is not None:
        judged = classify_change(before, after, *_thresholds(book))
    if outcome.stopped_for_pain or (judged is not None and judged.effect == "peripheralizing"):
        work.streaks[exercise_id] = 0
    elif judged is not None:
        work.streaks[exercise_id] = work.streaks.get(exercise_id, 0) + 1
    pain_after = max(after.back, after.leg) if after is not None else 0
    entry = WindowEntry(
        light=book.traffic_light.light(pain_after, outcome.stopped_for_pain),
        effect=judged.effect if judged else None,
        less_pain=before is not None and after is not None and less_pain(before, after),
    )
    work.window.setdefault(exercise_id, []).append(entry)
    at_minimum = _at_minimum(work, exercise_id, library)
    for rule in book.at("after-exercise", exercise_id):
        if _minimum_matches(rule.condition, at_minimum) and _holds_after(
            rule.condition, judged, work.streaks.get(exercise_id, 0)
        ):
            _apply(work, rule, exercise_id, outcome.at, library)
            return


def _at_minimum(work: _Work, exercise_id: str, library: Library) -> bool:
    index = work.index(exercise_id)
    return index is not None and work.items[index].reps <= library.exercise(exercise_id).dosage.reps.min


def _minimum_matches(condition: Condition, at_minimum: bool) -> bool:
    return condition.at_minimum is None or condition.at_minimum == at_minimum


def _holds_after(condition: Condition, judged: Classification | None, streak: int) -> bool:
    if condition.test == "peripheralizing":
        return judged is not None and judged.effect == "peripheralizing"
    if condition.test == "tolerated":
        return condition.sessions is not None and streak >= condition.sessions
    return condition.test == "always"


def _next_morning(work: _Work, event: MorningEvent, book: RuleBook, library: Library) -> None:
    morning = event.check.symptoms
    worse = (
        work.last_morning is not None
        and classify_change(work.last_morning, morning, *_thresholds(book)).effect == "peripheralizing"
    )
    for item in list(work.items):
        entries = work.window.get(item.exercise_id, [])
        if not entries or work.index(item.exercise_id) is None:
            continue
        at_minimum = _at_minimum(work, item.exercise_id, library)
        for rule in book.at("next-morning", item.exercise_id):
            if _minimum_matches(rule.condition, at_minimum) and _holds_morning(rule.condition, entries, worse):
                _apply(work, rule, item.exercise_id, event.at, library)
                break
    work.window = {}
    work.last_morning = morning


def _holds_morning(condition: Condition, entries: list[WindowEntry], worse: bool) -> bool:
    worst = max(LIGHTS.index(e.light) for e in entries)
    if condition.test == "morning-worse":
        return worse
    if condition.test == "too-much":
        return LIGHTS[worst] == "red"
    if worse or LIGHTS[worst] == "red":
        return condition.test == "always"
    if condition.test == "centralizing-or-less-pain":
        return all(e.effect == "centralizing" or e.less_pain for e in entries)
    if condition.test == "light":
        return LIGHTS[worst] == condition.light
    return condition.test == "always"


def _thresholds(book: RuleBook) -> tuple[int, int]:
    return book.classification.leg_pain_rise, book.classification.leg_pain_fall


def dose(library: Library, exercise_id: str, reps: int, hold: float) -> PrescribedExercise:
    """Prescribe `exercise_id`, cutting reps and hold to the nearest end of the content's allowed range."""
    dosage = library.exercise(exercise_id).dosage
    reps = int(min(max(reps, dosage.reps.min), dosage.reps.max))
    hold = min(max(hold, dosage.hold_seconds.min), dosage.hold_seconds.max)
    return prescribe(library, exercise_id, reps, hold)  # raises DosageError should a range be malformed


def _name(library: Library, exercise_id: str) -> str:
    name = library.exercise(exercise_id).name
    return name[:1].lower() + name[1:]


def _reason(text: str, library: Library, exercise_id: str, to: str | None, reps: int) -> str:
    words = {"exercise": _name(library, exercise_id), "to": _name(library, to) if to else "", "reps": str(reps)}
    return " ".join(text.format_map(words).split())


def _apply(work: _Work, rule: Rule, exercise_id: str, at: datetime, library: Library) -> None:
    index = work.index(exercise_id)
    action = rule.action
    if index is None:
        return
    item = work.items[index]
    if action.do == "hold":
        reason = _reason(rule.reason, library, exercise_id, None, item.reps)
        work.holds.append(Change(at, rule.id, rule.version, exercise_id, "hold", reason, item, item))
        return

    def record(after: PrescribedExercise | None, reps: int) -> None:
        reason = _reason(rule.reason, library, exercise_id, action.to, reps)
        work.changes.append(Change(at, rule.id, rule.version, exercise_id, action.do, reason, item, after))

    if action.do == "change-reps":
        new = dose(library, exercise_id, item.reps + action.reps_change, item.hold_seconds)
        if new != item:
            work.items[index] = new
            record(new, new.reps)
    elif action.do == "switch" and action.to is not None:
        new = dose(library, action.to, item.reps + action.reps_change, item.hold_seconds)
        _replace(work, index, new)
        record(new, new.reps)
    elif action.do == "remove":
        del work.items[index]
        work.offers = [o for o in work.offers if o.exercise_id != exercise_id]
        work.streaks.pop(exercise_id, None)
        reason = _reason(rule.reason, library, exercise_id, None, item.reps)
        if action.flag_review:
            work.reviews.append(ReviewFlag(rule.id, exercise_id, reason, at.isoformat()))
        record(None, item.reps)
    elif action.do == "offer-switch" and action.to is not None:
        if any(o.rule_id == rule.id and o.exercise_id == exercise_id for o in work.offers):
            return
        reps = int(library.exercise(action.to).dosage.reps.min)
        reason = _reason(rule.reason, library, exercise_id, action.to, reps)
        work.offers.append(Offer(rule.id, rule.version, exercise_id, action.to, reps, reason))
        record(item, reps)


def _replace(work: _Work, index: int, new: PrescribedExercise) -> None:
    """Put `new` in place of the item at `index`; if that exercise is already in the plan, just drop the old one."""
    old = work.items[index]
    work.offers = [o for o in work.offers if o.exercise_id != old.exercise_id]
    if work.index(new.exercise_id) is not None:
        del work.items[index]
    else:
        work.items[index] = new
    work.streaks[new.exercise_id] = 0
    work.window.pop(new.exercise_id, None)


def accept_offer(plan: AdaptivePlan, rule_id: str, book: RuleBook, library: Library, at: datetime) -> Adaptation:
    """The person accepts an offer: the switch is made at the offered dose."""
    work = _Work.of(plan)
    offer, index = _find_offer(work, rule_id)
    rule = book.rule(rule_id)
    item = work.items[index]
    new = dose(library, offer.to, offer.reps, item.hold_seconds)
    _replace(work, index, new)
    reason = _reason(rule.action.accepted, library, offer.exercise_id, offer.to, new.reps)
    work.changes.append(Change(at, rule.id, rule.version, offer.exercise_id, "accept-offer", reason, item, new))
    return work.freeze()


def decline_offer(plan: AdaptivePlan, rule_id: str, book: RuleBook, library: Library, at: datetime) -> Adaptation:
    """The person declines an offer: nothing changes, and the count toward the next offer starts again."""
    work = _Work.of(plan)
    offer, index = _find_offer(work, rule_id)
    rule = book.rule(rule_id)
    item = work.items[index]
    work.offers.remove(offer)
    work.streaks[offer.exercise_id] = 0
    reason = _reason(rule.action.declined, library, offer.exercise_id, offer.to, item.reps)
    work.changes.append(Change(at, rule.id, rule.version, offer.exercise_id, "decline-offer", reason, item, item))
    return work.freeze()


def _find_offer(work: _Work, rule_id: str) -> tuple[Offer, int]:
    for offer in work.offers:
        index = work.index(offer.exercise_id)
        if offer.rule_id == rule_id and index is not None:
            return offer, index
    raise OfferError(f"there is no open offer from rule '{rule_id}'")
