"""Messages the camera socket accepts, validated strictly: landmark numbers only, never pixels.

Text messages are JSON (exercise, finish, and frames for older pages). A frame is best sent as a binary message of
exactly `FRAME_BYTES` bytes: a 16-byte header (little-endian float64 frame time in seconds, uint16 video width and
height, uint32 flags: 1 = a person was found, 0 = none and every number zero) and 33 x 4 float32 numbers (x, y, z,
visibility). 544 bytes cannot hold a picture; a binary message of any other size is refused and the socket closed.
It is validated in a few numpy operations, without a loop over points.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_MESSAGE_CHARS = 8192  # a frame of rounded landmarks is about 1.5 kB
LANDMARK_COUNT = 33
MAX_COORDINATE = 100.0  # normalised coordinates; points just off the picture are a little outside 0-1
MAX_VIDEO_SIDE = 8192
SIDES = ("", "left", "right")
MAX_FRAME_TIME = 1e7

FRAME_HEADER = struct.Struct("<dHHI")  # frame time, video width and height, flags
FRAME_BYTES = FRAME_HEADER.size + LANDMARK_COUNT * 4 * 4  # 16 + 528 = 544
FLAG_PERSON = 1
_LIMITS = np.array([MAX_COORDINATE, MAX_COORDINATE, MAX_COORDINATE, 1.0], dtype=np.float32)  # |x|, |y|, |z|, visibility
WRONG_SIZE_REASON = f"a binary message is one frame of exactly {FRAME_BYTES} bytes of body points; nothing else"


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
    compact: bool = False  # sent as a binary frame: answered only when the status changes


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
        if not 0.0 <= t <= MAX_FRAME_TIME:
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


class WrongSizeError(MessageError):
    """A binary message that is not exactly one frame: the socket is closed, since it may be a picture."""


def parse_frame_bytes(data: bytes) -> FrameMessage:
    """Validate one binary frame (see the module's docstring); raise MessageError saying what is wrong."""
    if len(data) != FRAME_BYTES:
        raise WrongSizeError(f"binary message of {len(data)} bytes refused: {WRONG_SIZE_REASON}")
    t, width, height, flags = FRAME_HEADER.unpack_from(data)
    if not 0.0 <= t <= MAX_FRAME_TIME:  # also refuses NaN
        raise MessageError("t must be seconds since the camera started")
    if not (1 <= width <= MAX_VIDEO_SIDE and 1 <= height <= MAX_VIDEO_SIDE):
        raise MessageError(f"width and height must be whole numbers from 1 to {MAX_VIDEO_SIDE}")
    points = np.frombuffer(data, dtype="<f4", offset=FRAME_HEADER.size).reshape(LANDMARK_COUNT, 4)
    if flags == 0:
        if points.any():
            raise MessageError("a frame without a person (flags 0) carries only zeros")
        return FrameMessage(t=t, width=width, height=height, landmarks=None, compact=True)
    if flags != FLAG_PERSON:
        raise MessageError("flags must be 1 (a person was found) or 0 (nobody)")
    # One pass for the usual good frame (NaN and infinity fail these comparisons too); then which rule was broken.
    if not ((np.abs(points) <= _LIMITS).all() and (points[:, 3] >= 0.0).all()):
        if not np.isfinite(points).all():
            raise MessageError("landmark numbers must be finite")
        if np.abs(points[:, :3]).max() > MAX_COORDINATE:
            raise MessageError("a landmark is far outside the picture")
        raise MessageError("landmark visibility must be between 0 and 1")
    return FrameMessage(t=t, width=width, height=height, landmarks=points.astype(np.float64), compact=True)
