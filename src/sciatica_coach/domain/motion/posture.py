"""Whole-body posture from one frame: lying, standing or neither; and the camera's view of the person."""

from __future__ import annotations

import math

from sciatica_coach.domain.motion.geometry import Points, elevation, view_azimuth
from sciatica_coach.domain.motion.landmarks import Landmark as L
from sciatica_coach.domain.motion.thresholds import DEFAULT, Posture


def trunk_elevation(points: Points) -> float:
    """Angle of the mid-hip -> mid-shoulder line above the horizontal, in the picture."""
    return elevation(points.mid(L.LEFT_HIP, L.RIGHT_HIP), points.mid(L.LEFT_SHOULDER, L.RIGHT_SHOULDER))


def width_ratio(points: Points) -> float:
    """Shoulder width over torso length, both as seen in the picture."""
    torso = points.torso_length()
    if torso <= 1e-6:
        return 0.0
    return points.dist(L.LEFT_SHOULDER, L.RIGHT_SHOULDER) / torso


def _ankle_drop(points: Points) -> float:
    """How far the ankles sit below the hips, as a share of the hip->ankle distance (1 = straight below)."""
    drops = []
    for hip, ankle in ((L.LEFT_HIP, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_ANKLE)):
        length = points.dist(hip, ankle)
        if length > 1e-6:
            drops.append((points.ys[ankle] - points.ys[hip]) / length)
    return max(drops) if drops else 0.0


def is_lying(points: Points, p: Posture = DEFAULT.posture) -> bool:
    """Trunk level with the floor, or pointing at the camera (seen from the head or feet end)."""
    if width_ratio(points) > p.end_view_ratio:
        return True
    return abs(trunk_elevation(points)) < p.lying_max_trunk and _ankle_drop(points) < p.on_feet_drop


def is_on_feet(points: Points, square_torso: bool = True, p: Posture = DEFAULT.posture) -> bool:
    """Shoulders above the hips and the ankles well below them; with `square_torso`, also a torso not pointing at
    the camera (leave it out for someone bending toward the camera)."""
    shoulders_y = (points.ys[L.LEFT_SHOULDER] + points.ys[L.RIGHT_SHOULDER]) * 0.5
    hips_y = (points.ys[L.LEFT_HIP] + points.ys[L.RIGHT_HIP]) * 0.5
    if shoulders_y >= hips_y or _ankle_drop(points) < p.on_feet_drop:
        return False
    return not square_torso or width_ratio(points) < p.end_view_ratio


def posture(points: Points, p: Posture = DEFAULT.posture) -> str:
    """One word for the body: lying, standing or other."""
    if is_on_feet(points, p=p):
        return "standing"
    if is_lying(points, p):
        return "lying"
    return "other"


def azimuth(points: Points, lying: bool, square_on_ratio: float) -> float:
    """Camera azimuth in degrees (0 side-on, 90 square-on or end-on), from the shoulder width."""
    return view_azimuth(width_ratio(points), lying, square_on_ratio)


def knee_angle(points: Points, side: str) -> float:
    """Hip-knee-ankle angle of one leg (180 = straight)."""
    from sciatica_coach.domain.motion.geometry import angle_at

    if side == "left":
        return angle_at(points.p(L.LEFT_HIP), points.p(L.LEFT_KNEE), points.p(L.LEFT_ANKLE))
    return angle_at(points.p(L.RIGHT_HIP), points.p(L.RIGHT_KNEE), points.p(L.RIGHT_ANKLE))


def near_side(points: Points, current: str, margin: float = DEFAULT.tracking.near_side_margin) -> str:
    """The side turned to the camera (better seen), switching only on a clear difference."""
    left = sum(points.vis[i] for i in (L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE))
    right = sum(points.vis[i] for i in (L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE))
    if current == "left" and right > left + margin:
        return "right"
    if current == "right" and left > right + margin:
        return "left"
    if current not in ("left", "right"):
        return "left" if left >= right else "right"
    return current


def scale_change(before: float, after: float) -> float:
    """Relative change between two lengths (0 = same)."""
    if before <= 1e-6 or after <= 1e-6:
        return math.inf
    return abs(after - before) / max(before, after)
