"""The body landmarks the analyzers read: MediaPipe BlazePose's 33 points, and one frame of them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

LandmarkArray = npt.NDArray[np.float64]

LANDMARK_COUNT = 33
X, Y, Z, VIS = 0, 1, 2, 3


class Landmark(IntEnum):
    """Landmark indices, in the same order as mediapipe's PoseLandmark."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


# Lines drawn between landmarks for a skeleton (same pairs as mediapipe's POSE_CONNECTIONS, minus the face).
SKELETON: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31), (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
    (15, 17), (15, 19), (16, 18), (16, 20), (0, 11), (0, 12),
)  # fmt: skip

SIDES = ("left", "right")


def side_index(side: str, left: Landmark, right: Landmark) -> int:
    """The index of `left` or `right` for a side named "left" or "right"."""
    return int(left if side == "left" else right)


@dataclass(frozen=True, slots=True)
class PoseFrame:
    """One video frame's landmarks: x, y in 0-1 image coordinates (y grows downward), z, visibility.

    `landmarks` has shape (33, 4) or is None when no person was found in the frame; `t` is in seconds.
    """

    t: float
    landmarks: LandmarkArray | None
    width: int = 640
    height: int = 480

    @staticmethod
    def from_list(t: float, points: list[list[float]] | None, width: int = 640, height: int = 480) -> PoseFrame:
        """Build a frame from plain lists (33 rows of x, y, z, visibility), e.g. as received over a WebSocket."""
        if points is None:
            return PoseFrame(t, None, width, height)
        array = np.asarray(points, dtype=np.float64)
        if array.shape != (LANDMARK_COUNT, 4):
            raise ValueError(f"expected {LANDMARK_COUNT} landmarks of 4 numbers, got shape {array.shape}")
        return PoseFrame(t, array, width, height)
