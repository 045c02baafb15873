"""Prone press-up: the chest rises as the elbows straighten, a short hold, the pelvis stays down, not too high.

The floor line runs through the near wrist and ankle (hands and feet rest on the floor in a press-up, a plank and a
push-up alike); the hips' and knees' heights above it, in torso lengths, tell a pelvis on the floor from a plank or a
push-up whether or not the person was first seen lying flat. On the forearms (elbows bent and down on the floor
line), a rise is the smaller forearm ("sphinx") press-up.
"""

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
from sciatica_coach.domain.motion.results import fault_text
from sciatica_coach.domain.motion.smoothing import Smoother
from sciatica_coach.domain.motion.thresholds import DEFAULT, Thresholds

NEEDED = ("shoulder", "elbow", "wrist", "hip", "knee")
FOREARM_CUE = "On your forearms: a smaller press-up. Keep your hips on the floor and breathe out as you rise."
HIPS_OFF_FLOOR = (
    "Your hips were off the floor: that is a plank or a push-up, not a press-up, so nothing was counted. "
    "Lie face down with your hips on the floor and press your chest up with your hands."
)
GOT_UP = "You lifted your hips and got up, so that was not counted as a press-up."
NO_PRESS = (
    "I saw your chest rise but your hands did not press you up, so nothing was counted. "
    "Put your hands by your shoulders and press gently."
)


@dataclass(slots=True)
class PressNotes:
    """What one press-up showed."""

    elbow_start: float = 180.0
    elbow_best: float = 0.0
    hip_rise: float = 0.0
    thigh_rise: float = 0.0
    frames: int = 0
    off_floor: int = 0  # frames with the pelvis (or knees) off the floor line
    elbow_high: float = 0.0  # highest elbow above the floor line at the top (torso lengths)
    started_off_floor: bool = False  # the pelvis was already off the floor when the movement began
    top_frames: int = 0  # frames at the top, and how many of them with the pelvis off the floor
    top_off_floor: int = 0


