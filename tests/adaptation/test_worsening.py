"""Getting worse always escalates, nothing is built up while symptoms are unsettled, time-based review, and the
advice each event leaves (one test per rule and per escalation, with the words shown)."""

from __future__ import annotations

from collections.abc import Sequence

from adaptation.helpers import at_day, day_morning, day_outcome, plan_with, s
from sciatica_coach.domain.adaptation import (
    Adaptation,
    AdaptivePlan,
    Event,
    RuleBook,
    SbiEvent,
    adapt,
    advice_of,
    screening_advice,
    worst,
)
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.screening import ScreeningResult


def fired(rule_id: str) -> str:
    """Mark the rule a test is about (test_each_rule checks every rule is marked somewhere)."""
    return rule_id


def reason_of(book: RuleBook, rule_id: str, **words: str) -> str:
    return " ".join(book.rule(rule_id).reason.format_map({"exercise": "", "to": "", "reps": "", **words}).split())


def run_days(plan: AdaptivePlan, events: Sequence[Event], book: RuleBook, library: Library) -> list[Adaptation]:
    """Feed events one at a time (as storage does), keeping each result."""
    results = []
    for event in events:
        result = adapt(plan, [event], book, library)
        results.append(result)
        plan = result.plan
    return results


def glide_day(day: int, back: int, leg: int, reach: str = "thigh") -> list[Event]:
    """A morning, then a calm hip hinge later that day."""
    return [
        day_morning(day, s(back, leg, reach)),
        day_outcome(day, "hip-hinge", s(back, leg, reach), s(back, leg, reach)),
    ]


def reps_of(plan: AdaptivePlan) -> dict[str, int]:
    return {item.exercise_id: item.reps for item in plan.prescription.items}


def test_two_worse_mornings_running_stop_the_exercises_and_say_contact_your_clinician(
    library: Library, book: RuleBook
) -> None:
    rule_id = fired("worsening-stop")
    plan = plan_with(library, hip_hinge=7, prone_press_up=6)
    events = [
        day_morning(0, s(2, 2, "thigh")),
        day_outcome(0, "hip-hinge", s(2, 2, "thigh"), s(2, 2, "thigh")),
        day_morning(1, s(2, 2, "below-knee")),  # worse: spread
        day_outcome(1, "hip-hinge", s(2, 2, "below-knee"), s(2, 2, "below-knee")),
        day_morning(2, s(2, 4, "below-knee")),  # worse again: leg pain up 2
    ]
    results = run_days(plan, events, book, library)
    first_worse, second_worse = results[2], results[4]
    assert first_worse.advice is not None and first_worse.advice.level == "ease-off"
    assert reps_of(first_worse.plan) == {"hip-hinge": 6, "prone-press-up": 6}  # eased off, not stopped yet
    final = second_worse.plan
    assert final.item("hip-hinge") is None and final.item("prone-press-up") is not None  # only what was done
    (change,) = second_worse.changes
    assert change.rule_id == rule_id and change.action == "stop"
    assert change.reason == reason_of(book, rule_id, exercise="hip hinge")
    assert [(r.exercise_id, r.status, r.reps) for r in final.reviews] == [("hip-hinge", "stopped", 6)]
    advice = second_worse.advice
    assert advice is not None and advice.level == "contact-clinician"
    assert advice.text.startswith(book.why["worse-mornings"])
    assert "within the next day or two" in advice.text and "today" not in advice.text
    assert "Carry on" not in advice.text


def test_with_nerve_signs_the_clinician_is_contacted_today(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, hip_hinge=7)
    events = [
        day_morning(0, s(2, 2, "thigh"), numbness=True),
        day_outcome(0, "hip-hinge", s(2, 2, "thigh"), s(2, 2, "thigh")),
        day_morning(1, s(2, 4, "thigh"), numbness=True),
        day_outcome(1, "hip-hinge", s(2, 4, "thigh"), s(2, 4, "thigh")),
        day_morning(2, s(2, 6, "thigh"), numbness=True),
    ]
    advice = run_days(plan, events, book, library)[-1].advice
    assert advice is not None and advice.level == "contact-clinician" and advice.reasons == ("worsening-nerve-signs",)
    assert "contact your clinician today" in advice.text


