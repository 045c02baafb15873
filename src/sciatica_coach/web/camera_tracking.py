"""What one camera socket follows (the exercise under way and its analyzer) and the results it saves.

A JSON frame is answered with a status every time (older pages wait for it). A binary frame is answered only when
the status says something new (the count, phase, side, sight, view, a cue, the hold time to a tenth of a second) or
`STATUS_EVERY` seconds of frame time after the last answer, so the page still hears from a still person; each
status names the frame time `t` it answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sciatica_coach.domain.motion import Analyzer, PoseFrame, create_analyzer
from sciatica_coach.domain.motion.results import merge_camera
from sciatica_coach.web.camera_messages import ExerciseMessage, FinishMessage, FrameMessage, Message, MessageError

STATUS_EVERY = 0.5  # seconds of frame time between two answers to binary frames when nothing changed


@dataclass
class Tracking:
    """The exercise the camera is following on one socket."""

    exercise_index: int
    exercise_id: str
    side: str
    analyzer: Analyzer
    frames: int = 0
    last_t: float = -1.0
    said: dict[str, Any] | None = None  # the last status sent, without its frame time
    said_t: float = -1.0

    def result(self) -> dict[str, Any]:
        """What to save: the analyzer's summary (reps, holds, warnings) and a count of each fault."""
        result = self.analyzer.finish().to_dict()
        result = merge_camera(None, result)
        return result


@dataclass
class CameraSocket:
    """The state of one camera socket; `handle` answers each message and says what must be saved."""

    exercise_ids: list[str]
    tracking: Tracking | None = None
    pending: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def handle(self, message: Message) -> dict[str, Any] | None:
        """Apply one validated message and return the answer (None: a binary frame with nothing new to say);
        results to save are queued in `pending`."""
        if isinstance(message, ExerciseMessage):
            return self._exercise(message)
        if isinstance(message, FinishMessage):
            before = len(self.pending)
            self.close()
            saved = [{"exercise_index": i, "rep_count": r["rep_count"]} for i, r in self.pending[before:]]
            return {"type": "finished", "saved": saved}
        return self._frame(message)

    def close(self) -> None:
        """Queue the results of the exercise under way, if the camera saw anything."""
        if self.tracking is not None and self.tracking.frames:
            self.pending.append((self.tracking.exercise_index, self.tracking.result()))
        self.tracking = None

    def _exercise(self, message: ExerciseMessage) -> dict[str, Any]:
        index = message.exercise_index
        if index >= len(self.exercise_ids) or self.exercise_ids[index] != message.exercise_id:
            raise MessageError(f"this session has no exercise {message.exercise_id[:40]!r} at position {index}")
        if self.tracking is not None and self.tracking.exercise_index == index:
            self.tracking.side = message.side
        else:
            self.close()
            self.tracking = Tracking(index, message.exercise_id, message.side, create_analyzer(message.exercise_id))
        return {"type": "exercise", "exercise_id": message.exercise_id, "exercise_index": index, "side": message.side}

    def _frame(self, message: FrameMessage) -> dict[str, Any] | None:
        tracking = self.tracking
        if tracking is None:
            raise MessageError("say which exercise is under way (an exercise message) before sending frames")
        if message.t < tracking.last_t:
            raise MessageError("frame times must not go backwards")
        tracking.last_t = message.t
        status = tracking.analyzer.update(PoseFrame(message.t, message.landmarks, message.width, message.height))
        tracking.frames += 1
        said = status.to_dict()
        said["hold_seconds"] = round(said["hold_seconds"], 1)
        if message.compact and said == tracking.said and message.t - tracking.said_t < STATUS_EVERY:
            return None
        tracking.said, tracking.said_t = said, message.t
        return {"type": "status", "exercise_index": tracking.exercise_index, "t": message.t, **said}
