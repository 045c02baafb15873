"""The rules engine: events in order, the first matching rule per exercise, doses always inside the content's range.

Safety comes before the rules file's order: getting worse escalates (the exercises involved stop and the person is
told to contact their clinician), nothing is built up while symptoms are unsettled or spreading, and each event
leaves today's advice in the plan (`Adaptation.advice`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sciatica_coach.domain.adaptation.advice import Advice, advice_of
from sciatica_coach.domain.adaptation.plan import (
    AdaptivePlan,
    AdviceNote,
    Change,
    Event,
    ExerciseOutcome,
    MorningEvent,
    MorningNote,
    Offer,
    ReviewFlag,
    SbiEvent,
    WindowEntry,
)
from sciatica_coach.domain.adaptation.rules import LIGHTS, Condition, Rule, RuleBook
from sciatica_coach.domain.centralization import Classification, classify_change, less_pain
from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.engine.prescription import PrescribedExercise, Prescription, prescribe
from sciatica_coach.domain.symptoms import SymptomCheck, reach_rank

# Notes worked out afresh at every event from what the plan remembers (the others last until the next morning).
STANDING_NOTES = frozenset({"paused-reminder", "no-improvement", "review-overdue"})


class OfferError(ValueError):
    """There is no such offer to accept or decline."""


@dataclass(frozen=True)
class Adaptation:
    """The plan after some events, the changes made on the way (oldest first), and the advice after the last one."""

    plan: AdaptivePlan
    changes: tuple[Change, ...]
    holds: tuple[Change, ...] = ()  # rules that decided to keep a dose as it is (nothing changed, reason given)
    advice: Advice | None = None  # None when no event was applied


@dataclass
class _Work:
    """A mutable copy of the plan while events are applied."""

    plan: AdaptivePlan
    items: list[PrescribedExercise]
    streaks: dict[str, int]
    window: dict[str, list[WindowEntry]]
    last_morning: SymptomCheck | None
    offers: list[Offer]
    reviews: list[ReviewFlag]
    mornings: list[MorningNote]
    worse_run: int
    rise_run: int
    spread_cycles: list[str]
    spread_counts: dict[str, int]
    involved: list[str]
    green_days: dict[str, list[str]]
    settled: bool
    nerve_signs: tuple[bool, bool] | None
    range_notes: dict[str, str]
    started: str | None
    first_leg: int | None
    first_sbi: int | None
    last_sbi: int | None
    notes: list[AdviceNote]
    changes: list[Change] = field(default_factory=list)
    holds: list[Change] = field(default_factory=list)
    advice: Advice | None = None

    @classmethod
    def of(cls, plan: AdaptivePlan) -> _Work:
        return cls(
            plan=plan,
            items=list(plan.prescription.items),
            streaks=dict(plan.streaks),
            window={k: list(v) for k, v in plan.window.items()},
            last_morning=plan.last_morning,
            offers=list(plan.offers),
            reviews=list(plan.reviews),
            mornings=list(plan.mornings),
            worse_run=plan.worse_run,
            rise_run=plan.rise_run,
            spread_cycles=list(plan.spread_cycles),
            spread_counts=dict(plan.spread_counts),
            involved=list(plan.involved),
            green_days={k: list(v) for k, v in plan.green_days.items()},
            settled=plan.settled,
            nerve_signs=plan.nerve_signs,
            range_notes=dict(plan.range_notes),
            started=plan.started,
            first_leg=plan.first_leg,
            first_sbi=plan.first_sbi,
            last_sbi=plan.last_sbi,
            notes=list(plan.notes),
        )

    def freeze(self) -> Adaptation:
        plan = AdaptivePlan(
            prescription=Prescription(items=tuple(self.items)),
            streaks=dict(sorted(self.streaks.items())),
            window={k: tuple(v) for k, v in sorted(self.window.items()) if v},
            last_morning=self.last_morning,
            offers=tuple(self.offers),
            reviews=tuple(self.reviews),
            mornings=tuple(self.mornings),
            worse_run=self.worse_run,
            rise_run=self.rise_run,
            spread_cycles=tuple(self.spread_cycles),
            spread_counts=dict(sorted(self.spread_counts.items())),
            involved=tuple(self.involved),
            green_days={k: tuple(v) for k, v in sorted(self.green_days.items()) if v},
            settled=self.settled,
            nerve_signs=self.nerve_signs,
            range_notes=dict(sorted(self.range_notes.items())),
            started=self.started,
            first_leg=self.first_leg,
            first_sbi=self.first_sbi,
            last_sbi=self.last_sbi,
            notes=tuple(self.notes),
        )
        return Adaptation(plan, tuple(self.changes), tuple(self.holds), self.advice)

    def index(self, exercise_id: str) -> int | None:
        return next((n for n, item in enumerate(self.items) if item.exercise_id == exercise_id), None)

    def note(self, book: RuleBook, advice_id: str, **words: str) -> None:
        """Add one reason to today's advice (once)."""
        if any(n.id == advice_id for n in self.notes):
            return
        worded = book.advice[advice_id]
        text = " ".join(worded.text.format_map({"exercises": "", "why": "", "days": "", "weeks": "", **words}).split())
        self.notes.append(AdviceNote(advice_id, worded.level, text))

    def window_spread(self) -> bool:
        """Whether any exercise made symptoms spread, or leg pain rise, since the last morning."""
        return any(e.effect == "peripheralizing" or e.spread for entries in self.window.values() for e in entries)


