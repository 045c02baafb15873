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
    memo = points.memo()
    found = memo.get(width_ratio)
    if found is None:
        torso = points.torso_length()
        found = memo[width_ratio] = 0.0 if torso <= 1e-6 else points.dist(L.LEFT_SHOULDER, L.RIGHT_SHOULDER) / torso
    assert isinstance(found, float)
    return found


def _ankle_drop(points: Points) -> float:
    """How far the ankles sit below the hips, as a share of the hip->ankle distance (1 = straight below)."""
    memo = points.memo()
    found = memo.get(_ankle_drop)
    if found is None:
        found = memo[_ankle_drop] = _ankle_drop_of(points)
    assert isinstance(found, float)
    return found


def _ankle_drop_of(points: Points) -> float:
    drops = []
    for hip, ankle in ((L.LEFT_HIP, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_ANKLE)):
        length = points.dist(hip, ankle)
        if length > 1e-6:
            drops.append((points.ys[ankle] - points.ys[hip]) / length)
    return max(drops) if drops else 0.0


def legs_flat(points: Points, p: Posture = DEFAULT.posture) -> bool:
    """Both legs along the floor: hip to ankle within `legs_flat` degrees of the horizontal in the picture."""
    return all(
        abs(elevation(points.p(hip), points.p(ankle))) < p.legs_flat
        for hip, ankle in ((L.LEFT_HIP, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_ANKLE))
    )


def is_lying(points: Points, p: Posture = DEFAULT.posture) -> bool:
    """Trunk level with the floor, or pointing at the camera (seen from the head or feet end), or the legs along the
    floor with the trunk propped up on the arms (a cobra or press-up; sitting upright is not lying)."""
    if width_ratio(points) > p.end_view_ratio:
        return True
    if _ankle_drop(points) >= p.on_feet_drop:
        return False
    trunk = abs(trunk_elevation(points))
    return trunk < p.lying_max_trunk or (trunk < p.propped_max_trunk and legs_flat(points, p))


def true_torso(points: Points, square_on_ratio: float) -> float:
    """The torso's length as if seen side-on: a torso turned toward the camera looks shorter while the shoulders
    look wider, so both together give its length whatever the camera's angle (lying or standing)."""
    return math.hypot(points.torso_length(), points.dist(L.LEFT_SHOULDER, L.RIGHT_SHOULDER) / square_on_ratio)


def height_above(points: Points, base: tuple[float, float], tip: tuple[float, float], index: int) -> float:
    """How far landmark `index` sits above the line base -> tip, in pixels (up in the picture is positive)."""
    dx, dy = tip[0] - base[0], tip[1] - base[1]
    n = math.hypot(dx, dy)
    if n <= 1e-6:
        return base[1] - points.ys[index]
    nx, ny = dy / n, -dx / n  # a normal to the line ...
    if ny > 0:
        nx, ny = -nx, -ny  # ... pointing up in the picture
    return (points.xs[index] - base[0]) * nx + (points.ys[index] - base[1]) * ny


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
    memo = points.memo()
    key = (posture, id(p))
    found = memo.get(key)
    if found is None:
        found = memo[key] = "standing" if is_on_feet(points, p=p) else "lying" if is_lying(points, p) else "other"
    assert isinstance(found, str)
    return found


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
