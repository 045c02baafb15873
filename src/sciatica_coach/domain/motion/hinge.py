"""Hip hinge: counts hinges from standing, tells a squat from a hinge, watches the back and the stand-up order."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sciatica_coach.domain.motion import posture
from sciatica_coach.domain.motion.base import Analyzer, Reading
from sciatica_coach.domain.motion.counter import Phase, Trace
from sciatica_coach.domain.motion.geometry import (
    SIDE_POINTS,
    Points,
    Sight,
    clarity,
    foreshortened_tilt,
    rotation_toward,
    side_points_seen,
    tilt,
)
from sciatica_coach.domain.motion.landmarks import Landmark as L
from sciatica_coach.domain.motion.smoothing import Smoother
from sciatica_coach.domain.motion.thresholds import DEFAULT, Thresholds

NEEDED = ("shoulder", "hip", "knee")  # the rep signal; the ankle (often hidden by a weight) only has to be placed
FOOT = ("ankle",)


@dataclass(slots=True)
class Shape:
    """The body's geometry in one frame (degrees; hips_back in torso lengths)."""

    trunk: float  # trunk tilt from vertical
    thigh: float  # thigh tilt from vertical
    knee: float  # knee bend (0 = straight)
    head_drop: float  # head and upper back curling below the trunk line
    hips_back: float  # how far the hips moved back since standing


@dataclass(slots=True)
class HingeNotes:
    """What one rep showed."""

    bottom: Shape | None = None
    knees_first: bool | None = None  # judged once, when the knees are mostly straight again
    single_leg: bool = False  # one foot left the floor behind: a single-leg hinge


