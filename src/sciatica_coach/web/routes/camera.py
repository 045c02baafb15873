"""The camera coach's WebSocket: body landmarks in (never pixels), the analyzer's live answers out.

The browser runs the pose model itself and sends, for each analysed video frame, 33 landmarks of four numbers,
the frame time and the video size. Anything else (binary messages, oversized or malformed text) is refused with an
error message and the socket stays open. When the exercise changes, the session finishes or the socket closes, the
analyzer's results are saved in `record.exercises[i].camera` beside what the person reported themselves.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.domain.motion import Analyzer, PoseFrame, create_analyzer
from sciatica_coach.domain.motion.results import fault_text
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.sessions import get_session, save_progress

router = APIRouter()
log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 8192  # a frame of rounded landmarks is about 1.5 kB
LANDMARK_COUNT = 33
MAX_COORDINATE = 100.0  # normalised coordinates; points just off the picture are a little outside 0-1
MAX_VIDEO_SIDE = 8192
SIDES = ("", "left", "right")

CLOSE_NOT_YOURS = 4404
CLOSE_FINISHED = 4409
CLOSE_CROSS_SITE = 4403


class MessageError(ValueError):
    """A message the camera socket refuses; its text is sent back to the browser."""


@dataclass(frozen=True)
class ExerciseMessage:
    """The player moved to an exercise (or to its other side)."""

    exercise_id: str
    exercise_index: int
    side: str


@dataclass(frozen=True)
class FrameMessage:
    """One analysed video frame: landmarks only, or None when no person was found."""

    t: float
    width: int
    height: int
    landmarks: np.ndarray[Any, np.dtype[np.float64]] | None


@dataclass(frozen=True)
class FinishMessage:
    """The camera is being switched off or the session is over: save what was counted."""


Message = ExerciseMessage | FrameMessage | FinishMessage


def _refuse_constant(name: str) -> float:
    raise MessageError(f"numbers must be finite, got {name}")


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MessageError(f"{what} must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise MessageError(f"{what} must be a finite number")
    return number


def _integer(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise MessageError(f"{what} must be a whole number from {low} to {high}")
    return value


def _expect_keys(data: dict[str, Any], keys: set[str]) -> None:
    if set(data) != keys:
        missing, extra = sorted(keys - set(data)), sorted(set(data) - keys)
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unexpected {', '.join(extra)}"] if extra else []
        )
        raise MessageError(f"a {data['type']} message has exactly {', '.join(sorted(keys))} ({'; '.join(parts)})")


def _landmarks(value: object) -> np.ndarray[Any, np.dtype[np.float64]] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != LANDMARK_COUNT:
        raise MessageError(f"landmarks must be null or a list of {LANDMARK_COUNT} points")
    rows = []
    for i, point in enumerate(value):
        if not isinstance(point, list) or len(point) != 4:
            raise MessageError(f"landmark {i} must be [x, y, z, visibility]")
        x, y, z, vis = (_number(v, f"landmark {i}") for v in point)
        if max(abs(x), abs(y), abs(z)) > MAX_COORDINATE:
            raise MessageError(f"landmark {i} is far outside the picture")
        if not 0.0 <= vis <= 1.0:
            raise MessageError(f"landmark {i}: visibility must be between 0 and 1")
        rows.append((x, y, z, vis))
    return np.array(rows, dtype=np.float64)


def parse_message(text: str) -> Message:
    """Validate one text message strictly; raise MessageError saying what is wrong."""
    if len(text) > MAX_MESSAGE_CHARS:
        raise MessageError(f"message too long ({len(text)} characters; the limit is {MAX_MESSAGE_CHARS})")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise MessageError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise MessageError('a message is a JSON object with a "type"')
    kind = data["type"]
    if kind == "frame":
        _expect_keys(data, {"type", "t", "width", "height", "landmarks"})
        t = _number(data["t"], "t")
        if not 0.0 <= t <= 1e7:
            raise MessageError("t must be seconds since the camera started")
        return FrameMessage(
            t=t,
            width=_integer(data["width"], "width", 1, MAX_VIDEO_SIDE),
            height=_integer(data["height"], "height", 1, MAX_VIDEO_SIDE),
            landmarks=_landmarks(data["landmarks"]),
        )
    if kind == "exercise":
        _expect_keys(data, {"type", "exercise_id", "exercise_index", "side"})
        if not isinstance(data["exercise_id"], str) or data["side"] not in SIDES:
            raise MessageError('exercise_id must be text and side one of "", "left", "right"')
        index = _integer(data["exercise_index"], "exercise_index", 0, 99)
        return ExerciseMessage(data["exercise_id"], index, data["side"])
    if kind == "finish":
        _expect_keys(data, {"type"})
        return FinishMessage()
    raise MessageError(f"unknown message type {kind[:40]!r}: use exercise, frame or finish")


def merge_camera(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Add a new stretch of camera results to what an exercise already holds (the camera may be used twice)."""
    if not old:
        return new
    merged = {**old, **new}
    for key in ("reps", "holds"):
        merged[key] = list(old.get(key, [])) + list(new.get(key, []))
    merged["warnings"] = list(dict.fromkeys([*old.get("warnings", []), *new.get("warnings", [])]))
    for key in ("rep_count", "frames", "visible_frames"):
        merged[key] = int(old.get(key, 0)) + int(new.get(key, 0))
    by_side = dict(old.get("reps_by_side", {}))
    for side, count in new.get("reps_by_side", {}).items():
        by_side[side] = by_side.get(side, 0) + count
    merged["reps_by_side"] = by_side
    _add_fault_summary(merged)
    return merged


