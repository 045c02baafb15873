"""Properties of the rules engine over arbitrary histories: doses stay in range, and history decides the plan."""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptation.helpers import T0
from sciatica_coach.domain.adaptation import (
    AdaptivePlan,
    Event,
    ExerciseOutcome,
    MorningEvent,
    RuleBook,
    SbiEvent,
    accept_offer,
    adapt,
    decline_offer,
)
from sciatica_coach.domain.adaptation.rules import ADVICE_LEVELS
from sciatica_coach.domain.checkins import MorningCheck
from sciatica_coach.domain.content import Library, load_library
from sciatica_coach.domain.engine.prescription import Prescription, prescribe
from sciatica_coach.domain.symptoms import REACH_LEVELS, SymptomCheck

LIBRARY = load_library()
EXERCISES = sorted(LIBRARY.exercises)
pain = st.integers(min_value=0, max_value=10)
reach = st.sampled_from(REACH_LEVELS)
symptoms = st.builds(SymptomCheck, pain, pain, reach, reach)


@st.composite
def histories(draw: st.DrawFn) -> list[Event | str]:
    """Events in time order, with the person's answers to offers ("accept"/"decline") mixed in."""
    steps: list[Event | str] = []
    for minute in range(draw(st.integers(min_value=0, max_value=40))):
        at = T0 + timedelta(hours=minute)
        kind = draw(st.sampled_from(["outcome", "outcome", "outcome", "morning", "answer", "sbi"]))
        if kind == "outcome":
            before = draw(st.none() | symptoms)
            after = draw(st.none() | symptoms)
            stopped = after is None or draw(st.booleans())
            steps.append(ExerciseOutcome(at, draw(st.sampled_from(EXERCISES)), before, after, stopped))
        elif kind == "morning":
            steps.append(MorningEvent(at, MorningCheck(draw(symptoms), draw(st.booleans()), draw(st.booleans()))))
        elif kind == "sbi":
            steps.append(SbiEvent(at, draw(st.integers(min_value=0, max_value=24))))
        else:
            steps.append(draw(st.sampled_from(["accept", "decline"])))
    return steps


@st.composite
def start_plans(draw: st.DrawFn) -> AdaptivePlan:
    """The default program, or any in-range doses of some exercises (one glide variant at most)."""
    if draw(st.booleans()):
        return AdaptivePlan.start(LIBRARY)
    glide = draw(st.sampled_from(["nerve-glide", "nerve-glide-bent-knee"]))
    chosen = [e for e in (glide, "prone-press-up", "hip-hinge") if draw(st.booleans())]
    items = []
    for exercise_id in chosen:
        reps = LIBRARY.exercise(exercise_id).dosage.reps
        items.append(prescribe(LIBRARY, exercise_id, draw(st.integers(int(reps.min), int(reps.max)))))
    return AdaptivePlan(prescription=Prescription(items=tuple(items)))


def run(plan: AdaptivePlan, steps: list[Event | str], book: RuleBook, library: Library) -> tuple[AdaptivePlan, list]:  # type: ignore[type-arg]
    """Feed events to the engine and answer the first open offer when the person answers."""
    changes = []
    for step in steps:
        if isinstance(step, str):
            if plan.offers:
                respond = accept_offer if step == "accept" else decline_offer
                result = respond(plan, plan.offers[0].rule_id, book, library, T0)
            else:
                continue
        else:
            result = adapt(plan, [step], book, library)
        plan = result.plan
        changes.extend(result.changes)
    return plan, changes


def in_range(library: Library, item) -> bool:  # type: ignore[no-untyped-def]
    dosage = library.exercise(item.exercise_id).dosage
    return dosage.reps.contains(item.reps) and dosage.hold_seconds.contains(item.hold_seconds)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(plan=start_plans(), steps=histories())
def test_doses_never_leave_the_content_ranges(book: RuleBook, library: Library, plan, steps) -> None:  # type: ignore[no-untyped-def]
    final, changes = run(plan, steps, book, library)
    assert all(in_range(library, item) for item in final.prescription.items)
    for change in changes:
        for item in (change.before, change.after):
            assert item is None or in_range(library, item)
        assert change.reason and "{" not in change.reason  # every placeholder filled in
    ids = [item.exercise_id for item in final.prescription.items]
    assert len(ids) == len(set(ids))
    techniques = {library.exercise(i.exercise_id).technique for i in plan.prescription.items}
    assert {library.exercise(i).technique for i in ids} <= techniques  # variants only, nothing new


@FAST
@given(plan=start_plans(), steps=histories())
def test_the_same_history_always_gives_the_same_plan(book: RuleBook, library: Library, plan, steps) -> None:  # type: ignore[no-untyped-def]
    first, first_changes = run(plan, steps, book, library)
    second, second_changes = run(plan, steps, book, library)
    assert first == second and first_changes == second_changes
    assert AdaptivePlan.from_dict(json.loads(json.dumps(first.to_dict()))) == first  # what storage keeps


@FAST
@given(plan=start_plans(), steps=histories(), cut=st.integers(min_value=0, max_value=40))
def test_running_in_pieces_equals_running_at_once(book: RuleBook, library: Library, plan, steps, cut) -> None:  # type: ignore[no-untyped-def]
    events = [step for step in steps if not isinstance(step, str)]
    whole = adapt(plan, events, book, library)
    head = adapt(plan, events[:cut], book, library)
    stored = AdaptivePlan.from_dict(json.loads(json.dumps(head.plan.to_dict())))
    tail = adapt(stored, events[cut:], book, library)
    assert tail.plan == whole.plan
    assert head.changes + tail.changes == whole.changes