def adapt(plan: AdaptivePlan, events: Iterable[Event], book: RuleBook, library: Library) -> Adaptation:
    """Apply `events` in order; the same plan and events always give the same result."""
    work = _Work.of(plan)
    for event in events:
        if work.started is None:
            work.started = event.at.isoformat()
        if isinstance(event, ExerciseOutcome):
            _after_exercise(work, event, book, library)
        elif isinstance(event, MorningEvent):
            _next_morning(work, event, book, library)
        else:
            _sbi(work, event)
        _standing_notes(work, event.at, book, library)
        work.advice = advice_of(work.notes, book)
    return work.freeze()


# --- After an exercise ----------------------------------------------------------------------------------------


def _after_exercise(work: _Work, outcome: ExerciseOutcome, book: RuleBook, library: Library) -> None:
    exercise_id = outcome.exercise_id
    if work.index(exercise_id) is None:
        return  # no longer in the plan (switched or removed since that session began)
    before, after = outcome.before, outcome.after
    if after is None and not outcome.stopped_for_pain:
        return  # nothing was reported about it
    judged: Classification | None = None
    spread = False
    if before is not None and after is not None:
        judged = classify_change(before, after, *_thresholds(book))
        spread = _spreads(before, after)
    peripheral = judged is not None and judged.effect == "peripheralizing"
    if outcome.stopped_for_pain or peripheral:
        work.streaks[exercise_id] = 0
    elif judged is not None:
        work.streaks[exercise_id] = work.streaks.get(exercise_id, 0) + 1
    pain_after = max(after.back, after.leg) if after is not None else 0
    light = book.traffic_light.light(pain_after, outcome.stopped_for_pain)
    entry = WindowEntry(
        light=light,
        effect=judged.effect if judged else None,
        less_pain=before is not None and after is not None and less_pain(before, after),
        spread=spread,
    )
    spread_before = work.spread_counts.get(exercise_id, 0) > 0
    escalating = False
    if peripheral:
        work.spread_counts[exercise_id] = work.spread_counts.get(exercise_id, 0) + 1
        # A spread today after another day with spreading within the week: worsening, whatever else happened.
        escalating = spread and _recent_spread_days(work, outcome.at, book) + 1 >= book.worsening.spreads
    if light == "green" and judged is not None and not peripheral:
        days = work.green_days.setdefault(exercise_id, [])
        if outcome.at.date().isoformat() not in days:
            days.append(outcome.at.date().isoformat())
    elif light == "red" or peripheral or outcome.stopped_for_pain:
        work.green_days.pop(exercise_id, None)
    work.window.setdefault(exercise_id, []).append(entry)
    if peripheral or outcome.stopped_for_pain:
        work.offers = []  # nothing is built up, nor offered, while symptoms spread
    blocked = escalating or not work.settled or work.window_spread()
    at_minimum = _at_minimum(work, exercise_id, library)
    for rule in book.at("after-exercise", exercise_id):
        if (
            _minimum_matches(rule.condition, at_minimum)
            and _again_matches(rule.condition, spread_before)
            and _holds_after(rule.condition, judged, work, exercise_id, escalating)
        ):
            if rule.action.steps_up and blocked:
                continue
            _apply(work, rule, exercise_id, outcome.at, library, book)
            break
    if escalating:
        work.note(book, _worsening_advice(work), why=book.why["spreading"])
    elif peripheral:
        work.note(book, "spread-in-session", exercises=_names(library, [exercise_id]))
    if light == "red":
        work.note(book, "too-much-in-session", exercises=_names(library, [exercise_id]))


