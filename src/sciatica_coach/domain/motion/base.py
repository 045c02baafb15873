"""What every exercise analyzer shares: sight checks, camera cuts, smoothing, counting, holds, cues, results."""

from __future__ import annotations

import math
from collections import Counter as Tally
from dataclasses import dataclass

from sciatica_coach.domain.motion import posture
from sciatica_coach.domain.motion.counter import Counter, Phase, Trace
from sciatica_coach.domain.motion.geometry import Points, Sight, elevation, view_name
from sciatica_coach.domain.motion.landmarks import Landmark as L
from sciatica_coach.domain.motion.landmarks import PoseFrame
from sciatica_coach.domain.motion.results import (
    NOT_VISIBLE,
    AnalysisResult,
    HoldResult,
    LiveStatus,
    RepResult,
    fault_text,
)
from sciatica_coach.domain.motion.smoothing import Smoother
from sciatica_coach.domain.motion.thresholds import DEFAULT, Thresholds, Tracking

POSITION_WORDS = {"standing": "standing up", "lying": "lying down"}
CUT_POINTS = (0, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28)
SHOULDERS = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
EARS = (L.LEFT_EAR, L.RIGHT_EAR)
TWO_PEOPLE = (
    "I see two people: step into the middle of the picture on your own, or ask the other person to step out of it."
)
LOWERING_UNSEEN = "I can't tell when you lowered: come all the way back down and rest a moment before the next one."


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a body was in the picture just before or after a jump: its centre and size (shares of the picture),
    shoulder width over torso length, and its posture."""

    t: float
    x: float
    y: float
    size: float
    width: float
    posture: str
    steady: float = 0.0  # seconds the body had stayed there since the jump before

    def same_body(self, other: Placement, tr: Tracking) -> bool:
        """The same body in the same place (a jump back to it is a switch between two people, not a new view)."""
        near = math.hypot(self.x - other.x, self.y - other.y) < tr.same_place
        sized = posture.scale_change(self.size, other.size) < tr.same_size
        return near and sized and abs(self.width - other.width) < tr.same_width and self.posture == other.posture


VIEW_CONFIDENCE = {"side": 1.0, "three-quarter": 0.85, "front": 0.7, "unknown": 0.6}
WRONG_ANGLE = "turn so the camera sees you from the side"


@dataclass(slots=True)
class Reading:
    """One frame as the exercise sees it: the rep signal (degrees), whether set up, which side, how clear."""

    signal: float
    ready: bool
    side: str
    clarity: float


class Analyzer:
    """Feed frames with `update`, read the summary with `finish`. One instance per exercise set."""

    views: tuple[str, ...] = ("side", "three-quarter", "front")
    lying = False
    position = "standing"  # the posture the exercise starts from ...
    get_into_position = "Stand up, side-on to the camera, to start."  # ... and the words to get there

    def __init__(self, exercise_id: str, rest: float, peak: float, thresholds: Thresholds = DEFAULT) -> None:
        self.exercise_id = exercise_id
        self.th = thresholds
        tr = thresholds.tracking
        self.counter = Counter(rest, peak, thresholds.counting, tr.rate_window, head_lag=tr.detail_smoothing)
        self.signal = Smoother(tr.smoothing, tr.rate_window)
        self.head_line = Smoother(tr.detail_smoothing, tr.rate_window)  # shoulders to ears, above the horizontal
        self.azimuth = Smoother(thresholds.tracking.view_smoothing, thresholds.tracking.rate_window)
        self.view = "unknown"
        self.near = ""  # the body side turned to the camera
        self.live_side = ""  # the side of the rep under way (or the last one)
        self.reps: list[RepResult] = []
        self.holds: list[HoldResult] = []
        self.frames = 0
        self.visible_frames = 0
        self.variant = ""
        self._cues: list[str] = []
        self._lost = True
        self._said_lost = False
        self._first_t: float | None = None
        self._last_good: float | None = None
        self._prev: tuple[float, list[float], list[float], float] | None = None
        self._prev_speed = 0.0
        self._reasons: Tally[str] = Tally()
        self._views: Tally[str] = Tally()
        self._postures: Tally[str] = Tally()
        self._trace: Trace | None = None
        self._faults: list[str] = []
        self._clarity: list[float] = []
        self._rep_missing = 0
        self._clarity_now = 0.0
        self._interrupted = 0
        self._unfinished_holds = 0
        self._variants_seen: set[str] = set()
        self._placement_prev: Placement | None = None
        self._jump_t: float | None = None
        self._placements: list[Placement] = []  # before and after each jump of the body, the last few
        self._switches = 0
        self._said_switch = False
        self._signal_max = -math.inf
        self._unfinished = 0
        self._t = 0.0
        self._fresh_until: float | None = None

    # -- hooks for each exercise -------------------------------------------------------------------------
    def read(self, points: Points, t: float) -> tuple[Sight, Reading | None]:
        """Check sight of the needed body parts and measure the rep signal."""
        raise NotImplementedError

    def start_rep(self, trace: Trace) -> None:
        """A new rep began: reset per-rep notes."""

    def live_faults(self, t: float, points: Points, phase: Phase, trace: Trace) -> list[str]:
        """Faults seen while the rep is under way (cued at once)."""
        return []

    def accept(self, trace: Trace) -> bool:
        """Whether a finished movement was the exercise at all (not getting up, not another exercise)."""
        return True

    def final_faults(self, trace: Trace) -> list[str]:
        """Faults judged once the rep is over."""
        return []

    def rep_side(self, trace: Trace) -> str:
        """The side a finished rep belongs to ("" for exercises without sides)."""
        return ""

    def rep_variant(self, trace: Trace) -> str:
        """The variant a finished rep showed ("" when the exercise has none)."""
        return ""

    def variant_cue(self, variant: str) -> str:
        """Words said the first time a variant is seen ("" for none)."""
        return ""

    def on_break(self) -> None:
        """The view broke (cut, lost): forget baselines tied to the camera's framing."""

    def extra_observations(self) -> dict[str, str]:
        """What the exercise noticed about the body over the whole set."""
        return {}

    def extra_warnings(self) -> list[str]:
        """Warnings particular to the exercise."""
        return []

    # -- the frame loop ----------------------------------------------------------------------------------
    def update(self, frame: PoseFrame) -> LiveStatus:
        """Take one frame, answer with the live status (cues are the new ones since the last call)."""
        self.frames += 1
        t = self._t = frame.t
        if self._first_t is None:
            self._first_t = t
        if frame.landmarks is None:
            self._missing(t, "step into the picture")
            self._prev = None
            self._placement_prev = None
        else:
            points = Points(frame.landmarks, frame.width, frame.height)
            xs = [points.xs[i] for i in CUT_POINTS]
            ys = [points.ys[i] for i in CUT_POINTS]
            before = self._placement_prev
            self._placement_prev = self._placement(t, points, xs, ys)
            if self._is_cut(t, points, xs, ys):
                if before is not None:
                    self._jumped(before, self._placement_prev)
                self._break(self._last_good if self._last_good is not None else t)
            sight, reading = self.read(points, t)
            if not sight.ok or reading is None:
                self._missing(t, sight.reason or "hold still where the camera can see you")
            else:
                self._see(t, points, reading)
        return self.status()

    def _see(self, t: float, points: Points, reading: Reading) -> None:
        phase = self.counter.phase
        if phase in (Phase.SETUP, Phase.REST):
            lying = self.lying or posture.is_lying(points, self.th.posture)
            self.azimuth.update(t, posture.azimuth(points, lying, self.th.tracking.shoulder_width_ratio))
            self.view = view_name(self.azimuth.value, self.th.tracking.side_view_max, self.th.tracking.front_view_min)
        if self.view not in self.views:
            self._missing(t, WRONG_ANGLE)
            return
        if self._fresh_until is None:
            self._fresh_until = t + self.th.tracking.fresh_view  # only when the recording starts, never after a cut
        self._lost = self._said_lost = False
        self._last_good = t
        self.visible_frames += 1
        self._views[self.view] += 1
        self._postures[posture.posture(points, self.th.posture)] += 1
        self._clarity_now = reading.clarity * VIEW_CONFIDENCE.get(self.view, 0.6)
        if reading.side and self.counter.trace is not None:
            self.live_side = reading.side
        value = self.signal.update(t, reading.signal)
        if reading.ready or self.counter.trace is not None:
            self._signal_max = max(self._signal_max, value)
        fresh = t <= self._fresh_until
        head = self.head_line.update(t, elevation(points.mid(*SHOULDERS), points.mid(*EARS)))
        done = self.counter.update(t, value, self.signal.rate, reading.ready, fresh, head)
        trace = self.counter.trace
        if trace is not None and trace is not self._trace:
            self._trace, self._faults, self._clarity, self._rep_missing = trace, [], [], 0
            self.start_rep(trace)
        if trace is not None:
            self._clarity.append(self._clarity_now)
            for fault in self.live_faults(t, points, self.counter.phase, trace):
                self._add_fault(fault)
        if done is not None:
            self._complete(done)

    def _placement(self, t: float, points: Points, xs_px: list[float], ys_px: list[float]) -> Placement:
        xs = [x / points.w for x in xs_px]
        ys = [y / points.h for y in ys_px]
        size = max(max(xs) - min(xs), max(ys) - min(ys))
        steady = t - (self._jump_t if self._jump_t is not None else (self._first_t or t))
        return Placement(
            t, sum(xs) / len(xs), sum(ys) / len(ys), size, posture.width_ratio(points),
            posture.posture(points, self.th.posture), steady,
        )  # fmt: skip

    def _jumped(self, before: Placement, after: Placement) -> None:
        """The body jumped in one frame to another place. Back to where a body had stayed steadily just before an
        earlier jump, it is the pose model switching between two people, not a camera cut (a cut does not go back
        and forth; a glitch leaves the body where it was)."""
        tr = self.th.tracking
        self._jump_t = after.t
        recent = [p for p in self._placements if after.t - p.t <= tr.switch_memory]
        apart = math.hypot(after.x - before.x, after.y - before.y) >= tr.switch_apart
        sane = apart and after.width < tr.sane_width
        returned = sane and any(p.steady >= tr.switch_steady and after.same_body(p, tr) for p in recent)
        self._placements = [*recent, before][-8:]
        if returned:
            self._switches += 1
            if not self._said_switch:
                self._said_switch = True
                self._cues.append(TWO_PEOPLE)

    def _missing(self, t: float, reason: str) -> None:
        self._reasons[reason] += 1
        if self.counter.trace is not None:
            self._rep_missing += 1
        since = self._last_good if self._last_good is not None else (self._first_t or t)
        if t - since >= self.th.tracking.lost_after or (self._last_good is None and reason == WRONG_ANGLE):
            if not self._said_lost:
                self._cues.append(f"{NOT_VISIBLE}: {reason}.")
                self._said_lost = True
            if not self._lost:
                self._break(self._last_good if self._last_good is not None else t)
            self._lost = True

    def _is_cut(self, t: float, points: Points, xs: list[float], ys: list[float]) -> bool:
        """A jump of most of the body in one frame, far faster than the frame before: the camera cut away (`xs`,
        `ys`: the `CUT_POINTS` in pixels)."""
        size = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
        torso = points.torso_length()
        previous, self._prev = self._prev, (t, xs, ys, torso)
        if previous is None:
            self._prev_speed = 0.0
            return False
        t0, xs0, ys0, torso0 = previous
        dt = t - t0
        if dt <= 0 or dt > self.th.tracking.gap_bridge:
            self._prev_speed = 0.0
            return False
        if posture.scale_change(torso0, torso) > self.th.tracking.cut_scale_jump:
            return True
        moves = sorted(math.hypot(x - x0, y - y0) for x, y, x0, y0 in zip(xs, ys, xs0, ys0, strict=True))
        speed = moves[len(moves) // 2] / size / dt  # the median: a few glitching points are no cut
        before, self._prev_speed = self._prev_speed, speed
        tr = self.th.tracking
        return speed > tr.cut_speed and speed > before * tr.cut_jump + tr.cut_jump_floor

    def _break(self, last_seen: float) -> None:
        under_way = self.counter.trace is not None and self.counter.phase in (Phase.HOLD, Phase.RETURN)
        done = self.counter.interrupt(last_seen)
        if under_way and done is None and self.counter.unfinished_hold is None:
            self._unfinished += 1
        if done is not None and self._complete(done):
            self._interrupted += 1
        held = self.counter.unfinished_hold
        if held is not None and held.hold_start is not None and self.accept(held):
            self.holds.append(HoldResult(held.hold_start, held.hold_start + held.hold_seconds, held.hold_seconds, ""))
            self._unfinished_holds += 1
        self._trace = None
        self._lost = True
        self.signal.reset()
        self.head_line.reset()
        self.azimuth.reset()
        self.on_break()

    def _add_fault(self, fault: str) -> None:
        if fault not in self._faults:
            self._faults.append(fault)
            self._cues.append(fault_text(fault))

    def _complete(self, trace: Trace) -> bool:
        if not self.accept(trace):
            self._trace, self._faults = None, []
            return False
        for fault in self.final_faults(trace):
            self._add_fault(fault)
        clarity = sum(self._clarity) / len(self._clarity) if self._clarity else 0.0
        frames = len(self._clarity) + self._rep_missing
        seen = len(self._clarity) / frames if frames else 0.0
        margin = min(1.0, 0.7 + 0.3 * (trace.top - self.counter.peak) / max(1.0, self.counter.peak - self.counter.rest))
        whole = 1.0 if trace.start_seen and trace.end_seen else self.th.counting.interrupted_confidence
        side = self.rep_side(trace)
        rep = RepResult(
            start=trace.start, end=trace.end, side=side, confidence=max(0.0, min(1.0, clarity * seen * margin * whole)),
            faults=list(self._faults), peak=trace.top, variant=self.rep_variant(trace), view=self.view,
        )  # fmt: skip
        self.reps.append(rep)
        if rep.variant:
            if rep.variant not in self._variants_seen:
                self._variants_seen.add(rep.variant)
                cue = self.variant_cue(rep.variant)
                if cue:
                    self._cues.append(cue)
            self.variant = rep.variant
        if trace.hold_start is not None and trace.hold_seconds >= self.th.counting.min_hold:
            end = trace.hold_start + trace.hold_seconds
            self.holds.append(HoldResult(trace.hold_start, end, trace.hold_seconds, side))
        self._trace, self._faults = None, []
        return True

    def _why_nothing(self) -> list[str]:
        """A person was in view and nothing was counted: say why, never stay silent."""
        postures = self._postures.most_common(1)
        if postures and postures[0][0] != self.position:
            return [f"I could see you, but not {POSITION_WORDS[self.position]}. {self.get_into_position}"]
        if self._unfinished:
            return [LOWERING_UNSEEN]
        if self._signal_max >= self.counter.peak:
            return ["I saw you move, but not a whole repetition of this exercise, so nothing was counted."]
        return []

    # -- answers -----------------------------------------------------------------------------------------
    def status(self) -> LiveStatus:
        """The live status now; hands over the cues gathered since the last call."""
        cues, self._cues = self._cues, []
        trace = self.counter.trace
        phase = "not-visible" if self._lost else self.counter.phase.value
        hold = 0.0
        if trace is not None and trace.hold_start is not None and self.counter.phase is Phase.HOLD:
            hold = max(0.0, self._t - trace.hold_start)
        by_side: dict[str, int] = {}
        for rep in self.reps:
            if rep.side:
                by_side[rep.side] = by_side.get(rep.side, 0) + 1
        return LiveStatus(
            rep_count=len(self.reps), phase=phase, hold_seconds=hold, side=self.live_side, visible=not self._lost,
            cues=cues, confidence=0.0 if self._lost else self._clarity_now, reps_by_side=by_side,
            view=self.view, variant=self.variant,
        )  # fmt: skip

    def finish(self) -> AnalysisResult:
        """Close the set (a rep held at the top when the input ends still counts) and summarise it."""
        if self.counter.trace is not None:
            self._break(self._last_good if self._last_good is not None else self._t)
        warnings: list[str] = []
        hidden = self.frames - self.visible_frames
        reason = self._reasons.most_common(1)[0][0] if self._reasons else ""
        if self.visible_frames == 0:
            warnings.append(f"{NOT_VISIBLE}: {reason}." if reason else f"{NOT_VISIBLE}.")
        elif self.frames and hidden / self.frames > self.th.tracking.hidden_warning:
            share = round(100 * hidden / self.frames)
            warnings.append(f"{NOT_VISIBLE} for {share}% of the frames: {reason}.")
        if self._interrupted:
            warnings.append(
                f"{self._interrupted} rep(s) were cut off at the top (the view changed or was lost); "
                "counted from the hold, with lower confidence."
            )
        if self._switches:
            warnings.append(TWO_PEOPLE)
        warnings.extend(self.extra_warnings())
        if not self.reps and not self.holds and self.visible_frames and not warnings:
            warnings.extend(self._why_nothing())
        observations = {
            "posture": self._postures.most_common(1)[0][0] if self._postures else "unknown",
            "view": self._views.most_common(1)[0][0] if self._views else "unknown",
            **self.extra_observations(),
        }
        return AnalysisResult(
            exercise=self.exercise_id, reps=list(self.reps), holds=list(self.holds), warnings=warnings,
            frames=self.frames, visible_frames=self.visible_frames, observations=observations,
        )  # fmt: skip
