"""Sciatic nerve glide, lying on the back: which leg rises, with the head and shoulders, held, lowered slowly."""

from __future__ import annotations

from dataclasses import dataclass

from sciatica_coach.domain.motion import posture
from sciatica_coach.domain.motion.base import Analyzer, Reading
from sciatica_coach.domain.motion.counter import Phase, Trace
from sciatica_coach.domain.motion.geometry import (
    SIDE_POINTS,
    Points,
    Sight,
    angle_at,
    check_sight,
    clarity,
    elevation,
    side_points_seen,
)
from sciatica_coach.domain.motion.landmarks import Landmark as L
from sciatica_coach.domain.motion.thresholds import DEFAULT, Thresholds

NEAR = ("shoulder", "hip", "knee", "ankle")
LEGS = (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)


@dataclass(slots=True)
class GlideNotes:
    """What one lift showed."""

    side: str = ""
    best_head: float = float("-inf")
    knee_at_top: float = 180.0
    both_legs: bool = False
    sat_up: bool = False
    head_judged: bool = False
    fastest_drop: float = 0.0


class NerveGlide(Analyzer):
    """Counts glides per leg, times the hold, names the variant (straight or bent knee) and the faults."""

    views = ("side", "three-quarter")
    lying = True
    position = "lying"
    get_into_position = "Lie on your back, side-on to the camera, to start."

    def __init__(self, exercise_id: str = "nerve-glide", thresholds: Thresholds = DEFAULT) -> None:
        self.g = thresholds.glide
        super().__init__(exercise_id, self.g.rest, self.g.peak, thresholds)
        self._head_base: float | None = None
        self._legs = {"left": 0.0, "right": 0.0}
        self._knees = {"left": 180.0, "right": 180.0}
        self._head = 0.0
        self._trunk = 0.0
        self._notes = GlideNotes()
        self._lying_frames = 0
        self._straight_frames = 0
        self._knee_frames = 0
        self._both_legs = 0

    def read(self, points: Points, t: float) -> tuple[Sight, Reading | None]:
        """The higher leg's elevation (hip to ankle above the floor line) is the rep signal."""
        self.near = posture.near_side(points, self.near, self.th.tracking.near_side_margin)
        sight = side_points_seen(points, self.near, NEAR, self.th)
        if sight.ok:
            tr = self.th.tracking
            sight = check_sight(points, LEGS, self.g.far_leg_visibility, tr.frame_margin)
        if not sight.ok:
            return sight, None
        for leg in ("left", "right"):
            sp = SIDE_POINTS[leg]
            self._legs[leg] = elevation(points.p(sp["hip"]), points.p(sp["ankle"]))
            self._knees[leg] = angle_at(points.p(sp["hip"]), points.p(sp["knee"]), points.p(sp["ankle"]))
        up = "left" if self._legs["left"] >= self._legs["right"] else "right"
        down = "right" if up == "left" else "left"
        hips = points.mid(L.LEFT_HIP, L.RIGHT_HIP)
        self._trunk = posture.trunk_elevation(points)
        self._head = elevation(hips, points.mid(L.LEFT_EAR, L.RIGHT_EAR))
        lying = posture.is_lying(points, self.th.posture) or abs(self._trunk) < self.g.trunk_max
        ready = lying and self._legs[down] < self.g.other_leg_max and self._trunk < self.g.trunk_max
        resting = self.counter.phase in (Phase.SETUP, Phase.REST) and ready and self._legs[up] < self.g.rest
        if resting:
            base = self._head_base
            rate = self.th.tracking.baseline_rate
            self._head_base = self._head if base is None else base + (self._head - base) * rate
        self._observe(lying, up)
        return sight, Reading(self._legs[up], ready, up, clarity(points, self.near, NEAR, self.th))

    def _observe(self, lying: bool, up: str) -> None:
        if lying:
            self._lying_frames += 1
            if self._legs[up] > self.g.peak:
                self._knee_frames += 1
                self._straight_frames += self._knees[up] >= self.g.straight_knee
                if min(self._legs.values()) > self.g.other_leg_max:
                    self._both_legs += 1

    def on_break(self) -> None:
        """A new framing: the resting head line must be learnt again."""
        self._head_base = None

    def start_rep(self, trace: Trace) -> None:
        """Fresh notes for the new lift."""
        self._notes = GlideNotes()

    def _head_lift(self) -> float:
        return self._head - self._head_base if self._head_base is not None else 0.0

    def live_faults(self, t: float, points: Points, phase: Phase, trace: Trace) -> list[str]:
        """The head must come up with the leg (judged once the leg is up); the other leg stays down."""
        notes = self._notes
        up = max(self._legs, key=lambda leg: self._legs[leg])
        if phase in (Phase.MOVE, Phase.HOLD) and self._legs[up] >= trace.top - 1.0:
            notes.side, notes.knee_at_top = up, self._knees[up]
        notes.best_head = max(notes.best_head, self._head_lift())
        if min(self._legs.values()) > self.g.other_leg_max:
            notes.both_legs = True
        if self._trunk > self.g.trunk_max:
            notes.sat_up = True
        if phase is Phase.RETURN:
            notes.fastest_drop = max(notes.fastest_drop, -self.signal.rate)
        held = trace.peak_t is not None and t - trace.peak_t > self.g.head_judged_after
        ripe = phase is Phase.RETURN or (phase is Phase.HOLD and held)
        if ripe and not notes.head_judged and self._head_base is not None:
            notes.head_judged = True
            if notes.best_head < self.g.head_lift:
                return ["no-head-lift"]
        return []

    def accept(self, trace: Trace) -> bool:
        """Both legs up (scissors, a double leg raise) or sitting up is not a glide."""
        return not (self._notes.both_legs or self._notes.sat_up)

    def final_faults(self, trace: Trace) -> list[str]:
        """The lowering speed is judged once the leg is down."""
        faults = []
        notes = self._notes
        if not notes.head_judged and self._head_base is not None and notes.best_head < self.g.head_lift:
            faults.append("no-head-lift")
        if trace.end_seen:
            lowered_from = trace.return_start if trace.return_start is not None else trace.top_t
            seconds = max(1e-3, trace.end - lowered_from)
            mean_speed = (trace.top - self.g.rest) / seconds
            if mean_speed > self.g.fast_drop_speed or notes.fastest_drop > self.g.fast_drop_peak:
                faults.append("fast-drop")
        return faults

    def rep_side(self, trace: Trace) -> str:
        """The leg that rose."""
        return self._notes.side or self.live_side

    def rep_variant(self, trace: Trace) -> str:
        """Straight or bent knee, from the knee angle with the leg up."""
        return "straight" if self._notes.knee_at_top >= (self.g.bent_knee + self.g.straight_knee) / 2 else "bent-knee"

    def extra_observations(self) -> dict[str, str]:
        """Lying or not, and whether the knees stayed straight when a leg was up."""
        seen: dict[str, str] = {}
        if self.visible_frames:
            seen["lying"] = "yes" if self._lying_frames > self.visible_frames / 2 else "no"
        if self._knee_frames:
            share = self._straight_frames / self._knee_frames
            straight = self.g.straight_share
            seen["knees"] = "straight" if share >= straight else ("bent" if share <= 1 - straight else "mixed")
            seen["both_legs_up"] = "yes" if self._both_legs > self._knee_frames / 2 else "no"
        return seen

    def extra_warnings(self) -> list[str]:
        """Both legs up is another exercise."""
        if self._knee_frames and self._both_legs > self._knee_frames / 2:
            return ["Both legs were up together: that is not a nerve glide, so those movements were not counted."]
        return []
