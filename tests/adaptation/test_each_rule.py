"""One test per rule in rules.yaml: the scenario that fires it, what it does to the plan, and the reason shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adaptation.helpers import T0, morning, outcome, plan_with, s
from sciatica_coach.domain.adaptation import (
    AdaptivePlan,
    OfferError,
    RuleBook,
    accept_offer,
    adapt,
    decline_offer,
)
from sciatica_coach.domain.content import Library
from sciatica_coach.web.plan_words import plan_view


def fired(rule_id: str) -> str:
    """Mark the rule a test is about (the last test checks every rule is marked somewhere)."""
    return rule_id


def reason_of(book: RuleBook, rule_id: str, **words: str) -> str:
    """The rule's reason with its placeholders filled, whitespace normalised (as the engine does)."""
    return " ".join(book.rule(rule_id).reason.format_map({"exercise": "", "to": "", "reps": "", **words}).split())


def test_press_ups_that_peripheralize_are_removed_and_flagged_for_review(library: Library, book: RuleBook) -> None:
    rule_id = fired("press-up-stop-on-spread")
    plan = plan_with(library, prone_press_up=7, hip_hinge=5)
    result = adapt(plan, [outcome("prone-press-up", s(2, 3, "thigh"), s(2, 3, "below-knee"))], book, library)
    assert result.plan.item("prone-press-up") is None
    assert [c.rule_id for c in result.changes] == [rule_id]
    change = result.changes[0]
    assert change.action == "remove" and change.after is None and change.before is not None
    assert change.reason == reason_of(book, rule_id)
    assert "taken press-ups out of your program" in change.reason
    assert "clinician" in change.reason
    assert [r.exercise_id for r in result.plan.reviews] == ["prone-press-up"]
    assert result.plan.reviews[0].at == T0.isoformat()


def test_press_ups_stop_when_leg_pain_rises_by_two_without_spreading(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, prone_press_up=5)
    result = adapt(plan, [outcome("prone-press-up", s(2, 3, "thigh"), s(2, 5, "thigh"))], book, library)
    assert result.plan.item("prone-press-up") is None
    small_rise = adapt(plan, [outcome("prone-press-up", s(2, 3, "thigh"), s(2, 4, "thigh"))], book, library)
    assert small_rise.plan.item("prone-press-up") is not None and not small_rise.changes


@pytest.mark.parametrize(
    ("before", "after"),
    [(s(2, 3, "thigh"), s(2, 3, "below-knee")), (s(2, 3, "thigh"), s(2, 5, "thigh"))],
    ids=["spread", "leg-pain-up-2"],
)
def test_straight_glide_that_spreads_switches_to_bent_knee(library: Library, book: RuleBook, before, after) -> None:  # type: ignore[no-untyped-def]
    rule_id = fired("nerve-glide-to-bent-knee")
    plan = plan_with(library, nerve_glide=8, hip_hinge=5)
    result = adapt(plan, [outcome("nerve-glide", before, after)], book, library)
    items = result.plan.prescription.items
    assert [i.exercise_id for i in items] == ["nerve-glide-bent-knee", "hip-hinge"]  # in place, order kept
    assert items[0].reps == 6 and items[0].sides == ("left", "right")
    (change,) = result.changes
    assert change.rule_id == rule_id and change.action == "switch"
    assert change.reason == reason_of(book, rule_id, to="sciatic nerve glide, bent knee", reps="6")
    assert "switched you to the sciatic nerve glide, bent knee" in change.reason and "6 per leg" in change.reason


def test_bent_knee_switch_never_goes_below_the_minimum(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, nerve_glide=5)
    result = adapt(plan, [outcome("nerve-glide", s(2, 3, "thigh"), s(2, 3, "foot"))], book, library)
    minimum = library.exercise("nerve-glide-bent-knee").dosage.reps.min
    assert result.plan.prescription.items[0].reps == minimum
    assert f"{minimum:g} per leg" in result.changes[0].reason


