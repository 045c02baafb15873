"""A pinhole camera around the body: side, three-quarter or front, and what MediaPipe would report from it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sciatica_coach.domain.motion.landmarks import Landmark as L
from sciatica_coach.domain.motion.synthetic.body import Array

VIEWS = {"side": 0.0, "three-quarter": 45.0, "front": 90.0}
LEFT_POINTS = frozenset(int(m) for m in L if m.name.startswith("LEFT_"))
RIGHT_POINTS = frozenset(int(m) for m in L if m.name.startswith("RIGHT_"))


@dataclass(frozen=True)
class Camera:
    """Where the camera stands: azimuth 0 = side-on (the `near` side of the body faces it), 90 = facing the front
    of a standing person (or the head end of someone lying)."""

    azimuth: float = 0.0
    near: str = "left"
    height: float = 0.6  # metres above the floor
    distance: float = 3.2  # metres from the aim point
    aim: tuple[float, float, float] = (0.0, 0.8, 0.0)
    width: int = 640
    height_px: int = 480
    focal: float = 560.0  # pixels

    def project(self, points: Array) -> Array:
        """(33, 4) landmarks: x, y in 0-1 picture coordinates, z (depth from the hips, x's scale), visibility."""
        az = math.radians(self.azimuth)
        side = -1.0 if self.near == "left" else 1.0  # the left side is at -z
        ax, ay, az_ = self.aim
        eye = np.array([ax + self.distance * math.sin(az), self.height, az_ + side * self.distance * math.cos(az)])
        forward = np.array([ax, ay, az_]) - eye
        forward /= np.linalg.norm(forward)
        right = np.cross(forward, np.array([0.0, 1.0, 0.0]))
        right /= np.linalg.norm(right)
        up = np.cross(right, forward)
        rel = points - eye
        x, y, depth = rel @ right, rel @ up, rel @ forward
        depth = np.maximum(depth, 0.1)
        u = self.width / 2 + self.focal * x / depth
        v = self.height_px / 2 - self.focal * y / depth
        hips = (depth[L.LEFT_HIP] + depth[L.RIGHT_HIP]) / 2
        out = np.empty((len(points), 4))
        out[:, 0] = u / self.width
        out[:, 1] = v / self.height_px
        out[:, 2] = (depth - hips) * self.focal / float(depth.mean()) / self.width
        out[:, 3] = self._visibility(len(points))
        outside = (out[:, 0] < 0) | (out[:, 0] > 1) | (out[:, 1] < 0) | (out[:, 1] > 1)
        out[outside, 3] = np.minimum(out[outside, 3], 0.3)
        return out

    def _visibility(self, count: int) -> Array:
        """Near-side points are clear; far-side points are hidden behind the body when seen from the side."""
        hidden = 0.65 * abs(math.cos(math.radians(self.azimuth)))
        vis = np.full(count, 0.95)
        far = RIGHT_POINTS if self.near == "left" else LEFT_POINTS
        for index in far:
            vis[index] = 0.95 - hidden
        return vis


def camera_for(
    view: str | float, near: str = "left", lying: bool = False, width: int = 640, height: int = 480
) -> Camera:
    """A camera for a named view (or an azimuth in degrees), framed for a standing or a lying person."""
    azimuth = VIEWS[view] if isinstance(view, str) else float(view)
    if lying:
        return Camera(azimuth, near, height=0.5, distance=3.0, aim=(0.0, 0.3, 0.0), width=width, height_px=height)
    return Camera(azimuth, near, height=1.0, distance=3.6, aim=(0.0, 0.85, 0.0), width=width, height_px=height)