@FAST
@given(steps=histories())
def test_removed_exercises_never_come_back_without_a_clinician(book: RuleBook, library: Library, steps) -> None:  # type: ignore[no-untyped-def]
    plan = AdaptivePlan.start(library)
    removed: set[str] = set()
    for step in steps:
        plan, changes = run(plan, [step], book, library)
        removed |= {c.exercise_id for c in changes if c.action == "remove"}
        assert not removed & {item.exercise_id for item in plan.prescription.items}
        assert removed <= {review.exercise_id for review in plan.reviews}


@FAST
@given(before=symptoms, after=symptoms, reps=st.integers(5, 10))
def test_press_ups_that_peripheralize_always_stop(book: RuleBook, library: Library, before, after, reps) -> None:  # type: ignore[no-untyped-def]
    plan = AdaptivePlan(prescription=Prescription(items=(prescribe(library, "prone-press-up", reps),)))
    spread = any(
        REACH_LEVELS.index(a) > REACH_LEVELS.index(b)
        for a, b in ((after.left_reach, before.left_reach), (after.right_reach, before.right_reach))
    )
    result = adapt(plan, [ExerciseOutcome(T0, "prone-press-up", before, after)], book, library)
    stopped = result.plan.item("prone-press-up") is None
    assert stopped == (spread or after.leg - before.leg >= book.classification.leg_pain_rise)


def worse(before: SymptomCheck, after: SymptomCheck) -> bool:
    """Symptoms further down either leg, leg pain higher, or back pain higher than the morning before (back pain
    rising by less than 3 while leg pain falls is how centralizing looks, not getting worse)."""
    further = any(
        REACH_LEVELS.index(a) > REACH_LEVELS.index(b)
        for a, b in ((after.left_reach, before.left_reach), (after.right_reach, before.right_reach))
    )
    back_up = after.back > before.back and (after.leg >= before.leg or after.back - before.back >= 3)
    return further or after.leg > before.leg or back_up


@FAST
@given(plan=start_plans(), steps=histories())
def test_a_day_worse_than_the_day_before_never_increases_a_dose(book: RuleBook, library: Library, plan, steps) -> None:  # type: ignore[no-untyped-def]
    last: SymptomCheck | None = None
    worse_day = False
    for step in steps:
        if isinstance(step, MorningEvent):
            worse_day = last is not None and worse(last, step.check.symptoms)
            last = step.check.symptoms
        plan, changes = run(plan, [step], book, library)
        if not worse_day:
            continue
        assert not plan.offers
        for change in changes:
            assert change.action != "accept-offer"
            if change.before is not None and change.after is not None:
                same = change.before.exercise_id == change.after.exercise_id
                assert not same or change.after.reps <= change.before.reps, change


@st.composite
def daily_histories(draw: st.DrawFn) -> list[Event]:
    """One morning a day (each often worse than the one before), with sessions of any exercise in between."""
    events: list[Event] = []
    now = draw(symptoms)
    for day in range(draw(st.integers(min_value=4, max_value=12))):
        at = T0 + timedelta(days=day)
        if draw(st.booleans()):  # a worse morning
            left = REACH_LEVELS[min(4, REACH_LEVELS.index(now.left_reach) + draw(st.integers(0, 1)))]
            now = SymptomCheck(
                min(10, now.back + draw(st.integers(0, 2))),
                min(10, now.leg + draw(st.integers(0, 2))),
                left,
                now.right_reach,
            )
        else:
            now = draw(symptoms)
        events.append(MorningEvent(at, MorningCheck(now, draw(st.booleans()), draw(st.booleans()))))
        for minute in range(draw(st.integers(min_value=0, max_value=3))):
            before, after = draw(st.none() | symptoms), draw(symptoms)
            events.append(
                ExerciseOutcome(
                    at + timedelta(hours=2, minutes=minute), draw(st.sampled_from(EXERCISES)), before, after
                )
            )
    return events


@FAST
@given(plan=start_plans(), events=daily_histories())
def test_three_worse_mornings_in_a_row_always_reach_contact_clinician(
    book: RuleBook, library: Library, plan, events
) -> None:  # type: ignore[no-untyped-def]
    levels: list[tuple[bool, int]] = []  # per morning: worse than the one before?, highest advice level that day
    last: SymptomCheck | None = None
    for event in events:
        result = adapt(plan, [event], book, library)
        plan = result.plan
        assert result.advice is not None
        if isinstance(event, MorningEvent):
            levels.append((last is not None and worse(last, event.check.symptoms), result.advice.rank))
            last = event.check.symptoms
        else:
            levels[-1] = (levels[-1][0], max(levels[-1][1], result.advice.rank))
        if any(n.id == "paused-reminder" for n in plan.notes):
            assert plan.reviews
    contact = ADVICE_LEVELS.index("contact-clinician")
    for start in range(len(levels) - 2):
        run_of_three = levels[start : start + 3]
        if all(was_worse for was_worse, _ in run_of_three):
            assert max(level for _, level in run_of_three) >= contact, levels


@FAST
@given(plan=start_plans(), events=daily_histories())
def test_advice_is_never_carry_on_on_a_worse_morning(book: RuleBook, library: Library, plan, events) -> None:  # type: ignore[no-untyped-def]
    last: SymptomCheck | None = None
    for event in events:
        result = adapt(plan, [event], book, library)
        plan = result.plan
        if isinstance(event, MorningEvent):
            if last is not None and worse(last, event.check.symptoms):
                assert result.advice is not None and result.advice.level != "continue"
            last = event.check.symptoms