def test_bent_knee_that_spreads_first_makes_the_movement_smaller(library: Library, book: RuleBook) -> None:
    rule_id = fired("nerve-glide-bent-knee-smaller")
    plan = plan_with(library, nerve_glide_bent_knee=8)
    result = adapt(plan, [outcome("nerve-glide-bent-knee", s(1, 2, "buttock"), s(1, 4, "buttock"))], book, library)
    assert result.plan.prescription.items[0].reps == 8  # the range comes down before the reps
    assert "lift the leg less far" in result.plan.range_notes["nerve-glide-bent-knee"]
    (change,) = result.changes
    assert change.rule_id == rule_id and change.action == "regress"
    assert change.reason == reason_of(book, rule_id, reps="8")
    assert "Make the movement smaller" in change.reason and "stay at 8 per leg" in change.reason
    assert result.advice is not None and result.advice.level == "ease-off"


def test_bent_knee_that_spreads_a_second_time_is_paused_for_review(library: Library, book: RuleBook) -> None:
    rule_id = fired("nerve-glide-bent-knee-pause")
    plan = plan_with(library, nerve_glide_bent_knee=5, prone_press_up=5)
    spread = outcome("nerve-glide-bent-knee", s(1, 2, "buttock"), s(1, 2, "thigh"))
    first = adapt(plan, [spread], book, library)
    assert first.plan.item("nerve-glide-bent-knee") is not None
    later = outcome("nerve-glide-bent-knee", s(1, 2, "buttock"), s(1, 4, "buttock"), minutes=60 * 24 * 10)
    result = adapt(first.plan, [later], book, library)
    assert result.plan.item("nerve-glide-bent-knee") is None
    (change,) = result.changes
    assert change.rule_id == rule_id and change.action == "remove"
    assert change.reason == reason_of(book, rule_id)
    assert "paused nerve glides" in change.reason
    (review,) = result.plan.reviews
    assert (review.rule_id, review.status, review.reps) == (rule_id, "paused", 5)
    assert result.advice is not None and result.advice.level == "contact-clinician"
    assert "paused-for-review" in result.advice.reasons


def test_hip_hinge_that_spreads_is_made_smaller(library: Library, book: RuleBook) -> None:
    rule_id = fired("hip-hinge-smaller")
    plan = plan_with(library, hip_hinge=8)
    result = adapt(plan, [outcome("hip-hinge", s(2, 2, "thigh"), s(2, 2, "below-knee"))], book, library)
    assert result.plan.prescription.items[0].reps == 6
    assert "Hinge less deeply" in result.plan.range_notes["hip-hinge"]
    (shown,) = plan_view(result.plan, library)["items"]  # the plan page and /api/plan show the smaller range
    assert shown["range_note"] is not None and "Hinge less deeply" in shown["range_note"]
    (change,) = result.changes
    assert change.rule_id == rule_id and change.reason == reason_of(book, rule_id, reps="6")
    assert "We have made them smaller: 6 hinges" in change.reason


def test_hip_hinge_that_spreads_again_is_paused_for_review(library: Library, book: RuleBook) -> None:
    rule_id = fired("hip-hinge-pause")
    plan = plan_with(library, hip_hinge=8)
    first = adapt(plan, [outcome("hip-hinge", s(2, 2, "thigh"), s(2, 5, "thigh"))], book, library)  # leg +3
    later = outcome("hip-hinge", s(2, 2, "thigh"), s(2, 4, "thigh"), minutes=60 * 24 * 9)
    result = adapt(first.plan, [later], book, library)
    assert result.plan.item("hip-hinge") is None
    assert [c.rule_id for c in result.changes] == [rule_id]
    assert result.changes[0].reason == reason_of(book, rule_id)
    assert [(r.exercise_id, r.status) for r in result.plan.reviews] == [("hip-hinge", "paused")]


