"""A stick-figure body in 3D: segment angles in the body's sagittal plane, turned into the 33 BlazePose points.

The sagittal plane holds the horizontal axis f and the vertical y; z completes right-handed axes, so facing +f the
person's left side is at -z. Angles are in
degrees from +f, counter-clockwise toward +y. Standing, the person faces +f; lying on the back, the head points to
-f; lying face down, the head points to +f. Bending forward (flexion) of the trunk, neck and spine is then always a
clockwise turn, whatever the posture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np
import numpy.typing as npt

from sciatica_coach.domain.motion.landmarks import LANDMARK_COUNT
from sciatica_coach.domain.motion.landmarks import Landmark as L

Array = npt.NDArray[np.float64]

# Segment lengths in metres (an average adult) and half-widths across the body.
TRUNK = 0.50
NECK = 0.20
THIGH = 0.43
SHANK = 0.42
UPPER_ARM = 0.30
FOREARM = 0.26
HIP_HALF = 0.10
SHOULDER_HALF = 0.19
HIP_HEIGHT_LYING = 0.10
ANKLE_HEIGHT = 0.08


@dataclass(frozen=True)
class BodyPose:
    """Where the hips are and how every segment is turned (degrees)."""

    hip_f: float = 0.0
    hip_y: float = THIGH + SHANK + ANKLE_HEIGHT
    trunk: float = 90.0  # lower trunk, hips to mid-back
    rounding: float = 0.0  # upper trunk bent forward from the lower trunk
    neck: float = 0.0  # head bent forward from the upper trunk
    thigh_l: float = -90.0
    thigh_r: float = -90.0
    knee_l: float = 0.0  # knee bend (0 = straight)
    knee_r: float = 0.0
    arm_l: float = -90.0  # upper arm
    arm_r: float = -90.0
    elbow_l: float = 0.0  # elbow bend
    elbow_r: float = 0.0
    hands_f: float = 0.0  # where the hands rest on the floor ...
    hands_y: float = 0.0
    hands_on_floor: float = 0.0  # ... blended in from 0 (arms by angles) to 1 (hands planted)

    def lerp(self, other: BodyPose, k: float) -> BodyPose:
        """The pose a share `k` of the way to `other`."""
        return replace(
            self,
            **{
                f.name: getattr(self, f.name) + (getattr(other, f.name) - getattr(self, f.name)) * k
                for f in fields(self)
            },
        )


def _dir(angle: float) -> tuple[float, float]:
    r = math.radians(angle)
    return math.cos(r), math.sin(r)


def _at(base: tuple[float, float], length: float, angle: float) -> tuple[float, float]:
    dx, dy = _dir(angle)
    return base[0] + length * dx, base[1] + length * dy


def _mix(a: tuple[float, float], b: tuple[float, float], k: float) -> tuple[float, float]:
    return a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k


def _reach(shoulder: tuple[float, float], hand: tuple[float, float]) -> tuple[tuple[float, float], tuple[float, float]]:
    """Elbow and wrist of an arm whose hand is planted at `hand` (two-link reach, elbow pointing to the feet)."""
    dx, dy = hand[0] - shoulder[0], hand[1] - shoulder[1]
    dist = math.hypot(dx, dy)
    reach = UPPER_ARM + FOREARM - 1e-6
    if dist > reach:
        hand = (shoulder[0] + dx / dist * reach, shoulder[1] + dy / dist * reach)
        dist = reach
    dist = max(dist, abs(UPPER_ARM - FOREARM) + 1e-6)
    base = math.degrees(math.atan2(dy, dx))
    cos_a = (UPPER_ARM**2 + dist**2 - FOREARM**2) / (2 * UPPER_ARM * dist)
    offset = math.degrees(math.acos(max(-1.0, min(1.0, cos_a))))
    elbow = _at(shoulder, UPPER_ARM, base - offset)
    return elbow, hand


def joints(pose: BodyPose) -> Array:
    """The 33 landmarks in metres (f, y, z) for a pose."""
    out = np.zeros((LANDMARK_COUNT, 3))

    def put(index: int, point: tuple[float, float], z: float) -> None:
        out[index] = (point[0], point[1], z)

    hip = (pose.hip_f, pose.hip_y)
    mid_back = _at(hip, TRUNK / 2, pose.trunk)
    upper = pose.trunk - pose.rounding
    shoulder = _at(mid_back, TRUNK / 2, upper)
    neck_angle = upper - pose.neck
    ear = _at(shoulder, NECK, neck_angle)
    front = neck_angle - 90.0
    for index, z in ((L.LEFT_HIP, HIP_HALF), (L.RIGHT_HIP, -HIP_HALF)):
        put(index, hip, z)
    for index, z in ((L.LEFT_SHOULDER, SHOULDER_HALF), (L.RIGHT_SHOULDER, -SHOULDER_HALF)):
        put(index, shoulder, z)
    put(L.LEFT_EAR, ear, 0.07)
    put(L.RIGHT_EAR, ear, -0.07)
    put(L.NOSE, _at(_at(ear, 0.10, front), 0.02, neck_angle), 0.0)
    eye = _at(_at(ear, 0.075, front), 0.04, neck_angle)
    for index, z in ((L.LEFT_EYE_INNER, 0.02), (L.LEFT_EYE, 0.035), (L.LEFT_EYE_OUTER, 0.05)):
        put(index, eye, z)
        put(index + 3, eye, -z)
    mouth = _at(_at(ear, 0.08, front), -0.04, neck_angle)
    put(L.MOUTH_LEFT, mouth, 0.025)
    put(L.MOUTH_RIGHT, mouth, -0.025)
    for sign, thigh, knee_bend, k, a, heel, toe in (
        (1.0, pose.thigh_l, pose.knee_l, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
        (-1.0, pose.thigh_r, pose.knee_r, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
    ):
        z = sign * HIP_HALF
        knee = _at(hip, THIGH, thigh)
        shank = thigh - knee_bend
        ankle = _at(knee, SHANK, shank)
        foot = shank + 90.0
        put(k, knee, z)
        put(a, ankle, z)
        put(heel, _at(_at(ankle, 0.06, shank), -0.03, foot), z)
        put(toe, _at(_at(ankle, 0.05, shank), 0.17, foot), z)
    for sign, arm, elbow_bend, e, w, pinky, index, thumb in (
        (1.0, pose.arm_l, pose.elbow_l, L.LEFT_ELBOW, L.LEFT_WRIST, L.LEFT_PINKY, L.LEFT_INDEX, L.LEFT_THUMB),
        (-1.0, pose.arm_r, pose.elbow_r, L.RIGHT_ELBOW, L.RIGHT_WRIST, L.RIGHT_PINKY, L.RIGHT_INDEX, L.RIGHT_THUMB),
    ):
        free_elbow = _at(shoulder, UPPER_ARM, arm)
        free_wrist = _at(free_elbow, FOREARM, arm + elbow_bend)
        blend = pose.hands_on_floor
        if blend > 0:
            planted_elbow, planted_wrist = _reach(shoulder, (pose.hands_f, pose.hands_y))
            elbow = _mix(free_elbow, planted_elbow, blend)
            wrist = _mix(free_wrist, planted_wrist, blend)
        else:
            elbow, wrist = free_elbow, free_wrist
        forearm = math.degrees(math.atan2(wrist[1] - elbow[1], wrist[0] - elbow[0]))
        put(e, elbow, sign * 0.21)
        put(w, wrist, sign * 0.20)
        put(pinky, _at(wrist, 0.08, forearm), sign * 0.22)
        put(index, _at(wrist, 0.09, forearm), sign * 0.19)
        put(thumb, _at(wrist, 0.05, forearm + 20), sign * 0.17)
    out[:, 2] = -out[:, 2]  # built with the left at +z for readability; the left is -z
    return out


# -- ready-made postures -----------------------------------------------------------------------------------
def standing(trunk_tilt: float = 0.0, thigh_tilt: float = 0.0, shank_tilt: float = 0.0, **extra: float) -> BodyPose:
    """Standing on planted feet: tilts forward from vertical (trunk, thigh with knees ahead, shank with knees ahead)."""
    ankle = (0.0, ANKLE_HEIGHT)
    knee = _at(ankle, SHANK, 90.0 - shank_tilt)
    hip = _at(knee, THIGH, 90.0 + thigh_tilt)
    thigh = -90.0 + thigh_tilt
    knee_bend = thigh_tilt + shank_tilt
    pose = BodyPose(
        hip_f=hip[0] + extra.pop("shift", 0.0), hip_y=hip[1], trunk=90.0 - trunk_tilt,
        thigh_l=thigh, thigh_r=thigh, knee_l=knee_bend, knee_r=knee_bend,
        arm_l=-90.0 - trunk_tilt * 0.3, arm_r=-90.0 - trunk_tilt * 0.3, elbow_l=10.0, elbow_r=10.0,
    )  # fmt: skip
    return replace(pose, **extra)


def supine(
    leg_l: float = 0.0, leg_r: float = 0.0, knee_l: float = 0.0, knee_r: float = 0.0, **extra: float
) -> BodyPose:
    """Lying on the back, head toward -f: leg angles above the floor, knee bends, trunk lift and neck curl."""
    lift = extra.pop("trunk_lift", 0.0)  # head and shoulders curl up: mostly the upper trunk
    pose = BodyPose(
        hip_f=0.0, hip_y=HIP_HEIGHT_LYING, trunk=180.0 - lift * 0.2, rounding=lift * 0.8,
        thigh_l=leg_l, thigh_r=leg_r, knee_l=knee_l, knee_r=knee_r,
        arm_l=-5.0, arm_r=-5.0, elbow_l=0.0, elbow_r=0.0,
    )  # fmt: skip
    return replace(pose, **extra)


def prone(trunk_rise: float = 0.0, pelvis: float = 0.0, **extra: float) -> BodyPose:
    """Lying face down, head toward +f, hands planted by the chest; `pelvis` lifts the hips (metres), knees down."""
    tip = math.degrees(math.asin(max(-1.0, min(1.0, pelvis / THIGH))))
    thigh = -180.0 + tip  # hip to knee: back toward the feet, down to the knee on the floor
    pose = BodyPose(
        hip_f=-THIGH + THIGH * math.cos(math.radians(tip)), hip_y=HIP_HEIGHT_LYING + pelvis, trunk=trunk_rise,
        neck=-10.0, thigh_l=thigh, thigh_r=thigh, knee_l=tip, knee_r=tip,
        arm_l=-100.0, arm_r=-100.0, elbow_l=60.0, elbow_r=60.0, hands_f=0.38, hands_y=0.02, hands_on_floor=1.0,
    )  # fmt: skip
    return replace(pose, **extra)


def face_down_line(angle: float = 0.0, **extra: float) -> BodyPose:
    """Face down on the toes with the body in one straight line from the ankles (a plank or a push-up), raised
    `angle` degrees from the floor at the toes; `forearms` (0/1) rests on the forearms instead of straight arms."""
    forearms = extra.pop("forearms", 0.0) >= 0.5
    ankle = (-(THIGH + SHANK), ANKLE_HEIGHT + 0.02)
    up = math.radians(angle)
    hip = (ankle[0] + (THIGH + SHANK) * math.cos(up), ankle[1] + (THIGH + SHANK) * math.sin(up))
    shoulder = (hip[0] + TRUNK * math.cos(up), hip[1] + TRUNK * math.sin(up))
    hands_f = shoulder[0] + (FOREARM if forearms else 0.0)
    pose = BodyPose(
        hip_f=hip[0], hip_y=hip[1], trunk=angle, neck=-10.0, thigh_l=angle - 180.0, thigh_r=angle - 180.0,
        arm_l=-90.0, arm_r=-90.0, hands_f=hands_f, hands_y=0.02, hands_on_floor=1.0,
    )  # fmt: skip
    return replace(pose, **extra)
