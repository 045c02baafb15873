"""Prone press-up: the chest rises as the elbows straighten, a short hold, the pelvis stays down, not too high."""

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
    clarity,
    elevation,
    side_points_seen,
)
from sciatica_coach.domain.motion.landmarks import Landmark as L
from sciatica_coach.domain.motion.smoothing import Smoother
from sciatica_coach.domain.motion.thresholds import DEFAULT, Thresholds

NEEDED = ("shoulder", "elbow", "wrist", "hip", "knee")


@dataclass(slots=True)
class PressNotes:
    """What one press-up showed."""

    elbow_start: float = 180.0
    elbow_best: float = 0.0
    hip_rise: float = 0.0
    thigh_rise: float = 0.0


class PronePressUp(Analyzer):
    """Counts press-ups from lying face down, times the hold at the top, flags the pelvis and the height."""

    views = ("side", "three-quarter")
    lying = True

    def __init__(self, thresholds: Thresholds = DEFAULT) -> None:
        self.p = thresholds.press_up
        super().__init__("prone-press-up", self.p.rest, self.p.peak, thresholds)
        self._elbow = 180.0
        self._hip_y_base: float | None = None
        self._thigh_base = 0.0
        self._torso_ref = 0.0
        self._hip_rise = 0.0
        self._thigh_rise = 0.0
        self._notes = PressNotes()
        detail = (thresholds.tracking.detail_smoothing, thresholds.tracking.rate_window)
        self._hip = Smoother(*detail)
        self._thigh = Smoother(*detail)

    def read(self, points: Points, t: float) -> tuple[Sight, Reading | None]:
        """Trunk elevation (hips to shoulders above the floor line) is the rep signal."""
        self.near = posture.near_side(points, self.near, self.th.tracking.near_side_margin)
        sight = side_points_seen(points, self.near, NEEDED, self.th)
        if not sight.ok:
            return sight, None
        sp = SIDE_POINTS[self.near]
        trunk = posture.trunk_elevation(points)
        self._elbow = angle_at(points.p(sp["shoulder"]), points.p(sp["elbow"]), points.p(sp["wrist"]))
        hip_y = (points.ys[L.LEFT_HIP] + points.ys[L.RIGHT_HIP]) * 0.5
        thigh = elevation(points.p(sp["knee"]), points.p(sp["hip"]))
        lying = trunk < self.p.lying_max and not posture.is_on_feet(points, p=self.th.posture)
        at_rest = self.counter.phase in (Phase.SETUP, Phase.REST) and lying and trunk < self.p.rest
        if at_rest:
            torso = points.torso_length()
            if self._hip_y_base is None:
                self._hip_y_base, self._thigh_base, self._torso_ref = hip_y, thigh, torso
            else:
                k = self.th.tracking.baseline_rate
                self._hip_y_base += (hip_y - self._hip_y_base) * k
                self._thigh_base += (thigh - self._thigh_base) * k
                self._torso_ref += (torso - self._torso_ref) * k
            self._notes.elbow_start = self._elbow
        if self._hip_y_base is not None and self._torso_ref > 0:
            self._hip_rise = self._hip.update(t, (self._hip_y_base - hip_y) / self._torso_ref)
            self._thigh_rise = self._thigh.update(t, thigh - self._thigh_base)
        ready = lying or self.counter.phase not in (Phase.SETUP, Phase.REST)
        return sight, Reading(trunk, ready, "", clarity(points, self.near, NEEDED, self.th))

    def on_break(self) -> None:
        """A new framing: the floor line must be learnt again."""
        self._hip_y_base = None
        self._hip_rise = self._thigh_rise = 0.0
        self._hip.reset()
        self._thigh.reset()

    def start_rep(self, trace: Trace) -> None:
        """Fresh notes, keeping the elbow angle it started from."""
        self._notes = PressNotes(elbow_start=self._notes.elbow_start)

    def live_faults(self, t: float, points: Points, phase: Phase, trace: Trace) -> list[str]:
        """Pelvis off the floor and pushing too high are cued as they happen."""
        notes = self._notes
        notes.elbow_best = max(notes.elbow_best, self._elbow)
        notes.hip_rise = max(notes.hip_rise, self._hip_rise)
        notes.thigh_rise = max(notes.thigh_rise, self._thigh_rise)
        faults = []
        if notes.hip_rise > self.p.pelvis_lift or notes.thigh_rise > self.p.pelvis_angle:
            faults.append("pelvis-lift")
        if trace.top > self.p.too_high:
            faults.append("too-high")
        return faults

    def accept(self, trace: Trace) -> bool:
        """A press-up straightens the elbows; hips rising far means getting up, which is not counted."""
        notes = self._notes
        p = self.p
        pressed = notes.elbow_best - notes.elbow_start >= p.elbow_extension or notes.elbow_best > p.elbow_straight
        return pressed and notes.hip_rise < p.pelvis_lift * p.got_up

    def extra_observations(self) -> dict[str, str]:
        """Highest press."""
        if not self.reps:
            return {}
        return {"highest_trunk_elevation": f"{max(r.peak for r in self.reps):.0f}"}