def _tolerated(count: int, start: int = 0, same_day: bool = False) -> list:  # type: ignore[type-arg]
    """Green-light bent-knee sessions, one a day (or all on one day)."""
    step = 1 if same_day else 60 * 24
    return [
        outcome("nerve-glide-bent-knee", s(2, 2, "thigh"), s(2, 2, "thigh"), minutes=start + n * step)
        for n in range(count)
    ]


def test_green_bent_knee_sessions_on_three_days_offer_the_straight_leg(library: Library, book: RuleBook) -> None:
    rule_id = fired("nerve-glide-offer-straight-leg")
    plan = plan_with(library, nerve_glide_bent_knee=7)
    two = adapt(plan, _tolerated(2), book, library)
    assert not two.plan.offers and not two.changes
    one_day = adapt(plan, _tolerated(5, same_day=True), book, library)
    assert not one_day.plan.offers  # 3 different days are needed, not 3 sessions
    three = adapt(plan, _tolerated(3), book, library)
    (offer,) = three.plan.offers
    assert offer.to == "nerve-glide" and offer.reps == library.exercise("nerve-glide").dosage.reps.min
    (change,) = three.changes
    assert change.rule_id == rule_id and change.action == "offer-switch"
    assert change.reason == reason_of(book, rule_id, reps="5") == offer.reason
    assert "on 3 different days, with no worse morning in between" in change.reason
    assert three.plan.prescription == plan.prescription  # an offer changes nothing by itself
    more = adapt(three.plan, _tolerated(3, start=60 * 24 * 5), book, library)
    assert len(more.plan.offers) == 1 and not more.changes  # never offered twice


def test_a_spread_restarts_the_count_toward_the_offer(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, nerve_glide_bent_knee=8)
    events = [
        *_tolerated(2),
        outcome("nerve-glide-bent-knee", s(2, 2, "thigh"), s(2, 2, "below-knee"), minutes=60 * 24 * 2),
        *_tolerated(2, start=60 * 24 * 3),
    ]
    assert not adapt(plan, events, book, library).plan.offers


def test_a_worse_morning_in_between_restarts_the_count_toward_the_offer(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, nerve_glide_bent_knee=8)
    first, second, third = _tolerated(3)
    mornings = [morning(s(2, 2, "thigh"), hours=12), morning(s(2, 3, "thigh"), hours=36)]  # leg pain up 1
    events = [first, mornings[0], second, mornings[1], third]
    assert not adapt(plan, events, book, library).plan.offers
    steady = [first, mornings[0], second, morning(s(2, 2, "thigh"), hours=36), third]
    assert adapt(plan, steady, book, library).plan.offers


def test_no_offer_on_a_day_symptoms_spread(library: Library, book: RuleBook) -> None:
    plan = adapt(plan_with(library, nerve_glide_bent_knee=8, hip_hinge=6), _tolerated(2), book, library).plan
    spread = outcome("hip-hinge", s(2, 2, "thigh"), s(2, 2, "foot"), minutes=60 * 24 * 2)
    third = outcome("nerve-glide-bent-knee", s(2, 2, "thigh"), s(2, 2, "thigh"), minutes=60 * 24 * 2 + 5)
    assert not adapt(plan, [spread, third], book, library).plan.offers


def test_accepting_the_offer_switches_to_the_straight_leg(library: Library, book: RuleBook) -> None:
    rule_id = "nerve-glide-offer-straight-leg"
    offered = adapt(plan_with(library, nerve_glide_bent_knee=7), _tolerated(3), book, library).plan
    result = accept_offer(offered, rule_id, book, library, T0)
    item = result.plan.prescription.items[0]
    assert (item.exercise_id, item.reps) == ("nerve-glide", 5)
    assert not result.plan.offers
    (change,) = result.changes
    assert change.action == "accept-offer"
    assert change.reason == " ".join(book.rule(rule_id).action.accepted.format(reps="5").split())
    with pytest.raises(OfferError, match="no open offer"):
        accept_offer(result.plan, rule_id, book, library, T0)


