"""The adaptive plan's state, the events that move it, and the changes it records (all JSON-serialisable)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sciatica_coach.domain.adaptation.rules import Light
from sciatica_coach.domain.centralization import Effect
from sciatica_coach.domain.checkins import MorningCheck
from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.engine.prescription import PrescribedExercise, Prescription, default_prescription
from sciatica_coach.domain.flat import flat_dict
from sciatica_coach.domain.symptoms import SymptomCheck

STATE_VERSION = 2
READABLE_VERSIONS = (1, 2)  # version 1 states lack what the rules remember about past days


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
    """A morning check-in (`red_flag`: a warning sign was answered "yes" at the same time)."""

    at: datetime
    check: MorningCheck
    red_flag: bool = False


@dataclass(frozen=True)
class SbiEvent:
    """A weekly Sciatica Bothersomeness Index (total 0-24)."""

    at: datetime
    total: int


Event = ExerciseOutcome | MorningEvent | SbiEvent


@dataclass(frozen=True)
class WindowEntry:
    """What one exercise did since the last morning check: its traffic light and effect on symptoms."""

    light: Light
    effect: Effect | None  # None when there was no quick check before it
    less_pain: bool
    spread: bool = False  # symptoms reached further down a leg


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
    """An exercise taken out of the plan until a clinician has looked at it: paused (by its own rule) or stopped
    (because the person got worse), with the dose it had."""

    rule_id: str
    exercise_id: str
    reason: str
    at: str  # ISO time
    status: str = "paused"  # paused | stopped
    reps: int | None = None
    hold_seconds: float | None = None


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
class MorningNote:
    """One recent morning, kept so that rises over a week can be seen without re-reading history."""

    at: str  # ISO time
    back: int
    leg: int


@dataclass(frozen=True)
class AdviceNote:
    """One reason behind today's advice: its id (a key of the rules file's `advice` texts), level and words."""

    id: str
    level: str
    text: str


@dataclass(frozen=True)
class AdaptivePlan:
    """The prescription plus what the rules remember between events.

    Everything the rules need about the past is kept here (bounded: a week of mornings at most), so they only ever
    read events they have not seen.
    """

    prescription: Prescription
    streaks: dict[str, int] = field(default_factory=dict)  # sessions in a row without spreading, per exercise
    window: dict[str, tuple[WindowEntry, ...]] = field(default_factory=dict)  # since the last morning check
    last_morning: SymptomCheck | None = None
    offers: tuple[Offer, ...] = ()
    reviews: tuple[ReviewFlag, ...] = ()
    # Added with state version 2 (older saved states read with these defaults):
    mornings: tuple[MorningNote, ...] = ()  # the last week's mornings, oldest first
    worse_run: int = 0  # worse mornings in a row (ending with the last one)
    rise_run: int = 0  # mornings in a row with any symptom higher than the morning before
    spread_cycles: tuple[str, ...] = ()  # ISO times of the mornings closing a day with spreading (last week)
    spread_counts: dict[str, int] = field(default_factory=dict)  # times each exercise made symptoms spread
    involved: tuple[str, ...] = ()  # exercises done since the last settled morning
    green_days: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ISO dates of green-light sessions
    settled: bool = True  # the last morning was no worse than the one before, without nerve signs
    nerve_signs: tuple[bool, bool] | None = None  # numbness, weakness at the last morning
    range_notes: dict[str, str] = field(default_factory=dict)  # a smaller range to keep to, per exercise
    started: str | None = None  # ISO time of the first event
    first_leg: int | None = None  # leg pain at the first morning
    first_sbi: int | None = None
    last_sbi: int | None = None
    notes: tuple[AdviceNote, ...] = ()  # today's advice (since the last morning), in the order found

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
            "window": {key: [flat_dict(e) for e in entries] for key, entries in sorted(self.window.items())},
            "last_morning": self.last_morning.to_dict() if self.last_morning else None,
            "offers": [flat_dict(o) for o in self.offers],
            "reviews": [flat_dict(r) for r in self.reviews],
            "mornings": [flat_dict(m) for m in self.mornings],
            "worse_run": self.worse_run,
            "rise_run": self.rise_run,
            "spread_cycles": list(self.spread_cycles),
            "spread_counts": dict(sorted(self.spread_counts.items())),
            "involved": list(self.involved),
            "green_days": {key: list(days) for key, days in sorted(self.green_days.items())},
            "settled": self.settled,
            "nerve_signs": list(self.nerve_signs) if self.nerve_signs is not None else None,
            "range_notes": dict(sorted(self.range_notes.items())),
            "started": self.started,
            "first_leg": self.first_leg,
            "first_sbi": self.first_sbi,
            "last_sbi": self.last_sbi,
            "notes": [flat_dict(n) for n in self.notes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AdaptivePlan:
        """Inverse of `to_dict`; states saved by version 1 read with nothing remembered beyond what they kept."""
        if data.get("version") not in READABLE_VERSIONS:
            raise ValueError(f"unsupported plan state version {data.get('version')!r}")
        morning = data.get("last_morning")
        nerve = data.get("nerve_signs")
        return cls(
            prescription=Prescription.from_dict(data["prescription"]),
            streaks={str(k): int(v) for k, v in data.get("streaks", {}).items()},
            window={str(k): tuple(WindowEntry(**e) for e in entries) for k, entries in data.get("window", {}).items()},
            last_morning=SymptomCheck(**morning) if morning else None,
            offers=tuple(Offer(**o) for o in data.get("offers", [])),
            reviews=tuple(ReviewFlag(**r) for r in data.get("reviews", [])),
            mornings=tuple(MorningNote(**m) for m in data.get("mornings", [])),
            worse_run=int(data.get("worse_run", 0)),
            rise_run=int(data.get("rise_run", 0)),
            spread_cycles=tuple(str(t) for t in data.get("spread_cycles", [])),
            spread_counts={str(k): int(v) for k, v in data.get("spread_counts", {}).items()},
            involved=tuple(str(e) for e in data.get("involved", [])),
            green_days={str(k): tuple(str(d) for d in v) for k, v in data.get("green_days", {}).items()},
            settled=bool(data.get("settled", True)),
            nerve_signs=(bool(nerve[0]), bool(nerve[1])) if nerve is not None else None,
            range_notes={str(k): str(v) for k, v in data.get("range_notes", {}).items()},
            started=data.get("started"),
            first_leg=data.get("first_leg"),
            first_sbi=data.get("first_sbi"),
            last_sbi=data.get("last_sbi"),
            notes=tuple(AdviceNote(**n) for n in data.get("notes", [])),
        )


def item_dict(item: PrescribedExercise | None) -> dict[str, Any] | None:
    """A prescribed item as JSON, or None."""
    return None if item is None else {**flat_dict(item), "sides": list(item.sides)}