def _spreads(before: SymptomCheck, after: SymptomCheck) -> bool:
    return any(
        reach_rank(now) > reach_rank(was)
        for was, now in ((before.left_reach, after.left_reach), (before.right_reach, after.right_reach))
    )


def _recent_spread_days(work: _Work, at: datetime, book: RuleBook) -> int:
    """Days closed by a morning within the spreading window that had spreading (today's open day not counted)."""
    since = at - timedelta(days=book.worsening.spread_days)
    return sum(1 for moment in work.spread_cycles if datetime.fromisoformat(moment) > since)


def _at_minimum(work: _Work, exercise_id: str, library: Library) -> bool:
    index = work.index(exercise_id)
    return index is not None and work.items[index].reps <= library.exercise(exercise_id).dosage.reps.min


def _minimum_matches(condition: Condition, at_minimum: bool) -> bool:
    return condition.at_minimum is None or condition.at_minimum == at_minimum


def _again_matches(condition: Condition, spread_before: bool) -> bool:
    return condition.again is None or condition.again == spread_before


def _holds_after(
    condition: Condition, judged: Classification | None, work: _Work, exercise_id: str, escalating: bool
) -> bool:
    if condition.test == "escalating":
        return escalating
    if condition.test == "peripheralizing":
        return judged is not None and judged.effect == "peripheralizing"
    if condition.test == "tolerated":
        return condition.sessions is not None and work.streaks.get(exercise_id, 0) >= condition.sessions
    if condition.test == "green-days":
        return condition.days is not None and len(work.green_days.get(exercise_id, [])) >= condition.days
    return condition.test == "always"


# --- At the next morning --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Morning:
    """How this morning compares with the one before."""

    spread: bool  # reach further down either leg
    worse: bool  # peripheralizing, or back pain jumped with leg pain not lower
    rise: bool  # any symptom higher (or further down)
    nerve: bool  # numbness or weakness
    new_nerve: bool  # numbness or weakness not reported at the last morning


def _compare(work: _Work, event: MorningEvent, book: RuleBook) -> _Morning:
    now, prev = event.check.symptoms, work.last_morning
    nerve = event.check.numbness or event.check.weakness
    last = work.nerve_signs or (False, False)
    new_nerve = (event.check.numbness and not last[0]) or (event.check.weakness and not last[1])
    if prev is None:
        return _Morning(False, False, False, nerve, new_nerve)
    spread = _spreads(prev, now)
    peripheral = classify_change(prev, now, *_thresholds(book)).effect == "peripheralizing"
    back_jump = now.back - prev.back >= book.worsening.back_pain_jump and now.leg >= prev.leg
    # Back pain rising while leg pain falls (nothing spreading) is how centralizing looks, not getting worse,
    # unless back pain jumps by `week_rise` or more overnight.
    centralizing = now.leg < prev.leg and now.back - prev.back < book.worsening.week_rise
    rise = spread or now.leg > prev.leg or (now.back > prev.back and not centralizing)
    return _Morning(spread, peripheral or back_jump, rise, nerve, new_nerve)


def _week_rise(work: _Work, event: MorningEvent, book: RuleBook) -> bool:
    """Leg pain (or back pain, with leg pain not lower) up by `week_rise` or more on a morning within the week."""
    now = event.check.symptoms
    since = event.at - timedelta(days=book.worsening.week_days)
    rise = book.worsening.week_rise
    for earlier in work.mornings:
        if datetime.fromisoformat(earlier.at) < since:
            continue
        if now.leg - earlier.leg >= rise or (now.back - earlier.back >= rise and now.leg >= earlier.leg):
            return True
    return False


