"""The pure rule: every question must be answered, and any "yes" is a red flag that nothing can cancel."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sciatica_coach.domain.screening import (
    FORMS,
    FormName,
    MissingAnswers,
    RedFlags,
    all_no,
    evaluate,
    load_red_flags,
    nerve_signs_of,
)

CONTENT = load_red_flags()


@st.composite
def answer_sets(draw: st.DrawFn, with_yes: bool | None = None) -> tuple[FormName, dict[str, bool]]:
    """A form and a complete answer set for it; `with_yes` forces at least one yes (True) or none (False)."""
    form: FormName = draw(st.sampled_from(FORMS))
    ids = [item.id for item in CONTENT.questions(form)]
    if with_yes is False:
        return form, dict.fromkeys(ids, False)
    values = draw(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids)))
    answers = dict(zip(ids, values, strict=True))
    if with_yes and not any(values):
        answers[draw(st.sampled_from(ids))] = True
    return form, answers


@given(answer_sets(with_yes=True))
def test_any_yes_is_a_red_flag_whatever_the_other_answers(case: tuple[FormName, dict[str, bool]]) -> None:
    form, answers = case
    result = evaluate(answers, form, CONTENT)
    yes = [item.id for item in CONTENT.items if answers.get(item.id)]
    assert result.red_flag
    assert result.flags == yes
    assert result.emergency == any(CONTENT.item(flag).emergency for flag in yes)
    levels = {CONTENT.item(flag).level for flag in yes}
    expected = next(level for level in ("emergency", "today", "soon") if level in levels)
    assert result.level == expected and result.outcome == expected
    assert result.message == getattr(CONTENT.messages, expected).summary


@given(answer_sets(with_yes=False))
def test_all_no_is_never_a_red_flag(case: tuple[FormName, dict[str, bool]]) -> None:
    form, answers = case
    result = evaluate(answers, form, CONTENT)
    assert not result.red_flag and not result.emergency and result.flags == []
    assert result.message == CONTENT.messages.clear.summary
    assert result.outcome == "clear"


@given(answer_sets(), st.randoms(use_true_random=False))
def test_evaluate_is_deterministic_whatever_the_order_of_answers(
    case: tuple[FormName, dict[str, bool]], rng: random.Random
) -> None:
    form, answers = case
    shuffled = list(answers.items())
    rng.shuffle(shuffled)
    first = evaluate(answers, form, CONTENT)
    assert evaluate(dict(shuffled), form, CONTENT) == first
    assert evaluate(answers, form, CONTENT) == first


@given(answer_sets(with_yes=True), st.data())
def test_adding_more_no_answers_never_cancels_a_yes(
    case: tuple[FormName, dict[str, bool]], data: st.DataObject
) -> None:
    form, answers = case
    others = [item.id for item in CONTENT.items if item.id not in answers]
    extra = data.draw(st.lists(st.sampled_from(others), unique=True)) if others else []
    result = evaluate({**answers, **dict.fromkeys(extra, False)}, form, CONTENT)
    assert result.red_flag
    assert result.flags == evaluate(answers, form, CONTENT).flags


@pytest.mark.parametrize("form", FORMS)
def test_each_cauda_equina_yes_alone_is_an_emergency_with_emergency_wording(form: FormName) -> None:
    for item in CONTENT.questions(form):
        answers = {**all_no(form, CONTENT), item.id: True}
        result = evaluate(answers, form, CONTENT)
        assert result.red_flag and result.flags == [item.id]
        assert result.level == item.level and result.outcome == item.level
        if item.group == "cauda-equina":
            assert result.emergency
        if item.level == "emergency":
            assert "emergency department" in result.message.lower()
            assert "do not wait" in result.message.lower()
        elif item.level == "today":
            assert not result.emergency
            assert "doctor" in result.message.lower() and "today" in result.message.lower()
        else:
            assert not result.emergency and "next few days" in result.message.lower()


def test_an_emergency_sign_outranks_an_urgent_one() -> None:
    answers = {**all_no("full", CONTENT), "fever-unwell": True, "saddle-numbness": True}
    result = evaluate(answers, "full", CONTENT)
    assert result.emergency
    assert result.flags == ["saddle-numbness", "fever-unwell"]
    assert result.message == CONTENT.messages.emergency.summary


@pytest.mark.parametrize("form", FORMS)
def test_every_question_must_be_answered(form: FormName) -> None:
    answers = all_no(form, CONTENT)
    left_out = sorted(answers)[:2]
    for item_id in left_out:
        del answers[item_id]
    with pytest.raises(MissingAnswers) as error:
        evaluate(answers, form, CONTENT)
    assert set(error.value.missing) == set(left_out)
    assert all(item_id in str(error.value) for item_id in left_out)
    assert isinstance(error.value, ValueError)


def test_a_yes_does_not_excuse_missing_answers() -> None:
    with pytest.raises(MissingAnswers):
        evaluate({"both-legs": True}, "short", CONTENT)


def test_a_yes_outside_the_form_still_counts() -> None:
    answers = {**all_no("short", CONTENT), "age-onset": True}
    result = evaluate(answers, "short", CONTENT)
    assert result.red_flag and result.flags == ["age-onset"] and result.level == "soon"


def test_required_replaces_the_form_questions_for_the_nerve_sign_follow_up() -> None:
    opened = [item.id for item in CONTENT.opened_questions(["numbness"])]
    with pytest.raises(MissingAnswers) as error:
        evaluate({opened[0]: False}, "short", CONTENT, required=opened)
    assert set(error.value.missing) == set(opened[1:])
    result = evaluate(dict.fromkeys(opened, False), "short", CONTENT, required=opened)
    assert not result.red_flag


def test_nerve_signs_of_a_morning() -> None:
    assert nerve_signs_of(True, False, "thigh", "none") == ("numbness",)
    assert nerve_signs_of(False, True, "none", "none") == ("weakness",)
    assert nerve_signs_of(False, False, "buttock", "foot") == ("both-legs",)
    assert nerve_signs_of(False, False, "foot", "none") == ()
    assert nerve_signs_of(True, True, "thigh", "thigh") == ("numbness", "weakness", "both-legs")


def test_unknown_questions_forms_and_non_boolean_answers_are_refused(red_flags: RedFlags) -> None:
    with pytest.raises(ValueError, match="unknown safety question: no-such-sign"):
        evaluate({**all_no("short"), "no-such-sign": False}, "short")
    with pytest.raises(ValueError, match="form must be one of full, short"):
        evaluate(all_no("short"), "weekly")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="yes \\(True\\) or no \\(False\\): both-legs"):
        evaluate({**all_no("short"), "both-legs": "no"}, "short")  # type: ignore[dict-item]
    assert evaluate(all_no("full"), "full", red_flags) == evaluate(all_no("full"), "full")