class HipHinge(Analyzer):
    """Standing hip hinge, from the side, three-quarter or front."""

    def __init__(self, thresholds: Thresholds = DEFAULT) -> None:
        self.h = thresholds.hinge
        super().__init__("hip-hinge", self.h.rest, self.h.peak, thresholds)
        self._ref_trunk = 0.0
        self._ref_thigh = 0.0
        self._ref_shank = 0.0
        self._head_base = 0.0
        self._hip_x_base: float | None = None
        self._facing = 1.0
        self._shape: Shape | None = None
        self._notes = HingeNotes()
        self._calibrated = False
        self._shoulder_y_base: float | None = None
        self._lifted = ""
        detail = (thresholds.tracking.detail_smoothing, thresholds.tracking.rate_window)
        self._knee = Smoother(*detail)
        self._trunk = Smoother(*detail)

    def read(self, points: Points, t: float) -> tuple[Sight, Reading | None]:
        """The rep signal: hip flexion (trunk tilt plus thigh tilt, degrees), or once standing height is known,
        how far the shoulders dropped (in hundredths of the torso) when that is more: the shoulders stay well
        tracked when a weight or the other leg hides the knees."""
        self.near = posture.near_side(points, self.near, self.th.tracking.near_side_margin)
        sight = side_points_seen(points, self.near, NEEDED, self.th)
        if sight.ok:
            sight = side_points_seen(points, self.near, FOOT, self.th, self.h.ankle_visibility)
        if not sight.ok:
            return sight, None
        on_feet = posture.is_on_feet(points, square_torso=False, p=self.th.posture)
        lifted = self._lifted_leg(points)
        if lifted or (self.counter.trace is None and self.signal.value < self.h.rest * 0.5):
            self._lifted = lifted  # kept until standing tall again: the reaching leg's landmarks come and go
        standing_leg = self.near
        if self._lifted:
            standing_leg = "right" if self._lifted == "left" else "left"
            if self.counter.trace is not None and not self._notes.single_leg:
                self._notes.single_leg = True
                self._notes.bottom = None  # a bottom read on the leg now reaching back is no measure
        sp = SIDE_POINTS[standing_leg]  # the leg the body stands on carries the hinge
        shoulders = points.mid(L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
        hips = points.mid(L.LEFT_HIP, L.RIGHT_HIP)
        hip, knee, ankle = points.p(sp["hip"]), points.p(sp["knee"]), points.p(sp["ankle"])
        trunk_len, thigh_len = points.torso_length(), points.dist(sp["hip"], sp["knee"])
        shank_len = points.dist(sp["knee"], sp["ankle"])
        h = self.h
        still = abs(self.signal.rate) < self.th.counting.hold_speed and self.signal.value < h.rest * 0.5
        resting = self.counter.phase in (Phase.SETUP, Phase.REST) and still  # standing still: the reference
        if resting and on_feet and tilt(shoulders, hips) < h.standing_max_tilt:
            self._calibrate(points, trunk_len, thigh_len, shank_len, hips)
        trunk = min(self._tilt(shoulders, hips, trunk_len, self._ref_trunk), h.max_trunk)
        thigh_seen = self._tilt(hip, knee, thigh_len, self._ref_thigh)
        thigh = min(thigh_seen, h.max_thigh)
        shank = min(self._tilt(knee, ankle, shank_len, self._ref_shank), h.max_shank)
        hips_back = 0.0
        if self._hip_x_base is not None and self._ref_trunk > 0:
            turned = math.cos(math.radians(min(self.azimuth.value, self.h.turned_max)))  # shrinks as the camera turns
            hips_back = (self._hip_x_base - hips[0]) * self._facing / self._ref_trunk / turned
        knee_bend = self._knee.update(t, thigh + shank)
        trunk_now = self._trunk.update(t, trunk)
        self._shape = Shape(trunk_now, thigh, knee_bend, self._head_drop(points) - self._head_base, hips_back)
        flexion = trunk + thigh if thigh_seen <= h.max_thigh else 0.0  # a knee placed above the hip: misread
        signal = trunk + thigh
        if self._shoulder_y_base is not None and self._ref_trunk > 0:
            drop = (shoulders[1] - self._shoulder_y_base) / self._ref_trunk * 100.0
            signal = max(drop, flexion)
        return sight, Reading(signal, on_feet, "", clarity(points, self.near, NEEDED, self.th))

    def _lifted_leg(self, points: Points) -> str:
        """The leg reaching back off the floor (a single-leg hinge): its knee behind the hip, or its foot well above
        the other; "" with both feet down."""
        lengths = [points.dist(SIDE_POINTS[leg]["hip"], SIDE_POINTS[leg]["ankle"]) for leg in ("left", "right")]
        leg_len = max(lengths)
        if leg_len <= 1e-6:
            return ""
        behind = {}
        turned = math.cos(math.radians(min(self.azimuth.value, self.h.turned_max)))  # shrinks as the camera turns
        for leg in ("left", "right"):
            sp = SIDE_POINTS[leg]
            behind[leg] = (points.xs[sp["hip"]] - points.xs[sp["knee"]]) * self._facing / leg_len / turned
        lift = (points.ys[L.LEFT_ANKLE] - points.ys[L.RIGHT_ANKLE]) / leg_len  # positive: the right foot is higher
        back = self.h.knee_behind
        if lift > self.h.foot_lift or (behind["right"] > back and behind["left"] < back / 2):
            return "right"
        if -lift > self.h.foot_lift or (behind["left"] > back and behind["right"] < back / 2):
            return "left"
        return ""

    def _tilt(self, top: tuple[float, float], bottom: tuple[float, float], seen: float, ref: float) -> float:
        flat = tilt(top, bottom)
        if self.view == "side" or ref <= 0:
            return flat
        deep = foreshortened_tilt(top, bottom, max(ref, seen) * self.h.foreshortening_slack)
        return deep if self.view == "front" else max(flat, deep)

    def _calibrate(self, points: Points, trunk: float, thigh: float, shank: float, hips: tuple[float, float]) -> None:
        """Standing tall: remember segment lengths, the hips' place, the shoulders' height, the head's line."""
        first = self._ref_trunk <= 0
        k = 1.0 if first else self.th.tracking.baseline_rate
        self._calibrated = True
        self._ref_trunk += (trunk - self._ref_trunk) * k
        self._ref_thigh += (thigh - self._ref_thigh) * k
        self._ref_shank += (shank - self._ref_shank) * k
        hip_x = hips[0]
        self._hip_x_base = hip_x if self._hip_x_base is None else self._hip_x_base + (hip_x - self._hip_x_base) * k
        shoulder_y = (points.ys[L.LEFT_SHOULDER] + points.ys[L.RIGHT_SHOULDER]) * 0.5
        base = self._shoulder_y_base
        self._shoulder_y_base = shoulder_y if base is None else base + (shoulder_y - base) * k
        nose_x = points.xs[L.NOSE]
        ears_x = (points.xs[L.LEFT_EAR] + points.xs[L.RIGHT_EAR]) * 0.5
        if abs(nose_x - ears_x) > 1e-6:
            self._facing = 1.0 if nose_x > ears_x else -1.0
        self._head_base += (self._head_drop(points) - self._head_base) * k

    def _head_drop(self, points: Points) -> float:
        """How far the shoulder->ear line turns toward the chest side from the hip->shoulder line."""
        sx, sy = points.mid(L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
        hx, hy = points.mid(L.LEFT_HIP, L.RIGHT_HIP)
        ex, ey = points.mid(L.LEFT_EAR, L.RIGHT_EAR)
        u = (sx - hx, sy - hy)
        front = (self._facing, 0.0) if abs(u[0]) < abs(u[1]) * 0.2 else (self._facing * abs(u[1]), abs(u[0]))
        return rotation_toward(u, (ex - sx, ey - sy), front)

    def on_break(self) -> None:
        """New framing: the standing references no longer hold."""
        self._ref_trunk = self._ref_thigh = self._ref_shank = 0.0
        self._hip_x_base = None
        self._shoulder_y_base = None
        self._calibrated = False
        self._knee.reset()
        self._trunk.reset()

    def start_rep(self, trace: Trace) -> None:
        """Fresh notes for the new rep."""
        self._notes = HingeNotes()

    def live_faults(self, t: float, points: Points, phase: Phase, trace: Trace) -> list[str]:
        """Squat pattern and rounding are judged at the bottom; the stand-up order as it happens."""
        shape, notes = self._shape, self._notes
        if shape is None:
            return []
        if phase in (Phase.MOVE, Phase.HOLD):
            if notes.bottom is None or shape.trunk + shape.thigh >= notes.bottom.trunk + notes.bottom.thigh:
                notes.bottom = shape
            return []
        bottom = notes.bottom
        if phase is not Phase.RETURN or bottom is None:
            return []
        faults = self._bottom_faults(bottom)
        h = self.h
        judge = notes.knees_first is None and min(bottom.knee, bottom.trunk) > h.min_range and self.view != "front"
        judge = judge and not notes.single_leg  # the stand-up order is judged on two legs
        if judge and (bottom.knee - shape.knee) / bottom.knee >= h.knees_straight:
            notes.knees_first = (bottom.trunk - shape.trunk) / bottom.trunk < self.h.knees_first_trunk
            if notes.knees_first and "squat-pattern" not in faults:
                faults.append("knees-first")
        return faults

    def _bottom_faults(self, bottom: Shape) -> list[str]:
        faults = []
        if bottom.thigh - bottom.trunk > self.h.squat_margin:
            faults.append("squat-pattern")
        if not self._calibrated:
            return faults  # no standing reference for the back
        folded = bottom.trunk > self.h.fold_tilt and self.view != "front" and bottom.hips_back < self.h.hips_back_min
        if bottom.head_drop > self.h.rounding or folded:
            faults.append("rounded-back")
        return faults

    def final_faults(self, trace: Trace) -> list[str]:
        """Knees-first stand-up, and the bottom's faults for reps too quick to be judged live."""
        faults = self._bottom_faults(self._notes.bottom) if self._notes.bottom is not None else []
        if self._notes.knees_first and not self._notes.single_leg and "squat-pattern" not in faults:
            faults.append("knees-first")
        return faults

    def rep_variant(self, trace: Trace) -> str:
        """A single-leg hinge when one foot left the floor ("" for both feet down)."""
        return "single-leg" if self._notes.single_leg else ""

    def extra_observations(self) -> dict[str, str]:
        """How deep the last hinge went."""
        if not self.reps:
            return {}
        return {"deepest_hip_flexion": f"{max(r.peak for r in self.reps):.0f}"}
