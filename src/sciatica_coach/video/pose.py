"""Run MediaPipe BlazePose (the Python package, imported lazily) on decoded frames."""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from types import TracebackType
from typing import Any

import numpy as np

from sciatica_coach.domain.motion import PoseFrame


def _flush_c_streams() -> None:
    with suppress(OSError, AttributeError):  # not every platform exposes libc this way
        ctypes.CDLL(None).fflush(None)


@contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence what native code writes straight to file descriptor 2 (TFLite and absl start-up notes)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        _flush_c_streams()  # what native code buffered goes to /dev/null, not to the restored stderr later
        os.dup2(saved, 2)
        os.close(saved)


QUIET_FRAMES = 3  # the runtime's notes come from its own threads, up to a few frames after the first person found
QUIET_MAX_FRAMES = 90


class PoseUnavailable(RuntimeError):
    """The mediapipe package is not installed (it comes with the `video` extra)."""


class PoseModel:
    """The full BlazePose model in video (tracking) mode; use as a context manager."""

    def __init__(self) -> None:
        try:
            import mediapipe as mp
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise PoseUnavailable(
                "the pose model needs the 'mediapipe' package: pip install 'sciatica-coach[video]'"
            ) from exc
        # The native runtime prints start-up notes from its own threads until the first people are found.
        self._frames = self._found = 0
        self._quiet = ExitStack()
        self._quiet.enter_context(quiet_native_stderr())
        try:
            self._pose: Any = mp.solutions.pose.Pose(
                static_image_mode=False, model_complexity=1, smooth_landmarks=True, enable_segmentation=False
            )
        except BaseException:
            self._quiet.close()
            raise

    def __enter__(self) -> PoseModel:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Free the model's graph."""
        self._quiet.close()
        self._pose.close()

    def _settle(self, result: Any) -> None:
        """Stop silencing stderr once the runtime has said its piece (a few frames after the first person)."""
        self._frames += 1
        if result is not None and result.pose_landmarks is not None:
            self._found += 1
        if self._found >= QUIET_FRAMES or self._frames >= QUIET_MAX_FRAMES:
            self._quiet.close()

    def detect(self, t: float, image_bgr: Any) -> PoseFrame:
        """Landmarks of the person in one BGR image (None landmarks when nobody is found)."""
        import cv2

        height, width = image_bgr.shape[:2]
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        result: Any = None
        try:
            result = self._pose.process(rgb)
        finally:
            self._settle(result)
        if result.pose_landmarks is None:
            return PoseFrame(t, None, width, height)
        points = np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark], dtype=np.float64)
        return PoseFrame(t, points, width, height)


def pose_frames(images: Iterator[tuple[float, Any]]) -> Iterator[tuple[PoseFrame, Any]]:
    """Yield (PoseFrame, image) for each (time, BGR image), running one model over the whole sequence."""
    with PoseModel() as model:
        for t, image in images:
            yield model.detect(t, image), image