def _next_morning(work: _Work, event: MorningEvent, book: RuleBook, library: Library) -> None:
    morning = _compare(work, event, book)
    worsening = book.worsening
    work.worse_run = work.worse_run + 1 if morning.worse else 0
    work.rise_run = work.rise_run + 1 if morning.rise else 0
    window_spread = work.window_spread()
    day_spread = morning.spread or any(e.spread for entries in work.window.values() for e in entries)
    since = event.at - timedelta(days=worsening.spread_days)
    work.spread_cycles = [t for t in work.spread_cycles if datetime.fromisoformat(t) > since]
    if day_spread:
        work.spread_cycles.append(event.at.isoformat())
    why: list[str] = []
    if morning.worse and work.worse_run >= worsening.worse_mornings:
        why.append("worse-mornings")
    if morning.rise and work.rise_run >= worsening.rising_mornings:
        why.append("rising-mornings")
    if day_spread and len(work.spread_cycles) >= worsening.spreads:
        why.append("spreading")
    if _week_rise(work, event, book):
        why.append("week-rise")
    done = [item.exercise_id for item in work.items if work.window.get(item.exercise_id)]
    if morning.worse and any(_at_minimum(work, e, library) for e in done):
        why.append("worse-at-minimum")
    escalating = bool(why) and why != ["worse-at-minimum"]
    involved = list(dict.fromkeys([*work.involved, *done]))
    # Exercises done while getting worse stop; with none done, the whole program stops until a clinician has seen it.
    to_stop = set(involved or [item.exercise_id for item in work.items]) if escalating else set()
    # Numbness or weakness blocks building up the day it is new; weakness for as long as it lasts.
    nerve_block = morning.new_nerve or event.check.weakness
    blocked = escalating or morning.rise or morning.worse or nerve_block or window_spread or event.red_flag
    work.notes = []  # today's advice starts afresh with this morning
    stopped: list[str] = []
    stepped_down = False
    for item in list(work.items):
        exercise_id = item.exercise_id
        if work.index(exercise_id) is None:
            continue
        entries = work.window.get(exercise_id, [])
        at_minimum = _at_minimum(work, exercise_id, library)
        for rule in book.at("next-morning", exercise_id):
            test = rule.condition.test
            if test == "escalating":
                holds = exercise_id in to_stop
            else:
                holds = bool(entries) and _holds_morning(rule.condition, entries, morning.worse, blocked)
            if not (holds and _minimum_matches(rule.condition, at_minimum)):
                continue
            if rule.action.steps_up and blocked:
                continue  # never build up on a morning that is not settled
            _apply(work, rule, exercise_id, event.at, library, book)
            if rule.action.do in ("stop", "remove"):
                stopped.append(exercise_id)
            elif rule.action.do == "change-reps" and rule.action.reps_change < 0:
                stepped_down = True
            break
    # Settled: this morning is no worse than the one before, without nerve signs or a warning sign (spreading
    # during yesterday's exercises blocked today's step ups above; it does not hold back the rest of today).
    settled = not (morning.rise or morning.worse or nerve_block or event.red_flag)
    calm = settled and not window_spread and not escalating
    work.involved = [] if calm else [e for e in involved if work.index(e) is not None]
    if not settled:
        work.offers = []  # an offer to build up is withdrawn on a morning that is not settled
    if morning.rise or morning.worse or window_spread:
        work.green_days = {}
    work.settled = settled
    work.window = {}
    work.last_morning = event.check.symptoms
    work.nerve_signs = (event.check.numbness, event.check.weakness)
    if work.first_leg is None:
        work.first_leg = event.check.symptoms.leg
    note = MorningNote(event.at.isoformat(), event.check.symptoms.back, event.check.symptoms.leg)
    keep_since = event.at - timedelta(days=worsening.week_days)
    work.mornings = [m for m in work.mornings if datetime.fromisoformat(m.at) >= keep_since] + [note]
    if why:
        words = " ".join(book.why[w] for w in why)
        work.note(book, _worsening_advice(work), why=words, exercises=_names(library, stopped))
    if morning.new_nerve:
        work.note(book, "new-nerve-signs")
    elif morning.nerve:
        work.note(book, "nerve-signs-hold")
    if morning.worse:
        work.note(book, "worse-morning")
    elif morning.rise:
        work.note(book, "rising")
    if stepped_down:
        work.note(book, "stepped-down")


def _worsening_advice(work: _Work) -> str:
    return "worsening-nerve-signs" if work.nerve_signs and any(work.nerve_signs) else "worsening"


def _holds_morning(condition: Condition, entries: list[WindowEntry], worse: bool, blocked: bool) -> bool:
    worst = max(LIGHTS.index(e.light) for e in entries)
    if condition.test == "morning-worse":
        return worse
    if condition.test == "too-much":
        return LIGHTS[worst] == "red"
    if condition.test == "unsettled":
        return blocked
    if worse or LIGHTS[worst] == "red":
        return condition.test == "always"
    if condition.test == "centralizing-or-less-pain":
        return all(e.effect == "centralizing" or e.less_pain for e in entries)
    if condition.test == "light":
        return LIGHTS[worst] == condition.light
    return condition.test == "always"