def test_a_worse_morning_at_the_minimum_dose_stops_that_exercise(library: Library, book: RuleBook) -> None:
    rule_id = fired("worse-at-minimum-stop")
    plan = plan_with(library, hip_hinge=5, prone_press_up=7)
    events = [
        day_morning(0, s(2, 2, "thigh")),
        day_outcome(0, "hip-hinge", s(2, 2, "thigh"), s(2, 2, "thigh")),
        day_outcome(0, "prone-press-up", s(2, 2, "thigh"), s(2, 2, "thigh")),
        day_morning(1, s(2, 2, "foot")),
    ]
    result = run_days(plan, events, book, library)[-1]
    assert reps_of(result.plan) == {"prone-press-up": 6}  # above its minimum: eased off
    assert [c.rule_id for c in result.changes] == [rule_id, "morning-worse-step-down"]
    assert result.changes[0].reason == reason_of(book, rule_id, exercise="hip hinge", reps="5")
    assert result.advice is not None and result.advice.level == "contact-clinician"
    assert book.why["worse-at-minimum"] in result.advice.text


def test_spreading_on_two_days_within_a_week_escalates(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, prone_press_up=6, hip_hinge=6)
    events = [
        day_morning(0, s(2, 2, "thigh")),
        day_morning(1, s(2, 2, "below-knee")),  # spread overnight
        day_outcome(1, "hip-hinge", s(2, 2, "thigh"), s(2, 2, "thigh")),
        day_morning(2, s(2, 2, "thigh")),
        day_outcome(4, "prone-press-up", s(2, 2, "thigh"), s(2, 2, "thigh")),
        day_morning(5, s(2, 2, "below-knee")),  # spread again, 4 days later
    ]
    result = run_days(plan, events, book, library)[-1]
    assert result.advice is not None and result.advice.level == "contact-clinician"
    assert book.why["spreading"] in result.advice.text
    assert result.plan.item("prone-press-up") is None  # done since the last settled morning: stopped
    assert result.plan.item("hip-hinge") is not None  # done before that settled morning: left alone
    far_apart = [
        *events[:4],
        day_outcome(9, "prone-press-up", s(2, 2), s(2, 2)),
        day_morning(10, s(2, 2, "below-knee")),
    ]
    assert run_days(plan, far_apart, book, library)[-1].advice.level != "contact-clinician"  # type: ignore[union-attr]


def test_a_spread_during_an_exercise_after_another_this_week_stops_it_at_once(library: Library, book: RuleBook) -> None:
    rule_id = fired("worsening-stop-after-exercise")
    plan = plan_with(library, prone_press_up=6, nerve_glide=6)
    events = [
        day_morning(0, s(2, 2, "thigh")),
        day_morning(1, s(2, 2, "below-knee")),  # a day with spreading
        day_outcome(3, "nerve-glide", s(2, 2, "thigh"), s(2, 2, "foot")),  # spreads again
    ]
    result = run_days(plan, events, book, library)[-1]
    assert result.plan.item("nerve-glide") is None and result.plan.item("nerve-glide-bent-knee") is None
    (change,) = result.changes
    assert change.rule_id == rule_id and change.reason == reason_of(book, rule_id, exercise="sciatic nerve glide")
    assert result.advice is not None and result.advice.level == "contact-clinician"


def test_leg_pain_up_three_over_a_week_escalates_and_creeping_never_progresses(
    library: Library, book: RuleBook
) -> None:
    plan = plan_with(library, hip_hinge=6)
    events = [e for day, leg in enumerate((1, 2, 3, 4)) for e in glide_day(day, 2, leg)]
    results = run_days(plan, events, book, library)
    assert all(c.action not in ("change-reps",) or c.after.reps < c.before.reps for r in results for c in r.changes)  # type: ignore[union-attr]
    mornings = results[2::2]
    assert [r.advice.level for r in mornings] == ["ease-off", "ease-off", "contact-clinician"]  # type: ignore[union-attr]
    assert book.why["week-rise"] in mornings[-1].advice.text  # type: ignore[union-attr]
    assert results[-1].plan.item("hip-hinge") is None  # stopped on day 3


def test_three_mornings_of_any_rise_escalate(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, hip_hinge=6)
    events = [e for day, (back, leg) in enumerate(((2, 2), (3, 2), (3, 3), (4, 3))) for e in glide_day(day, back, leg)]
    advice = run_days(plan, events, book, library)[-2].advice
    assert advice is not None and advice.level == "contact-clinician"
    assert book.why["rising-mornings"] in advice.text


def test_back_pain_jumping_overnight_never_progresses(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, hip_hinge=6, prone_press_up=6)
    events = [
        day_morning(0, s(2, 2)),
        day_outcome(0, "hip-hinge", s(2, 2), s(1, 1)),  # green, less pain: would progress
        day_outcome(0, "prone-press-up", s(2, 3), s(3, 1)),  # centralizing: would progress
        day_morning(1, s(9, 2)),
    ]
    result = run_days(plan, events, book, library)[-1]
    assert reps_of(result.plan) == {}  # up by 3 or more within the week: stopped, not built up
    assert result.advice is not None and result.advice.level == "contact-clinician"
    assert book.why["week-rise"] in result.advice.text
    smaller = run_days(plan, [*events[:3], day_morning(1, s(4, 2))], book, library)[-1]  # back pain up 2
    assert reps_of(smaller.plan) == {"hip-hinge": 5, "prone-press-up": 5}  # a worse morning: eased off
    assert smaller.advice is not None and smaller.advice.level == "ease-off"