def _add_fault_summary(camera: dict[str, Any]) -> None:
    """How often each fault was seen over the counted reps, and the words for it (for summaries)."""
    counts: dict[str, int] = {}
    for rep in camera.get("reps", []):
        for fault in rep.get("faults", []):
            counts[fault] = counts.get(fault, 0) + 1
    camera["faults"] = counts
    camera["fault_text"] = {fault: fault_text(fault) for fault in counts}


@dataclass
class Tracking:
    """The exercise the camera is following on one socket."""

    exercise_index: int
    exercise_id: str
    side: str
    analyzer: Analyzer
    frames: int = 0
    last_t: float = -1.0

    def result(self) -> dict[str, Any]:
        """What to save: the analyzer's summary (reps, holds, warnings) and a count of each fault."""
        result = self.analyzer.finish().to_dict()
        _add_fault_summary(result)
        return result


@dataclass
class CameraSocket:
    """The state of one camera socket; `handle` answers each message and says what must be saved."""

    exercise_ids: list[str]
    tracking: Tracking | None = None
    pending: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def handle(self, message: Message) -> dict[str, Any]:
        """Apply one validated message; results to save are queued in `pending`."""
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

    def _frame(self, message: FrameMessage) -> dict[str, Any]:
        tracking = self.tracking
        if tracking is None:
            raise MessageError("say which exercise is under way (an exercise message) before sending frames")
        if message.t < tracking.last_t:
            raise MessageError("frame times must not go backwards")
        tracking.last_t = message.t
        status = tracking.analyzer.update(PoseFrame(message.t, message.landmarks, message.width, message.height))
        tracking.frames += 1
        return {"type": "status", "exercise_index": tracking.exercise_index, **status.to_dict()}


def _same_origin(websocket: WebSocket) -> bool:
    """Browsers always send Origin; refuse pages of another site talking to this local server."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == websocket.headers.get("host", "")


def _open(factory: sessionmaker[Session], session_id: str) -> tuple[int, list[str], str] | None:
    with factory() as db:
        patient = default_patient(db)
        row = get_session(db, patient.id, session_id)
        db.commit()
        if row is None:
            return None
        record = SessionRecord.from_dict(row.record)
        return patient.id, [e.exercise_id for e in record.exercises], row.status


def _save(factory: sessionmaker[Session], patient_id: int, session_id: str, results: list[tuple[int, Any]]) -> None:
    """Read-modify-write of the session record that never writes back a stale copy of the player's progress."""
    with factory() as db:
        sqlite = db.get_bind().dialect.name == "sqlite"
        if sqlite:  # take SQLite's write lock before reading, so no other save can land in between
            db.connection().exec_driver_sql("BEGIN IMMEDIATE")
        row = get_session(db, patient_id, session_id)
        if row is None:
            return
        if not sqlite:
            db.refresh(row, with_for_update=True)  # PostgreSQL: lock the row and read its latest state
        record = SessionRecord.from_dict(row.record)
        for index, result in results:
            exercise = record.exercises[index]
            exercise.camera = merge_camera(exercise.camera, result)
        save_progress(db, row, row.position, record)
        db.commit()


@router.websocket("/ws/camera/{session_id}")
async def camera_socket(websocket: WebSocket, session_id: str) -> None:
    """Live camera coaching for one of the current patient's sessions."""
    await websocket.accept()
    if not _same_origin(websocket):
        await websocket.close(CLOSE_CROSS_SITE, "Connections from other sites are refused.")
        return
    factory: sessionmaker[Session] = websocket.app.state.session_factory
    opened = await run_in_threadpool(_open, factory, session_id[:64])
    if opened is None:
        await websocket.close(CLOSE_NOT_YOURS, "There is no such session of yours.")
        return
    patient_id, exercise_ids, status = opened
    if status != "in_progress":
        await websocket.close(CLOSE_FINISHED, "This session is already over.")
        return
    state = CameraSocket(exercise_ids)

    async def flush() -> None:
        if state.pending:
            results, state.pending = state.pending, []
            await run_in_threadpool(_save, factory, patient_id, session_id, results)

    try:
        while True:
            incoming = await websocket.receive()
            if incoming["type"] == "websocket.disconnect":
                break
            text = incoming.get("text")
            try:
                if text is None:
                    raise MessageError("binary messages are refused: send landmark numbers as JSON text, never images")
                reply = state.handle(parse_message(text))
            except MessageError as exc:
                reply = {"type": "error", "message": str(exc)}
            except Exception:  # an analyzer bug must not end the person's session; it is logged without data
                log.exception("camera analyzer failed on a message")
                reply = {"type": "error", "message": "the movement analyzer could not read that frame"}
            await flush()
            await websocket.send_json(reply)
    except WebSocketDisconnect:
        pass
    finally:
        state.close()
        await flush()