# --- The weekly SBI and the notes that stand while a state lasts -----------------------------------------------


def _sbi(work: _Work, event: SbiEvent) -> None:
    if work.first_sbi is None:
        work.first_sbi = event.total
    work.last_sbi = event.total


def _standing_notes(work: _Work, at: datetime, book: RuleBook, library: Library) -> None:
    """Reminders worked out from the plan at every event: exercises out of the plan, a review overdue, no
    improvement after the review period."""
    work.notes = [n for n in work.notes if n.id not in STANDING_NOTES]
    if work.reviews:
        work.note(book, "paused-reminder", exercises=_names(library, [r.exercise_id for r in work.reviews]))
    review = book.review
    overdue = [
        r.exercise_id
        for r in work.reviews
        if at - datetime.fromisoformat(r.at) >= timedelta(days=review.flag_open_days)
    ]
    if overdue:
        work.note(book, "review-overdue", exercises=_names(library, overdue), days=str(review.flag_open_days))
    if work.started is not None and at - datetime.fromisoformat(work.started) >= timedelta(days=review.after_days):
        last_leg = work.last_morning.leg if work.last_morning is not None else None
        leg_stuck = _not_improved(work.first_leg, last_leg, review.leg_pain_improvement)
        sbi_stuck = _not_improved(work.first_sbi, work.last_sbi, review.sbi_improvement)
        if leg_stuck or sbi_stuck:
            work.note(book, "no-improvement", weeks=f"{review.after_days / 7:g}")


def _not_improved(first: int | None, last: int | None, by: int) -> bool:
    """Whether a score has not come down by `by` since the start (one down to 0 has improved)."""
    if first is None or last is None:
        return False
    return last > 0 and first - last < by


# --- Applying a rule ------------------------------------------------------------------------------------------


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


def _names(library: Library, exercise_ids: Iterable[str]) -> str:
    """'the hip hinge', 'the hip hinge and the prone press-up', 'the a, the b and the c' ('' for none)."""
    names = [f"the {_name(library, e)}" for e in dict.fromkeys(exercise_ids)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _reason(text: str, library: Library, exercise_id: str, to: str | None, reps: int) -> str:
    words = {"exercise": _name(library, exercise_id), "to": _name(library, to) if to else "", "reps": str(reps)}
    return " ".join(text.format_map(words).split())


def _apply(work: _Work, rule: Rule, exercise_id: str, at: datetime, library: Library, book: RuleBook) -> None:
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
    elif action.do == "regress":
        new = dose(library, exercise_id, item.reps + action.reps_change, item.hold_seconds)
        work.items[index] = new
        work.range_notes[exercise_id] = " ".join(action.note.split())
        work.offers = [o for o in work.offers if o.exercise_id != exercise_id]
        record(new, new.reps)
    elif action.do == "switch" and action.to is not None:
        new = dose(library, action.to, item.reps + action.reps_change, item.hold_seconds)
        _replace(work, index, new)
        record(new, new.reps)
    elif action.do in ("remove", "stop"):
        del work.items[index]
        work.offers = [o for o in work.offers if o.exercise_id != exercise_id]
        work.streaks.pop(exercise_id, None)
        work.green_days.pop(exercise_id, None)
        reason = _reason(rule.reason, library, exercise_id, None, item.reps)
        if action.flag_review or action.do == "stop":
            status = "stopped" if action.do == "stop" else "paused"
            flag = ReviewFlag(rule.id, exercise_id, reason, at.isoformat(), status, item.reps, item.hold_seconds)
            work.reviews.append(flag)
            if status == "paused":
                work.note(book, "paused-for-review", exercises=_names(library, [exercise_id]))
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
    work.green_days.pop(old.exercise_id, None)
    if work.index(new.exercise_id) is not None:
        del work.items[index]
    else:
        work.items[index] = new
    work.streaks[new.exercise_id] = 0
    work.green_days.pop(new.exercise_id, None)
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
    work.green_days.pop(offer.exercise_id, None)
    reason = _reason(rule.action.declined, library, offer.exercise_id, offer.to, item.reps)
    work.changes.append(Change(at, rule.id, rule.version, offer.exercise_id, "decline-offer", reason, item, item))
    return work.freeze()


def _find_offer(work: _Work, rule_id: str) -> tuple[Offer, int]:
    for offer in work.offers:
        index = work.index(offer.exercise_id)
        if offer.rule_id == rule_id and index is not None:
            return offer, index
    raise OfferError(f"there is no open offer from rule '{rule_id}'")