def test_an_unsettled_morning_holds_what_would_have_progressed(library: Library, book: RuleBook) -> None:
    rule_id = fired("unsettled-hold")
    plan = plan_with(library, hip_hinge=6)
    events = [day_morning(0, s(2, 2)), day_outcome(0, "hip-hinge", s(2, 2), s(2, 2)), day_morning(1, s(2, 3))]
    result = run_days(plan, events, book, library)[-1]
    assert reps_of(result.plan) == {"hip-hinge": 6} and not result.changes
    (hold,) = result.holds
    assert hold.rule_id == rule_id and hold.reason == reason_of(book, rule_id, exercise="hip hinge", reps="6")
    assert result.advice is not None and result.advice.level == "ease-off" and "rising" in result.advice.reasons
    steady = run_days(plan, [*events[:2], day_morning(1, s(2, 2))], book, library)[-1]
    assert reps_of(steady.plan) == {"hip-hinge": 7}  # the same day settled: built up
    assert steady.advice is not None and steady.advice.level == "continue"


def test_any_spread_since_the_last_morning_blocks_every_step_up(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, hip_hinge=6, prone_press_up=6)
    events = [
        day_morning(0, s(2, 2, "thigh")),
        day_outcome(0, "hip-hinge", s(2, 2, "thigh"), s(2, 2, "thigh")),  # green: would progress
        day_outcome(0, "prone-press-up", s(2, 2, "thigh"), s(2, 2, "below-knee")),  # spread: removed
        day_morning(1, s(2, 2, "thigh")),
    ]
    result = run_days(plan, events, book, library)[-1]
    assert reps_of(result.plan) == {"hip-hinge": 6}
    assert [h.rule_id for h in result.holds] == ["unsettled-hold"]


def test_nerve_signs_block_progression_and_new_ones_say_contact_today(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, hip_hinge=6)
    events = [
        day_morning(0, s(2, 2)),
        day_outcome(0, "hip-hinge", s(2, 2), s(2, 2)),
        day_morning(1, s(2, 2), weakness=True),
        day_outcome(1, "hip-hinge", s(2, 2), s(2, 2)),
        day_morning(2, s(2, 2), weakness=True),
    ]
    results = run_days(plan, events, book, library)
    assert reps_of(results[-1].plan) == {"hip-hinge": 6}
    new, still = results[2].advice, results[4].advice
    assert new is not None and new.level == "contact-clinician" and new.reasons == ("new-nerve-signs",)
    assert "contact them today" in new.text
    assert still is not None and still.reasons == ("nerve-signs-hold",)
    assert "While your leg feels weak, nothing in your program is built up." in still.text


def test_numbness_that_has_been_there_all_along_does_not_hold_the_program_back(
    library: Library, book: RuleBook
) -> None:
    plan = plan_with(library, hip_hinge=6)
    events = [
        day_morning(0, s(2, 2), numbness=True),
        day_outcome(0, "hip-hinge", s(2, 2), s(2, 2)),
        day_morning(1, s(2, 2), numbness=True),
    ]
    result = run_days(plan, events, book, library)[-1]
    assert reps_of(result.plan) == {"hip-hinge": 7}
    assert result.advice is not None and result.advice.reasons == ("nerve-signs-hold",)
    new = run_days(plan, [*events[:2], day_morning(1, s(2, 2), numbness=True, weakness=True)], book, library)[-1]
    assert reps_of(new.plan) == {"hip-hinge": 6} and new.advice is not None and new.advice.level == "contact-clinician"


def test_the_days_advice_never_drops_to_carry_on_after_a_worse_morning(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, hip_hinge=7)
    events = [
        day_morning(0, s(2, 2, "thigh")),
        day_outcome(0, "hip-hinge", s(2, 2, "thigh"), s(2, 2, "thigh")),
        day_morning(1, s(2, 2, "foot")),
        day_outcome(1, "hip-hinge", s(1, 1, "foot"), s(1, 1, "foot")),  # a calm session on the worse day
    ]
    advice = run_days(plan, events, book, library)[-1].advice
    assert advice is not None and advice.level == "ease-off" and "Carry on" not in advice.text


def test_a_calm_day_says_carry_on(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, hip_hinge=6)
    result = run_days(plan, glide_day(0, 2, 2) + glide_day(1, 2, 2), book, library)[-1]
    assert result.advice == advice_of((), book)
    assert result.advice is not None and result.advice.text == " ".join(book.advice["continue"].text.split())


