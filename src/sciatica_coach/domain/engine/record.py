"""The session record: what was done, reps per side, holds completed, pain after each exercise."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from sciatica_coach.domain.engine.prescription import Prescription
from sciatica_coach.domain.engine.script import CHECK_KINDS, Phase
from sciatica_coach.domain.engine.stepdown import EarlyEnd, check_before, judge
from sciatica_coach.domain.symptoms import PAIN_MAX, PAIN_MIN, SymptomCheck, reach_rank

Status = Literal["in_progress", "completed", "stopped"]


class SessionError(ValueError):
    """An action that does not fit the session's state (e.g. pain scores out of range)."""


@dataclass
class ExerciseRecord:
    """What happened in one exercise of the session."""

    exercise_id: str
    reps_planned: int
    hold_seconds: float
    reps_done: dict[str, int] = field(default_factory=dict)  # side ("" when not per side) -> reps
    holds_completed: int = 0
    skipped: bool = False
    stopped_for_pain: bool = False
    pain_before: SymptomCheck | None = None
    pain_after: SymptomCheck | None = None
    ended: EarlyEnd | None = None  # a symptom check ended this exercise early (spreading, or pain too high)
    camera: dict[str, Any] | None = None  # camera-counted reps, holds and faults, when the camera was used


@dataclass
class SessionRecord:
    """The whole session's record; serialised into storage after every change."""

    exercises: list[ExerciseRecord]
    status: Status = "in_progress"

    @classmethod
    def start(cls, prescription: Prescription) -> SessionRecord:
        """An empty record for a prescription."""
        return cls(
            exercises=[
                ExerciseRecord(i.exercise_id, i.reps, i.hold_seconds, reps_done={side: 0 for side in i.sides})
                for i in prescription.items
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionRecord:
        """Inverse of `to_dict`."""
        exercises = []
        for raw in data["exercises"]:
            item = copy.deepcopy(dict(raw))  # never share nested dicts with the stored JSON
            before = item.pop("pain_before", None)
            after = item.pop("pain_after", None)
            ended = item.pop("ended", None)
            exercises.append(
                ExerciseRecord(
                    **item,
                    pain_before=SymptomCheck(**before) if before else None,
                    pain_after=SymptomCheck(**after) if after else None,
                    ended=EarlyEnd.from_dict(ended) if ended else None,
                )
            )
        return cls(exercises=exercises, status=data.get("status", "in_progress"))

    @property
    def total_reps(self) -> int:
        """Reps completed across all exercises and sides."""
        return sum(sum(e.reps_done.values()) for e in self.exercises)


def complete_phase(record: SessionRecord, phase: Phase) -> None:
    """Count what finishing `phase` achieved: a rep ends with its return, a hold when its timer ran out."""
    exercise = record.exercises[phase.exercise_index]
    if phase.kind == "return":
        exercise.reps_done[phase.side] = exercise.reps_done.get(phase.side, 0) + 1
    elif phase.kind == "hold":
        exercise.holds_completed += 1


def validate_report(report: SymptomCheck) -> None:
    """SessionError unless scores are 0-10 and each reach is one of REACH_LEVELS."""
    for name, value in (("back", report.back), ("leg", report.leg)):
        if not PAIN_MIN <= value <= PAIN_MAX:
            raise SessionError(f"{name} pain must be between {PAIN_MIN} and {PAIN_MAX}, got {value}")
    for name, reach in (("left", report.left_reach), ("right", report.right_reach)):
        try:
            reach_rank(reach)
        except ValueError as exc:
            raise SessionError(f"{name} leg: {exc}") from None


def report_pain(
    record: SessionRecord, exercise_index: int, when: Literal["before", "after"], report: SymptomCheck
) -> None:
    """Save the quick check before or after an exercise; scores 0-10, reach one of REACH_LEVELS."""
    validate_report(report)
    if not 0 <= exercise_index < len(record.exercises):
        raise SessionError(f"there is no exercise number {exercise_index} in this session")
    if when == "before":
        record.exercises[exercise_index].pain_before = report
    else:
        record.exercises[exercise_index].pain_after = report


def rep_start(script: Sequence[Phase], position: int) -> int:
    """Where to resume after an interruption: the start of the rep (or phase) that was under way."""
    if position >= len(script):
        return len(script)
    phase = script[position]
    if phase.kind not in ("hold", "return"):
        return position
    index = position
    while index > 0 and script[index].kind != "move":
        index -= 1
    return index


def next_exercise_start(script: Sequence[Phase], position: int) -> int:
    """Index of the first phase of the next exercise (or the end of the script)."""
    if position >= len(script):
        return len(script)
    current = script[position].exercise_index
    index = position
    while index < len(script) and script[index].exercise_index == current:
        index += 1
    return index


def check_after_of(script: Sequence[Phase], position: int) -> int:
    """Index of the symptom check that closes the exercise under way at `position`."""
    end = next_exercise_start(script, position)
    return end - 1


def skip_target(script: Sequence[Phase], position: int) -> int:
    """Where skipping from `position` goes: the check between this exercise and the next (it is also the next
    one's check before, so its centralization can still be judged), unless that check is the one under way; the
    next exercise, or the end, otherwise."""
    end = next_exercise_start(script, position)
    closing = end - 1
    if position < closing and script[closing].kind == "check-between":
        return closing
    return end


def opens_next(script: Sequence[Phase], position: int) -> int | None:
    """The exercise whose check before the check at `position` also is (a check between two exercises), or None."""
    phase = script[position]
    return phase.exercise_index + 1 if phase.kind == "check-between" else None


@dataclass(frozen=True)
class CheckResult:
    """What answering a symptom check did: which check it was, whether it ended the exercise, where to go next."""

    when: Literal["before", "after"]
    ended: EarlyEnd | None
    position: int
    opens: int | None = None  # the next exercise whose check before this answer also is (a check between two)


def apply_check(
    record: SessionRecord, script: Sequence[Phase], position: int, report: SymptomCheck, pain_limit: int
) -> CheckResult:
    """Answer the check phase at `position`. When it shows spreading or pain above `pain_limit`, the exercise ends
    there (the rest of it is not played; the record says why): spreading moves on to the next exercise, pain above
    the red line ends the session. A check between two exercises is judged as the check after the first and, while
    the session goes on, saved as the next one's check before too. A session with nothing left to play is
    completed."""
    phase = script[position]
    when: Literal["before", "after"] = "before" if phase.kind == "check-before" else "after"
    earlier = check_before(record, phase.exercise_index, when)
    report_pain(record, phase.exercise_index, when, report)
    ended = judge(report, earlier, when, pain_limit)
    following = position + 1
    if ended is not None:
        record.exercises[phase.exercise_index].ended = ended
        following = next_exercise_start(script, position)
        if ended.ends_session:
            record.status = "stopped"
    opens = opens_next(script, position) if record.status == "in_progress" else None
    if opens is not None:
        report_pain(record, opens, "before", report)
    following = min(following, len(script))
    if following >= len(script) and record.status == "in_progress":
        record.status = "completed"
    return CheckResult(when, ended, following, opens)


def troubled(record: SessionRecord) -> bool:
    """Whether pain or spreading ended any exercise of the session (no congratulations then)."""
    return any(item.stopped_for_pain or item.ended is not None for item in record.exercises)


def pending_end(script: Sequence[Phase], position: int, record: SessionRecord) -> int | None:
    """The exercise a check has just ended, while nothing after it has been done yet (so a player that reloads can
    show its step-down advice again); None otherwise."""
    if not 0 < position <= len(script):
        return None
    index = script[position - 1].exercise_index
    if record.exercises[index].ended is None:
        return None
    if script[position - 1].kind not in CHECK_KINDS:
        return None  # something after the check has been done since
    if position < len(script) and script[position].exercise_index == index:
        return None
    return index
