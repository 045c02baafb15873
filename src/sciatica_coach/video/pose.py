"""Run MediaPipe BlazePose (the Python package, imported lazily) on decoded frames."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Any

import numpy as np

from sciatica_coach.domain.motion import PoseFrame


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
        self._pose: Any = mp.solutions.pose.Pose(
            static_image_mode=False, model_complexity=1, smooth_landmarks=True, enable_segmentation=False
        )

    def __enter__(self) -> PoseModel:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Free the model's graph."""
        self._pose.close()

    def detect(self, t: float, image_bgr: Any) -> PoseFrame:
        """Landmarks of the person in one BGR image (None landmarks when nobody is found)."""
        import cv2

        height, width = image_bgr.shape[:2]
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return PoseFrame(t, None, width, height)
        points = np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark], dtype=np.float64)
        return PoseFrame(t, points, width, height)


def pose_frames(images: Iterator[tuple[float, Any]]) -> Iterator[tuple[PoseFrame, Any]]:
    """Yield (PoseFrame, image) for each (time, BGR image), running one model over the whole sequence."""
    with PoseModel() as model:
        for t, image in images:
            yield model.detect(t, image), image
