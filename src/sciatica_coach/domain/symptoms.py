"""Shared vocabulary for symptoms: how far down the leg they reach, and pain scores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sciatica_coach.domain.flat import flat_dict

Reach = Literal["none", "buttock", "thigh", "below-knee", "foot"]
# Ordered from the back outward: a higher index reaches further down the leg.
REACH_LEVELS: tuple[Reach, ...] = ("none", "buttock", "thigh", "below-knee", "foot")
REACH_LABELS: dict[str, str] = {
    "none": "No leg symptoms",
    "buttock": "Buttock",
    "thigh": "Thigh",
    "below-knee": "Below the knee",
    "foot": "Foot or toes",
}
PAIN_MIN, PAIN_MAX = 0, 10


def reach_rank(reach: str) -> int:
    """Position of `reach` in REACH_LEVELS (0 = none); ValueError naming the allowed values otherwise."""
    try:
        return REACH_LEVELS.index(reach)  # type: ignore[arg-type,unused-ignore]
    except ValueError:
        raise ValueError(f"reach must be one of {', '.join(REACH_LEVELS)}; got '{reach}'") from None


@dataclass(frozen=True)
class SymptomCheck:
    """One quick symptom check, wherever it is asked (inside a session, at a check-in, in storage):
    back and leg pain 0-10 and how far down each leg symptoms reach."""

    back: int
    leg: int
    left_reach: str = "none"
    right_reach: str = "none"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return flat_dict(self)
