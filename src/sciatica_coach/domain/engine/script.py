"""Turn a prescription into the ordered phases a session plays: every cue, its duration and its breath."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.content.schema import Exercise
from sciatica_coach.domain.engine.prescription import PrescribedExercise, Prescription

PhaseKind = Literal[
    "check-before", "get-ready", "switch-side", "move", "hold", "return", "rest", "check-between", "check-after"
]
Breath = Literal["in", "out"] | None

CHECK_BEFORE_CUE = (
    "Before you start: rate your back and leg pain from 0 to 10, and say how far down each leg you feel it."
)
CHECK_AFTER_CUE = "How is it now? Rate your back and leg pain from 0 to 10, and say how far down each leg you feel it."
CHECK_BETWEEN_CUE = (
    "How is it now, before the next exercise? Rate your back and leg pain from 0 to 10, and say how far down each "
    "leg you feel it."
)
# The kinds of phase that wait for a symptom check; a check between two exercises is the check after the first and
# the check before the next (one form, not two in a row).
CHECK_KINDS: tuple[PhaseKind, ...] = ("check-before", "check-between", "check-after")
CLOSING_CHECKS: tuple[PhaseKind, ...] = ("check-between", "check-after")


@dataclass(frozen=True)
class Phase:
    """One step of the session: what to do, for how long (None waits for the person), and the cue to give."""

    index: int
    kind: PhaseKind
    exercise_id: str
    exercise_index: int
    side: str
    rep: int  # 1-based; 0 outside a rep
    reps: int
    duration: float | None
    cue: str
    breath: Breath = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    @property
    def label(self) -> str:
        """Short position label, e.g. 'Rep 2 of 5 · left leg'."""
        parts = []
        if self.rep:
            parts.append(f"Rep {self.rep} of {self.reps}")
        if self.side:
            parts.append(f"{self.side} leg")
        return " · ".join(parts)


def build_script(prescription: Prescription, library: Library) -> list[Phase]:
    """All phases of a session, in order: a symptom check before the first exercise, one after the last, and one
    between each two (the check after the first that is also the check before the next)."""
    phases: list[Phase] = []
    last = len(prescription.items) - 1
    for exercise_index, item in enumerate(prescription.items):
        exercise = library.exercise(item.exercise_id)
        if exercise_index == 0:
            _append(phases, "check-before", exercise, item, exercise_index, "", 0, None, CHECK_BEFORE_CUE)
        for side_index, side in enumerate(item.sides):
            _add_side(phases, exercise, item, exercise_index, side, first=side_index == 0)
        if exercise_index < last:
            _append(phases, "check-between", exercise, item, exercise_index, "", 0, None, CHECK_BETWEEN_CUE)
        else:
            _append(phases, "check-after", exercise, item, exercise_index, "", 0, None, CHECK_AFTER_CUE)
    return phases


def _add_side(
    phases: list[Phase], exercise: Exercise, item: PrescribedExercise, ex_index: int, side: str, first: bool
) -> None:
    pacing, cues = exercise.pacing, exercise.cues
    side_words = f" Start with your {side} leg." if side and first else ""
    if first:
        _append(
            phases,
            "get-ready",
            exercise,
            item,
            ex_index,
            side,
            0,
            pacing.get_ready_seconds,
            cues.get_ready + side_words,
        )
    else:
        _append(
            phases,
            "switch-side",
            exercise,
            item,
            ex_index,
            side,
            0,
            pacing.switch_side_seconds or pacing.get_ready_seconds,
            cues.switch_side or cues.get_ready,
        )
    breathing = pacing.breathing == "exhale-on-move"
    for rep in range(1, item.reps + 1):
        _append(
            phases,
            "move",
            exercise,
            item,
            ex_index,
            side,
            rep,
            pacing.move_seconds,
            cues.move,
            "out" if breathing else None,
        )
        if item.hold_seconds > 0:
            _append(phases, "hold", exercise, item, ex_index, side, rep, item.hold_seconds, cues.hold)
        _append(
            phases,
            "return",
            exercise,
            item,
            ex_index,
            side,
            rep,
            pacing.return_seconds,
            cues.return_,
            "in" if breathing else None,
        )
        if rep < item.reps and pacing.rest_seconds > 0:
            _append(phases, "rest", exercise, item, ex_index, side, rep, pacing.rest_seconds, cues.rest)


def _append(
    phases: list[Phase],
    kind: PhaseKind,
    exercise: Exercise,
    item: PrescribedExercise,
    ex_index: int,
    side: str,
    rep: int,
    duration: float | None,
    cue: str,
    breath: Breath = None,
) -> None:
    phases.append(Phase(len(phases), kind, exercise.id, ex_index, side, rep, item.reps, duration, cue, breath))


def script_duration(phases: list[Phase]) -> float:
    """Seconds of timed phases (symptom checks excluded)."""
    return sum(p.duration or 0.0 for p in phases)