def test_declining_the_offer_keeps_the_bent_knee_and_asks_again_later(library: Library, book: RuleBook) -> None:
    rule_id = "nerve-glide-offer-straight-leg"
    offered = adapt(plan_with(library, nerve_glide_bent_knee=7), _tolerated(3), book, library).plan
    result = decline_offer(offered, rule_id, book, library, T0)
    assert result.plan.prescription == offered.prescription and not result.plan.offers
    assert result.changes[0].action == "decline-offer"
    assert "stay with the bent-knee glide" in result.changes[0].reason
    later = 60 * 24 * 4
    assert not adapt(result.plan, _tolerated(2, start=later), book, library).plan.offers
    assert adapt(result.plan, _tolerated(3, start=later), book, library).plan.offers


def test_too_much_pain_during_an_exercise_steps_down_one_at_the_next_morning(library: Library, book: RuleBook) -> None:
    rule_id = fired("traffic-light-step-down")
    plan = adapt(plan_with(library, hip_hinge=7), [morning(s(2, 3, "thigh"), hours=-2)], book, library).plan
    during = adapt(plan, [outcome("hip-hinge", s(2, 3, "thigh"), s(6, 3, "thigh"))], book, library)
    assert during.plan.prescription == plan.prescription and not during.changes  # the morning decides
    result = adapt(during.plan, [morning(s(2, 3, "thigh"))], book, library)
    assert result.plan.prescription.items[0].reps == 6
    (change,) = result.changes
    assert change.rule_id == rule_id and change.reason == reason_of(book, rule_id, exercise="hip hinge", reps="6")
    assert "Pain during the hip hinge went above 5" in change.reason


def test_a_worse_morning_steps_down_what_was_done_the_day_before(library: Library, book: RuleBook) -> None:
    rule_id = fired("morning-worse-step-down")
    plan = plan_with(library, nerve_glide=6, hip_hinge=7)
    events = [
        morning(s(2, 3, "thigh"), hours=-2),
        outcome("hip-hinge", s(2, 3, "thigh"), s(6, 3, "thigh")),  # red as well: the worse morning is named first
        morning(s(2, 3, "thigh", "buttock")),  # the right leg starts: spread
    ]
    result = adapt(plan, events, book, library)
    assert [i.reps for i in result.plan.prescription.items] == [6, 6]  # the glide was not done: left alone
    (change,) = result.changes
    assert change.rule_id == rule_id and change.reason == reason_of(book, rule_id, exercise="hip hinge", reps="6")
    assert "This morning you were worse than the morning before" in change.reason
    assert result.advice is not None and result.advice.level == "ease-off"
    assert "worse-morning" in result.advice.reasons
    calm = adapt(plan, [*events[:2], morning(s(2, 4, "thigh"))], book, library)  # leg up by 1 only: not worse
    assert calm.changes[0].rule_id == "traffic-light-step-down"


def test_stopping_for_pain_counts_as_red(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, hip_hinge=7)
    events = [outcome("hip-hinge", s(2, 2), None, stopped=True), morning(s(2, 2))]
    assert adapt(plan, events, book, library).plan.prescription.items[0].reps == 6


def test_press_ups_that_centralize_progress_toward_ten(library: Library, book: RuleBook) -> None:
    rule_id = fired("press-up-progress")
    plan = plan_with(library, prone_press_up=9)
    events = [outcome("prone-press-up", s(2, 4, "thigh"), s(3, 4, "buttock")), morning(s(3, 4, "buttock"))]
    result = adapt(plan, events, book, library)
    assert result.plan.prescription.items[0].reps == 10
    (change,) = result.changes
    assert change.rule_id == rule_id and change.reason == reason_of(book, rule_id, reps="10")
    assert "building toward 10 small press-ups spread over about 5 minutes" in change.reason
    again = adapt(result.plan, [*events[:1], morning(s(3, 4, "buttock"), hours=46)], book, library)
    assert again.plan.prescription.items[0].reps == 10 and not again.changes  # never past the content's maximum


