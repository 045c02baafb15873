"""Plane geometry on landmarks in pixels: angles, tilts, elevations, the camera's view, what is in sight."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sciatica_coach.domain.motion.landmarks import Landmark as L
from sciatica_coach.domain.motion.landmarks import LandmarkArray
from sciatica_coach.domain.motion.thresholds import Thresholds

Point = tuple[float, float]

# The landmarks of one body side, for analyzers that read the leg, arm or trunk of a side.
SIDE_POINTS: dict[str, dict[str, int]] = {
    "left": {
        "ear": L.LEFT_EAR, "shoulder": L.LEFT_SHOULDER, "elbow": L.LEFT_ELBOW, "wrist": L.LEFT_WRIST,
        "hip": L.LEFT_HIP, "knee": L.LEFT_KNEE, "ankle": L.LEFT_ANKLE,
    },
    "right": {
        "ear": L.RIGHT_EAR, "shoulder": L.RIGHT_SHOULDER, "elbow": L.RIGHT_ELBOW, "wrist": L.RIGHT_WRIST,
        "hip": L.RIGHT_HIP, "knee": L.RIGHT_KNEE, "ankle": L.RIGHT_ANKLE,
    },
}  # fmt: skip


class Points:
    """A frame's landmarks as plain floats in pixels (fast to read one by one)."""

    __slots__ = ("_memo", "_torso", "h", "vis", "w", "xs", "ys")

    def __init__(self, landmarks: LandmarkArray, width: int, height: int) -> None:
        self.w = float(width)
        self.h = float(height)
        self.xs: list[float] = (landmarks[:, 0] * width).tolist()
        self.ys: list[float] = (landmarks[:, 1] * height).tolist()
        self.vis: list[float] = landmarks[:, 3].tolist()
        self._torso: float | None = None
        self._memo: dict[object, object] = {}  # what posture.py worked out from these points (a frame asks often)

    def memo(self) -> dict[object, object]:
        """A per-frame store for values computed from these points alone (the points never change)."""
        return self._memo

    def p(self, index: int) -> Point:
        """Landmark `index` in pixels (y grows downward)."""
        return (self.xs[index], self.ys[index])

    def mid(self, a: int, b: int) -> Point:
        """Midpoint of two landmarks."""
        return ((self.xs[a] + self.xs[b]) * 0.5, (self.ys[a] + self.ys[b]) * 0.5)

    def dist(self, a: int, b: int) -> float:
        """Distance between two landmarks in pixels."""
        return math.hypot(self.xs[a] - self.xs[b], self.ys[a] - self.ys[b])

    def torso_length(self) -> float:
        """Mid-shoulder to mid-hip distance in pixels."""
        if self._torso is None:
            sx, sy = self.mid(L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
            hx, hy = self.mid(L.LEFT_HIP, L.RIGHT_HIP)
            self._torso = math.hypot(sx - hx, sy - hy)
        return self._torso

    def in_frame(self, index: int, margin: float) -> bool:
        """Whether the landmark lies inside the picture (with a small margin)."""
        x = self.xs[index] / self.w
        y = self.ys[index] / self.h
        return -margin <= x <= 1.0 + margin and -margin <= y <= 1.0 + margin

    def side_visibility(self, side: str, names: tuple[str, ...]) -> float:
        """Lowest visibility among the named points of one side."""
        points = SIDE_POINTS[side]
        return min(self.vis[points[n]] for n in names)


def angle_at(a: Point, b: Point, c: Point) -> float:
    """The angle ABC in degrees (180 = straight)."""
    v1x, v1y = a[0] - b[0], a[1] - b[1]
    v2x, v2y = c[0] - b[0], c[1] - b[1]
    n = math.hypot(v1x, v1y) * math.hypot(v2x, v2y)
    if n <= 1e-9:
        return 180.0
    cos = max(-1.0, min(1.0, (v1x * v2x + v1y * v2y) / n))
    return math.degrees(math.acos(cos))


def tilt(top: Point, bottom: Point) -> float:
    """Angle of the segment bottom->top away from straight up, 0-180 degrees, in the picture."""
    return math.degrees(math.atan2(abs(top[0] - bottom[0]), bottom[1] - top[1]))


def elevation(base: Point, tip: Point) -> float:
    """Angle of base->tip above the horizontal in the picture, -90 to 90 degrees."""
    return math.degrees(math.atan2(base[1] - tip[1], abs(tip[0] - base[0]) + 1e-9))


def foreshortened_tilt(top: Point, bottom: Point, length: float) -> float:
    """Tilt from vertical of a segment of known true length, from its vertical extent only (any level view)."""
    if length <= 1e-9:
        return 0.0
    ratio = max(-1.0, min(1.0, (bottom[1] - top[1]) / length))  # a ratio over 1 (a short `length`) reads as upright
    return math.degrees(math.acos(ratio))


def rotation_toward(u: Point, v: Point, front: Point) -> float:
    """Signed angle from direction u to direction v, positive when v turns toward the `front` side of u."""
    cross = u[0] * v[1] - u[1] * v[0]
    dot = u[0] * v[0] + u[1] * v[1]
    angle = math.degrees(math.atan2(abs(cross), dot))
    side_front = u[0] * front[1] - u[1] * front[0]
    return angle if (cross >= 0) == (side_front >= 0) else -angle


def view_azimuth(width_ratio: float, lying: bool, square_on_ratio: float) -> float:
    """Camera azimuth in degrees (0 = side-on, 90 = facing the person or their head/feet) from body widths.

    `width_ratio` is the shoulder width seen in the picture over the torso length seen in the picture.
    Standing, the torso stays full length whatever the angle; lying, it shortens as the camera turns to the end.
    """
    r = max(0.0, width_ratio) / square_on_ratio
    if lying:
        return math.degrees(math.atan(r))
    return math.degrees(math.asin(min(1.0, r)))


def view_name(azimuth: float, side_max: float, front_min: float) -> str:
    """The view for a camera azimuth: side, three-quarter or front."""
    if azimuth <= side_max:
        return "side"
    if azimuth < front_min:
        return "three-quarter"
    return "front"


@dataclass(frozen=True, slots=True)
class Sight:
    """Whether the body parts an analyzer needs can be seen, and if not, why."""

    ok: bool
    reason: str = ""


def check_sight(points: Points, indices: tuple[int, ...], min_visibility: float, margin: float) -> Sight:
    """Every listed landmark inside the picture and visible enough."""
    for index in indices:
        if not points.in_frame(index, margin):
            return Sight(False, "step back so your whole body is in the picture")
    if min(points.vis[i] for i in indices) < min_visibility:
        return Sight(False, "more light, or a clearer view of your body")
    return Sight(True)


def side_points_seen(
    points: Points, side: str, names: tuple[str, ...], th: Thresholds, min_visibility: float | None = None
) -> Sight:
    """Sight check of the named points (e.g. "hip", "knee") of one side."""
    indices = tuple(SIDE_POINTS[side][n] for n in names)
    lowest = th.tracking.min_visibility if min_visibility is None else min_visibility
    return check_sight(points, indices, lowest, th.tracking.frame_margin)


def clarity(points: Points, side: str, names: tuple[str, ...], th: Thresholds) -> float:
    """0-1: how clearly the named points of one side are seen."""
    lowest = points.side_visibility(side, names)
    return min(1.0, max(0.0, (lowest - th.tracking.clarity_floor) / th.tracking.clarity_span))
