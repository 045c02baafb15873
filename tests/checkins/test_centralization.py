"""Centralization: each exercise's effect and each day's trend, from reach per leg and the back/leg pain split."""

from __future__ import annotations

from datetime import date

import pytest

from sciatica_coach.domain.centralization import classify_change, daily_trend, less_pain
from sciatica_coach.domain.symptoms import SymptomCheck


def s(back: int, leg: int, left: str = "none", right: str = "none") -> SymptomCheck:
    return SymptomCheck(back, leg, left, right)


@pytest.mark.parametrize(
    ("before", "after", "effect"),
    [
        (s(2, 5, "below-knee"), s(2, 5, "thigh"), "centralizing"),  # reach retreats
        (s(2, 5, "thigh", "buttock"), s(2, 5, "buttock", "none"), "centralizing"),  # both legs retreat
        (s(2, 5, "thigh"), s(2, 4, "thigh"), "centralizing"),  # leg falls, back holds
        (s(2, 5, "thigh"), s(4, 3, "thigh"), "centralizing"),  # leg falls, back rises: pain moving to the back
        (s(4, 5, "thigh"), s(2, 3, "thigh"), "unchanged"),  # both fall: less pain, but no shift toward the back
        (s(2, 5, "thigh"), s(2, 5, "below-knee"), "peripheralizing"),  # reach spreads
        (s(2, 5, "none", "none"), s(2, 5, "none", "buttock"), "peripheralizing"),  # the other leg starts
        (s(2, 3, "thigh"), s(2, 5, "thigh"), "peripheralizing"),  # leg pain up by 2
        (s(2, 3, "thigh"), s(2, 4, "thigh"), "unchanged"),  # up by 1 only
        (s(2, 5, "foot"), s(2, 3, "thigh", "buttock"), "peripheralizing"),  # a spread anywhere outweighs a retreat
        (s(3, 3, "buttock"), s(3, 3, "buttock"), "unchanged"),
    ],
)
def test_classify_change(before: SymptomCheck, after: SymptomCheck, effect: str) -> None:
    assert classify_change(before, after).effect == effect


def test_reasons_name_the_leg_and_the_levels() -> None:
    result = classify_change(s(2, 5, "below-knee"), s(3, 3, "thigh"))
    assert result.reasons == (
        "Symptoms moved up the left leg (below the knee → thigh).",
        "Leg pain went from 5 to 3 while back pain rose to 3.",
    )
    assert result.words.startswith("Centralizing: symptoms retreating toward the back")
    spread = classify_change(s(2, 3, right="thigh"), s(2, 5, right="foot"))
    assert spread.reasons == (
        "Symptoms reach further down the right leg (thigh → foot or toes).",
        "Leg pain went from 3 to 5.",
    )
    assert classify_change(s(1, 1), s(1, 1)).words == "No clear change."


def test_thresholds_can_be_set() -> None:
    assert classify_change(s(2, 3), s(2, 4), leg_pain_rise=1).effect == "peripheralizing"
    assert classify_change(s(2, 5), s(2, 4), leg_pain_fall=2).effect == "unchanged"


def test_bad_reach_is_refused() -> None:
    with pytest.raises(ValueError, match="reach must be one of"):
        classify_change(s(1, 1, "knee"), s(1, 1))


def test_less_pain() -> None:
    assert less_pain(s(3, 5), s(3, 4))
    assert not less_pain(s(3, 5), s(4, 4))
    assert not less_pain(s(3, 5), s(3, 5))


def test_daily_trend_compares_each_morning_with_the_one_before() -> None:
    mornings = [
        (date(2025, 3, 3), s(2, 6, "below-knee")),
        (date(2025, 3, 1), s(2, 5, "thigh")),
        (date(2025, 3, 2), s(2, 4, "thigh")),  # taken first, then replaced by the later check the same day
        (date(2025, 3, 2), s(2, 5, "below-knee")),
        (date(2025, 3, 4), s(2, 3, "thigh")),
    ]
    trend = daily_trend(mornings)
    assert [(t.day.day, t.previous_day.day, t.classification.effect) for t in trend] == [
        (2, 1, "peripheralizing"),
        (3, 2, "unchanged"),
        (4, 3, "centralizing"),
    ]
    assert daily_trend(mornings[:1]) == []