class PronePressUp(Analyzer):
    """Counts press-ups from lying face down, times the hold at the top, flags the pelvis and the height."""

    views = ("side", "three-quarter")
    lying = True
    position = "lying"
    get_into_position = "Lie face down, side-on to the camera, to start."

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
        self._off_floor = False
        self._hip_floor = Smoother(*detail)
        self._knee_floor = Smoother(*detail)
        self._elbow_height = 0.0
        self._refused: dict[str, int] = {}  # movements not counted, by reason
        self._off_floor_seconds = 0.0
        self._floor_t: float | None = None
        self._said_off_floor = False

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
        self._floor(points, sp, t)
        ready = lying or self.counter.phase not in (Phase.SETUP, Phase.REST)
        return sight, Reading(trunk, ready, "", clarity(points, self.near, NEEDED, self.th))

    def _floor(self, points: Points, sp: dict[str, int], t: float) -> None:
        """Heights above the floor line (near wrist to near ankle) in torso lengths: pelvis, knee and elbow."""
        scale = posture.true_torso(points, self.th.tracking.shoulder_width_ratio)
        if scale <= 1e-6 or not posture.is_lying(points, self.th.posture):
            self._off_floor = False
            return
        wrist, ankle = points.p(sp["wrist"]), points.p(sp["ankle"])
        hips = max(posture.height_above(points, wrist, ankle, i) for i in (L.LEFT_HIP, L.RIGHT_HIP))
        hip = self._hip_floor.update(t, hips / scale)
        knee = self._knee_floor.update(t, posture.height_above(points, wrist, ankle, sp["knee"]) / scale)
        self._elbow_height = posture.height_above(points, wrist, ankle, sp["elbow"]) / scale
        self._off_floor = hip > self.p.floor_hip_max or knee > self.p.floor_knee_max
        if self._off_floor and self._floor_t is not None:
            self._off_floor_seconds += min(t - self._floor_t, self.th.tracking.gap_bridge)
            held = self._off_floor_seconds >= self.p.off_floor_seconds and self.counter.trace is None
            if held and not self._said_off_floor:  # a plank held still: said live too, not only in the summary
                self._said_off_floor = True
                self._cues.append(fault_text("pelvis-lift"))
        self._floor_t = t

    def on_break(self) -> None:
        """A new framing: the floor line must be learnt again."""
        self._hip_y_base = None
        self._hip_floor.reset()
        self._knee_floor.reset()
        self._hip_rise = self._thigh_rise = 0.0
        self._hip.reset()
        self._thigh.reset()

    def start_rep(self, trace: Trace) -> None:
        """Fresh notes, keeping the elbow angle it started from."""
        self._notes = PressNotes(elbow_start=self._notes.elbow_start, started_off_floor=self._off_floor)

    def live_faults(self, t: float, points: Points, phase: Phase, trace: Trace) -> list[str]:
        """Pelvis off the floor and pushing too high are cued as they happen."""
        notes = self._notes
        notes.elbow_best = max(notes.elbow_best, self._elbow)
        notes.hip_rise = max(notes.hip_rise, self._hip_rise)
        notes.thigh_rise = max(notes.thigh_rise, self._thigh_rise)
        notes.frames += 1
        notes.off_floor += self._off_floor
        if phase is Phase.HOLD:
            notes.elbow_high = max(notes.elbow_high, self._elbow_height)
            notes.top_frames += 1
            notes.top_off_floor += self._off_floor
        faults = []
        lifted = notes.hip_rise > self.p.pelvis_lift or notes.thigh_rise > self.p.pelvis_angle
        if lifted or notes.top_off_floor >= max(self.p.off_floor_frames, notes.top_frames * 0.5):
            faults.append("pelvis-lift")
        if trace.top > self.p.too_high:
            faults.append("too-high")
        return faults

    def _forearms(self) -> bool:
        """Up on the forearms: the elbows stayed bent and down on the floor line at the top."""
        notes, p = self._notes, self.p
        return notes.elbow_best < p.sphinx_elbow_max and notes.elbow_high < p.forearm_floor

    def accept(self, trace: Trace) -> bool:
        """A press-up straightens the elbows (or rises on the forearms); hips rising far means getting up, and a
        pelvis off the floor the whole time is a plank or a push-up: neither is counted (the reason is kept)."""
        notes, p = self._notes, self.p
        pressed = self._pressed()
        reason = ""
        if notes.started_off_floor and notes.frames and notes.off_floor >= notes.frames * p.off_floor_share:
            reason = "hips-off-floor"
        elif notes.hip_rise >= p.pelvis_lift * p.got_up:
            reason = "got-up"
        elif not (pressed or self._forearms()):
            reason = "no-press"
        if reason:
            self._refused[reason] = self._refused.get(reason, 0) + 1
        return not reason

    def rep_variant(self, trace: Trace) -> str:
        """On the forearms ("sphinx") when the elbows stayed bent on the floor ("" for a press-up on the hands)."""
        return "forearms" if self._forearms() else ""

    def _pressed(self) -> bool:
        notes, p = self._notes, self.p
        return notes.elbow_best - notes.elbow_start >= p.elbow_extension or notes.elbow_best > p.elbow_straight

    def variant_cue(self, variant: str) -> str:
        """The forearm press-up has its own cue."""
        return FOREARM_CUE if variant == "forearms" else ""

    def extra_warnings(self) -> list[str]:
        """Why nothing was counted when the person was lying there moving: never silence."""
        if self._refused.get("hips-off-floor"):
            return [HIPS_OFF_FLOOR]
        if self.reps:
            return []
        if self._off_floor_seconds >= self.p.off_floor_seconds:
            return [HIPS_OFF_FLOOR]
        if self._refused.get("got-up"):
            return [GOT_UP]
        if self._refused.get("no-press"):
            return [NO_PRESS]
        return []

    def extra_observations(self) -> dict[str, str]:
        """Highest press."""
        if not self.reps:
            return {}
        return {"highest_trunk_elevation": f"{max(r.peak for r in self.reps):.0f}"}
