"""Decode video files frame by frame with OpenCV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class VideoError(ValueError):
    """The file is missing or is not a video OpenCV can read."""


@dataclass(frozen=True)
class VideoInfo:
    """What a clip is: size, frame rate, frame count and duration."""

    path: Path
    width: int
    height: int
    fps: float
    frame_count: int

    @property
    def duration(self) -> float:
        """Length in seconds (from the container's frame count)."""
        return self.frame_count / self.fps if self.fps > 0 else 0.0


def _cv2() -> Any:
    """OpenCV, which comes with the `video` extra (mediapipe depends on it)."""
    try:
        import cv2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise VideoError("reading video needs OpenCV: pip install 'sciatica-coach[video]'") from exc
    return cv2


def _open(path: Path) -> Any:
    cv2 = _cv2()
    if not path.is_file():
        raise VideoError(f"no such file: {path}")
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        capture.release()
        raise VideoError(f"cannot read '{path}' as a video")
    return capture


def probe(path: Path) -> VideoInfo:
    """Read a clip's size and timing, or raise VideoError when it is missing or unreadable."""
    cv2 = _cv2()
    capture = _open(path)
    try:
        ok, _ = capture.read()
        if not ok:
            raise VideoError(f"cannot read '{path}' as a video (no decodable frames)")
        fps = float(capture.get(cv2.CAP_PROP_FPS)) or 30.0
        return VideoInfo(
            path=path,
            width=int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            height=int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            fps=fps,
            frame_count=int(capture.get(cv2.CAP_PROP_FRAME_COUNT)),
        )
    finally:
        capture.release()


def frames(path: Path, start: float = 0.0, end: float | None = None) -> Iterator[tuple[float, Any]]:
    """Yield (time in seconds, BGR image) for each frame with start <= time < end."""
    cv2 = _cv2()
    info = probe(path)
    capture = _open(path)
    try:
        index = 0
        if start > 0:
            index = round(start * info.fps)
            capture.set(cv2.CAP_PROP_POS_FRAMES, index)
        while True:
            ok, image = capture.read()
            if not ok:
                return
            t = index / info.fps
            index += 1
            if end is not None and t >= end:
                return
            if t < start:
                continue
            yield t, image
    finally:
        capture.release()