def test_no_improvement_after_six_weeks_says_book_a_review(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, hip_hinge=6)
    start = [day_morning(0, s(2, 5)), SbiEvent(at_day(0, 9), 12)]
    improved = run_days(plan, [*start, day_morning(42, s(2, 3)), SbiEvent(at_day(42, 9), 8)], book, library)[-1]
    assert improved.advice is not None and "no-improvement" not in improved.advice.reasons
    early = run_days(plan, [*start, day_morning(41, s(2, 5))], book, library)[-1]
    assert early.advice is not None and "no-improvement" not in early.advice.reasons
    stuck = run_days(plan, [*start, day_morning(42, s(2, 4)), SbiEvent(at_day(42, 9), 8)], book, library)[-1]
    assert stuck.advice is not None and stuck.advice.level == "contact-clinician"
    assert stuck.advice.reasons == ("no-improvement",) and "6 weeks" in stuck.advice.text
    sbi_stuck = run_days(plan, [*start, day_morning(42, s(2, 2)), SbiEvent(at_day(42, 9), 11)], book, library)[-1]
    assert sbi_stuck.advice is not None and sbi_stuck.advice.reasons == ("no-improvement",)


def test_a_review_flag_open_for_a_week_says_book_the_review(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, prone_press_up=6, hip_hinge=6)
    spread = day_outcome(0, "prone-press-up", s(2, 2, "thigh"), s(2, 2, "foot"))
    paused = run_days(plan, [day_morning(0, s(2, 2, "thigh")), spread], book, library)[-1]
    assert paused.advice is not None and paused.advice.level == "contact-clinician"
    calm = [e for day in (1, 2, 3, 4, 5, 6, 7) for e in glide_day(day, 2, 2)]
    results = run_days(paused.plan, calm, book, library)
    by_day = {r.plan.mornings[-1].at[:10]: r.advice for r in results}
    assert by_day[at_day(3).date().isoformat()].reasons == ("paused-reminder",)  # type: ignore[union-attr]
    assert "leave out the prone press-up" in by_day[at_day(3).date().isoformat()].text  # type: ignore[union-attr]
    overdue = by_day[at_day(7).date().isoformat()]
    assert overdue is not None and overdue.level == "contact-clinician" and overdue.reasons == ("review-overdue",)
    assert "It is 7 days or more since the prone press-up came out of your program" in overdue.text


def test_red_flags_give_urgent_or_emergency_advice_that_wins() -> None:
    assert screening_advice(ScreeningResult(red_flag=False, emergency=False)) is None
    urgent = screening_advice(ScreeningResult(True, False, ["fever"], "See a doctor today."))
    emergency = screening_advice(ScreeningResult(True, True, ["saddle-numbness"], "Get emergency help now."))
    assert urgent is not None and (urgent.level, urgent.text) == ("urgent", "See a doctor today.")
    assert emergency is not None and emergency.level == "emergency"
    assert worst([urgent, emergency]) == emergency


def test_saved_states_from_before_these_rules_still_load(library: Library, book: RuleBook) -> None:
    old = {
        "version": 1,
        "prescription": plan_with(library, hip_hinge=6).prescription.to_dict(),
        "streaks": {"hip-hinge": 2},
        "window": {"hip-hinge": [{"light": "green", "effect": "unchanged", "less_pain": False}]},
        "last_morning": {"back": 2, "leg": 2, "left_reach": "thigh", "right_reach": "none"},
        "offers": [],
        "reviews": [
            {
                "rule_id": "press-up-stop-on-spread",
                "exercise_id": "prone-press-up",
                "reason": "x",
                "at": "2025-03-06T09:00:00+00:00",
            }
        ],
    }
    plan = AdaptivePlan.from_dict(old)
    assert plan.reviews[0].status == "paused" and plan.settled and not plan.mornings
    result = adapt(plan, [day_morning(5, s(2, 2, "thigh"))], book, library)
    assert reps_of(result.plan) == {"hip-hinge": 7}
    assert AdaptivePlan.from_dict(result.plan.to_dict()) == result.plan


def test_back_pain_rising_while_leg_pain_falls_is_centralizing_not_worse(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, prone_press_up=6)
    days = [(2, 6, "below-knee"), (3, 5, "thigh"), (4, 4, "thigh"), (5, 3, "buttock")]
    events = []
    for day, (back, leg, reach) in enumerate(days):
        events += [
            day_morning(day, s(back, leg, reach)),
            day_outcome(day, "prone-press-up", s(back, leg, reach), s(back + 1, leg - 1, reach)),
        ]
    results = run_days(plan, events, book, library)
    assert all(r.advice is not None and r.advice.level == "continue" for r in results[::2])
    assert reps_of(results[-1].plan) == {"prone-press-up": 9}  # built up each settled morning