def test_press_ups_with_less_leg_pain_progress_even_with_amber_pain(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, prone_press_up=5)
    events = [outcome("prone-press-up", s(4, 5), s(4, 4)), morning(s(4, 5))]
    assert adapt(plan, events, book, library).plan.prescription.items[0].reps == 6


def test_press_ups_that_change_nothing_are_held(library: Library, book: RuleBook) -> None:
    rule_id = fired("press-up-hold")
    plan = plan_with(library, prone_press_up=6)
    result = adapt(plan, [outcome("prone-press-up", s(1, 1), s(1, 1)), morning(s(1, 1))], book, library)
    assert result.plan.prescription == plan.prescription and not result.changes
    (hold,) = result.holds
    assert hold.rule_id == rule_id and hold.action == "hold"
    assert hold.reason == reason_of(book, rule_id, reps="6")
    assert "keeping them at 6 for now" in hold.reason


def test_acceptable_pain_holds(library: Library, book: RuleBook) -> None:
    rule_id = fired("traffic-light-hold")
    plan = plan_with(library, hip_hinge=6)
    result = adapt(plan, [outcome("hip-hinge", s(4, 2), s(4, 2)), morning(s(3, 2))], book, library)
    assert result.plan.prescription == plan.prescription and not result.changes
    (hold,) = result.holds
    assert hold.rule_id == rule_id
    assert hold.reason == reason_of(book, rule_id, exercise="hip hinge", reps="6")
    assert "Pain during the hip hinge was acceptable (4 to 5)" in hold.reason


def test_low_pain_progresses_by_one(library: Library, book: RuleBook) -> None:
    rule_id = fired("traffic-light-progress")
    plan = plan_with(library, nerve_glide=6, hip_hinge=9)
    events = [
        outcome("nerve-glide", s(1, 2, "thigh"), s(1, 2, "thigh")),
        outcome("hip-hinge", s(1, 2, "thigh"), s(1, 3, "thigh"), minutes=5),
        morning(s(1, 2, "thigh")),
    ]
    result = adapt(plan, events, book, library)
    assert [i.reps for i in result.plan.prescription.items] == [7, 10]
    assert [c.rule_id for c in result.changes] == [rule_id, rule_id]
    assert result.changes[0].reason == reason_of(book, rule_id, exercise="sciatic nerve glide", reps="7")
    assert "stayed low (3 or less)" in result.changes[1].reason and "to 10." in result.changes[1].reason


def test_exercises_not_done_since_the_last_morning_are_left_alone(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, nerve_glide=6, hip_hinge=6)
    events = [outcome("hip-hinge", s(1, 1), s(1, 1)), morning(s(1, 1))]
    assert [i.reps for i in adapt(plan, events, book, library).plan.prescription.items] == [6, 7]


def test_outcomes_of_exercises_no_longer_in_the_plan_are_ignored(library: Library, book: RuleBook) -> None:
    plan = plan_with(library, hip_hinge=6)
    result = adapt(plan, [outcome("prone-press-up", s(1, 1, "thigh"), s(1, 1, "foot"))], book, library)
    assert result.plan.prescription == plan.prescription and not result.changes and not result.plan.window


def test_every_rule_in_the_file_has_a_test_above(book: RuleBook) -> None:
    texts = [path.read_text() for path in Path(__file__).parent.glob("test_*.py")]
    covered = {rule for text in texts for rule in re.findall(r'fired\("([a-z0-9-]+)"\)', text)}
    assert covered == {rule.id for rule in book.rules}


def test_start_is_the_default_program(library: Library) -> None:
    plan = AdaptivePlan.start(library)
    assert [i.exercise_id for i in plan.prescription.items] == [i.exercise for i in library.program.items]
