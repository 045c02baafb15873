"""The adaptive plan's state, the events that move it, and the changes it records (all JSON-serialisable)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sciatica_coach.domain.adaptation.rules import Light
from sciatica_coach.domain.centralization import Effect
from sciatica_coach.domain.checkins import MorningCheck
from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.engine.prescription import PrescribedExercise, Prescription, default_prescription
from sciatica_coach.domain.symptoms import SymptomCheck

STATE_VERSION = 1


@dataclass(frozen=True)
class ExerciseOutcome:
    """One exercise done: the quick checks before and after it, and whether it was stopped for pain."""

    at: datetime
    exercise_id: str
    before: SymptomCheck | None  # None when the quick check before it was not answered
    after: SymptomCheck | None  # None when the session was stopped for pain before the check after it
    stopped_for_pain: bool = False


@dataclass(frozen=True)
class MorningEvent:
    """A morning check-in."""

    at: datetime
    check: MorningCheck


Event = ExerciseOutcome | MorningEvent


@dataclass(frozen=True)
class WindowEntry:
    """What one exercise did since the last morning check: its traffic light and effect on symptoms."""

    light: Light
    effect: Effect | None  # None when there was no quick check before it
    less_pain: bool


@dataclass(frozen=True)
class Offer:
    """A change the person may accept or decline (e.g. trying the straight-leg glide again)."""

    rule_id: str
    rule_version: int
    exercise_id: str
    to: str
    reps: int
    reason: str


@dataclass(frozen=True)
class ReviewFlag:
    """An exercise taken out of the plan until a clinician has looked at it."""

    rule_id: str
    exercise_id: str
    reason: str
    at: str  # ISO time


@dataclass(frozen=True)
class Change:
    """One change to the plan: which rule, why (in the person's words), and the item before and after."""

    at: datetime
    rule_id: str
    rule_version: int
    exercise_id: str
    action: str  # a rule's `do`, or accept-offer / decline-offer
    reason: str
    before: PrescribedExercise | None
    after: PrescribedExercise | None


@dataclass(frozen=True)
class AdaptivePlan:
    """The prescription plus what the rules remember between events."""

    prescription: Prescription
    streaks: dict[str, int] = field(default_factory=dict)  # sessions in a row without spreading, per exercise
    window: dict[str, tuple[WindowEntry, ...]] = field(default_factory=dict)  # since the last morning check
    last_morning: SymptomCheck | None = None
    offers: tuple[Offer, ...] = ()
    reviews: tuple[ReviewFlag, ...] = ()

    @classmethod
    def start(cls, library: Library) -> AdaptivePlan:
        """The default program, with nothing remembered yet."""
        return cls(prescription=default_prescription(library))

    def item(self, exercise_id: str) -> PrescribedExercise | None:
        """The plan's item for an exercise, if it is in the plan."""
        return next((i for i in self.prescription.items if i.exercise_id == exercise_id), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "version": STATE_VERSION,
            "prescription": self.prescription.to_dict(),
            "streaks": dict(sorted(self.streaks.items())),
            "window": {key: [asdict(e) for e in entries] for key, entries in sorted(self.window.items())},
            "last_morning": self.last_morning.to_dict() if self.last_morning else None,
            "offers": [asdict(o) for o in self.offers],
            "reviews": [asdict(r) for r in self.reviews],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AdaptivePlan:
        """Inverse of `to_dict`."""
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported plan state version {data.get('version')!r}")
        morning = data.get("last_morning")
        return cls(
            prescription=Prescription.from_dict(data["prescription"]),
            streaks={str(k): int(v) for k, v in data.get("streaks", {}).items()},
            window={str(k): tuple(WindowEntry(**e) for e in entries) for k, entries in data.get("window", {}).items()},
            last_morning=SymptomCheck(**morning) if morning else None,
            offers=tuple(Offer(**o) for o in data.get("offers", [])),
            reviews=tuple(ReviewFlag(**r) for r in data.get("reviews", [])),
        )


def item_dict(item: PrescribedExercise | None) -> dict[str, Any] | None:
    """A prescribed item as JSON, or None."""
    return None if item is None else {**asdict(item), "sides": list(item.sides)}
