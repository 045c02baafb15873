"""Centralization: are leg symptoms retreating toward the back, spreading down the leg, or unchanged?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal

from sciatica_coach.domain.symptoms import REACH_LABELS, reach_rank
from sciatica_coach.domain.symptoms import SymptomCheck as Symptoms

Effect = Literal["centralizing", "peripheralizing", "unchanged"]
EFFECTS: tuple[Effect, ...] = ("centralizing", "unchanged", "peripheralizing")
EFFECT_WORDS: dict[Effect, str] = {
    "centralizing": "Centralizing: symptoms retreating toward the back (a good sign)",
    "peripheralizing": "Peripheralizing: symptoms spreading down the leg (a reason to ease off)",
    "unchanged": "No clear change",
}
EFFECT_NAMES: dict[Effect, str] = {
    "centralizing": "Centralizing",
    "peripheralizing": "Peripheralizing",
    "unchanged": "No clear change",
}
DEFAULT_RISE = 2  # leg pain up by this much counts as peripheralizing
DEFAULT_FALL = 1  # leg pain down by this much, back holding or rising, counts as centralizing


@dataclass(frozen=True)
class Classification:
    """The effect and the observations behind it, in plain words."""

    effect: Effect
    reasons: tuple[str, ...]

    @property
    def words(self) -> str:
        """One sentence: the effect and why."""
        label = EFFECT_WORDS[self.effect]
        return f"{label}. {' '.join(self.reasons)}" if self.reasons else f"{label}."


def classify_change(
    before: Symptoms, after: Symptoms, leg_pain_rise: int = DEFAULT_RISE, leg_pain_fall: int = DEFAULT_FALL
) -> Classification:
    """Classify a change from `before` to `after`; any spread or a leg-pain rise outweighs signs of centralizing."""
    spread: list[str] = []
    retreat: list[str] = []
    for side, was, now in (
        ("left", before.left_reach, after.left_reach),
        ("right", before.right_reach, after.right_reach),
    ):
        change = reach_rank(now) - reach_rank(was)
        words = f"{REACH_LABELS[was].lower()} → {REACH_LABELS[now].lower()}"
        if change > 0:
            spread.append(f"Symptoms reach further down the {side} leg ({words}).")
        elif change < 0:
            retreat.append(f"Symptoms moved up the {side} leg ({words}).")
    leg_delta = after.leg - before.leg
    back_delta = after.back - before.back
    leg_words = f"Leg pain went from {before.leg} to {after.leg}"
    if spread or leg_delta >= leg_pain_rise:
        reasons = list(spread)
        if leg_delta >= leg_pain_rise:
            reasons.append(f"{leg_words}.")
        return Classification("peripheralizing", tuple(reasons))
    split = leg_delta <= -leg_pain_fall and back_delta >= 0
    if retreat or split:
        reasons = list(retreat)
        if split:
            back_words = "held at" if back_delta == 0 else "rose to"
            reasons.append(f"{leg_words} while back pain {back_words} {after.back}.")
        return Classification("centralizing", tuple(reasons))
    return Classification("unchanged", ())


def less_pain(before: Symptoms, after: Symptoms) -> bool:
    """Whether leg pain is lower after than before (by any amount), with back pain not higher."""
    return after.leg < before.leg and after.back <= before.back


@dataclass(frozen=True)
class DayTrend:
    """One day's morning check compared with the previous morning check."""

    day: date
    previous_day: date
    classification: Classification


def daily_trend(
    mornings: Sequence[tuple[date, Symptoms]],
    leg_pain_rise: int = DEFAULT_RISE,
    leg_pain_fall: int = DEFAULT_FALL,
) -> list[DayTrend]:
    """Each day's trend against the previous morning check; with several checks in one day the last one counts."""
    last_per_day: dict[date, Symptoms] = {}
    for day, symptoms in sorted(mornings, key=lambda pair: pair[0]):
        last_per_day[day] = symptoms
    days = sorted(last_per_day)
    return [
        DayTrend(
            day=current,
            previous_day=previous,
            classification=classify_change(last_per_day[previous], last_per_day[current], leg_pain_rise, leg_pain_fall),
        )
        for previous, current in pairwise(days)
    ]
