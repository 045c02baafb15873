"""The rules of moving through a saved session: phases complete in order, checks answer check phases.

Pure functions over (script, position, record); the session use cases load the row, call one of these and save.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sciatica_coach.domain.engine.record import (
    CheckResult,
    SessionError,
    SessionRecord,
    apply_check,
    complete_phase,
    skip_target,
    validate_report,
)
from sciatica_coach.domain.engine.script import CHECK_KINDS, CLOSING_CHECKS, Phase
from sciatica_coach.domain.symptoms import SymptomCheck

__all__ = ["CHECK_KINDS", "Flow", "FlowError"]


class FlowError(Exception):
    """A request that does not fit the session: `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Flow:
    """A session's script, where it is, and its record, ready to change."""

    script: list[Phase]
    position: int
    record: SessionRecord

    @classmethod
    def load(cls, script: Sequence[Mapping[str, Any]], position: int, record: Mapping[str, Any]) -> Flow:
        """Rebuild from the stored JSON (deep-copied: changing the record in place would hide the change from
        SQLAlchemy, which compares the new JSON with the loaded one)."""
        return cls([Phase(**dict(p)) for p in script], position, SessionRecord.from_dict(record))

    @property
    def finished(self) -> bool:
        """Whether the session has ended (completed or stopped)."""
        return self.record.status != "in_progress"

    def _require_running(self) -> None:
        if self.finished:
            raise FlowError(409, f"This session has already ended ({self.record.status}); start a new one.")

    def _phase(self, index: int) -> Phase:
        if not 0 <= index < len(self.script):
            raise FlowError(422, f"There is no step number {index} in this session (0 to {len(self.script) - 1}).")
        return self.script[index]

    def _advance_to(self, position: int) -> None:
        self.position = position
        if self.position >= len(self.script):
            self.position = len(self.script)
            self.record.status = "completed"

    def complete(self, index: int) -> bool:
        """Complete timed phase `index`; False when it was already completed (a repeat changes nothing)."""
        self._require_running()
        phase = self._phase(index)
        if index < self.position:
            return False
        if index > self.position:
            raise FlowError(
                409,
                f"Step {index} cannot be completed before step {self.position} ({self.script[self.position].kind}).",
            )
        if phase.kind in CHECK_KINDS:
            raise FlowError(409, f"Step {index} is a symptom check: send its answers to /check.")
        complete_phase(self.record, phase)
        self._advance_to(index + 1)
        return True

    def answer_check(self, index: int, report: SymptomCheck, pain_limit: int) -> CheckResult | None:
        """Answer check phase `index` (None when it was already answered). A check showing spreading or pain above
        `pain_limit` ends that exercise: spreading moves on to the next one, pain above the red line ends the
        session."""
        self._require_running()
        phase = self._phase(index)
        if phase.kind not in CHECK_KINDS:
            raise FlowError(422, f"Step {index} is not a symptom check.")
        if index < self.position:
            return None
        if index > self.position:
            raise FlowError(409, f"Step {index} is not reached yet; the session is at step {self.position}.")
        try:
            result = apply_check(self.record, self.script, index, report, pain_limit)
        except SessionError as exc:
            raise FlowError(422, str(exc).capitalize() + ".") from None
        self.position = result.position
        return result

    def skip_exercise(self) -> None:
        """Skip the rest of the exercise under way (marked skipped) and go on to the check before the next, as the
        terminal does; skipping at a check passes over it."""
        self._require_running()
        phase = self.script[self.position]
        if phase.kind not in CLOSING_CHECKS:  # the exercise itself was done; only its check is passed over
            self.record.exercises[phase.exercise_index].skipped = True
        self._advance_to(skip_target(self.script, self.position))

    def stop_for_pain(self, report: SymptomCheck | None = None) -> None:
        """End the session because it hurts; the exercise under way is flagged, with the pain felt then (its check
        after) when it was given."""
        self._require_running()
        exercise = self.record.exercises[self.script[self.position].exercise_index]
        if report is not None:
            try:
                validate_report(report)
            except SessionError as exc:
                raise FlowError(422, str(exc).capitalize() + ".") from None
            exercise.pain_after = report
        exercise.stopped_for_pain = True
        self.record.status = "stopped"
