"""Moving demonstrations: each exercise as a side-on stick figure, timed to its prescription.

The figure is the synthetic motion generator's body (`motion/synthetic/body.py`) doing the generator's own
movement (`motions.py`), re-timed to the exercise's pacing and the prescribed hold and filmed side-on by its
pinhole camera (`camera.py`). One cycle is one rep: rest -> move -> hold -> return. Frames are sampled finely during
the moves (so limbs keep their length; the browser only interpolates between close frames) and twice for the still
phases, so a hold really lasts the prescribed seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sciatica_coach.domain.content.schema import Exercise
from sciatica_coach.domain.engine.prescription import PrescribedExercise
from sciatica_coach.domain.motion.landmarks import Landmark as L
from sciatica_coach.domain.motion.synthetic.body import TRUNK, BodyPose, joints
from sciatica_coach.domain.motion.synthetic.camera import camera_for
from sciatica_coach.domain.motion.synthetic.motions import SCRIPTS, Keyframe, Plan, Timeline, pose_at

PhaseKind = Literal["rest", "move", "hold", "return"]
Layer = Literal["near", "far"]

# Content exercise id -> the synthetic generator's movement of it (and whether the person lies down).
MOVEMENTS: dict[str, tuple[str, bool]] = {
    "nerve-glide": ("nerve-glide", True),
    "nerve-glide-bent-knee": ("nerve-glide-bent-knee", True),
    "prone-press-up": ("prone-press-up", True),
    "forearm-press-up": ("forearm-press-up", True),
    "hip-hinge": ("hip-hinge", False),
}
SAMPLES_PER_SECOND = 12
SHOWN_REST = 3.0  # a demonstration rests at most this long between reps (a press-up's 22 s would look frozen)
MARGIN = 0.12  # share of the figure's size left around it
ASPECT = 1.5  # the picture's width over its height, at least

# The points drawn, each taken from the near (camera) side or the far side of the body.
POINTS: tuple[str, ...] = (
    "head", "nose", "back",
    "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "toe",
    "far_shoulder", "far_elbow", "far_wrist", "far_hip", "far_knee", "far_ankle", "far_heel", "far_toe",
)  # fmt: skip
_SIDE_POINTS = {
    "shoulder": (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    "elbow": (L.LEFT_ELBOW, L.RIGHT_ELBOW),
    "wrist": (L.LEFT_WRIST, L.RIGHT_WRIST),
    "hip": (L.LEFT_HIP, L.RIGHT_HIP),
    "knee": (L.LEFT_KNEE, L.RIGHT_KNEE),
    "ankle": (L.LEFT_ANKLE, L.RIGHT_ANKLE),
    "heel": (L.LEFT_HEEL, L.RIGHT_HEEL),
    "toe": (L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX),
}
_LIMBS = (("shoulder", "elbow"), ("elbow", "wrist"), ("hip", "knee"), ("knee", "ankle"), ("ankle", "heel"),
          ("heel", "toe"))  # fmt: skip
BONES: tuple[tuple[str, str, Layer], ...] = (
    *((f"far_{a}", f"far_{b}", "far") for a, b in _LIMBS),
    ("hip", "back", "near"),
    ("back", "shoulder", "near"),
    ("shoulder", "head", "near"),
    *((a, b, "near") for a, b in _LIMBS),
)


@dataclass(frozen=True)
class DemoPhase:
    """One part of the rep: what the figure does, from when, for how long (seconds)."""

    kind: PhaseKind
    start: float
    duration: float


@dataclass(frozen=True)
class Frame:
    """The figure's points (picture pixels, y down, in `POINTS` order) at time t of the cycle."""

    t: float
    points: tuple[tuple[float, float], ...]

    def at(self, name: str) -> tuple[float, float]:
        """One named point."""
        return self.points[POINTS.index(name)]


@dataclass(frozen=True)
class Demonstration:
    """One exercise's rep as frames of a stick figure seen side-on, ready for an SVG."""

    exercise_id: str
    side: str
    phases: tuple[DemoPhase, ...]
    frames: tuple[Frame, ...]
    view_box: tuple[float, float, float, float]
    floor_y: float
    head_radius: float
    still: int  # the frame shown without motion: the top of the movement

    @property
    def duration(self) -> float:
        """Seconds of one rep."""
        return self.phases[-1].start + self.phases[-1].duration

    def phase(self, kind: PhaseKind) -> DemoPhase:
        """The phase of that kind."""
        return next(p for p in self.phases if p.kind == kind)

    def frames_in(self, kind: PhaseKind) -> list[Frame]:
        """The frames from the start to the end of a phase, both included."""
        p = self.phase(kind)
        return [f for f in self.frames if p.start - 1e-9 <= f.t <= p.start + p.duration + 1e-9]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the page's script."""
        return {
            "exercise": self.exercise_id,
            "side": self.side,
            "duration": round(self.duration, 3),
            "phases": [{"kind": p.kind, "start": round(p.start, 3), "duration": p.duration} for p in self.phases],
            "points": list(POINTS),
            "bones": [[POINTS.index(a), POINTS.index(b), layer] for a, b, layer in BONES],
            "frames": [
                {"t": round(f.t, 3), "p": [[round(x, 1), round(y, 1)] for x, y in f.points]} for f in self.frames
            ],
            "still": self.still,
            "headRadius": round(self.head_radius, 1),
            "floorY": round(self.floor_y, 1),
            "viewBox": [round(v, 1) for v in self.view_box],
        }


def has_demonstration(exercise_id: str) -> bool:
    """Whether the body model can perform this exercise."""
    return exercise_id in MOVEMENTS


def _positions(movement: str, side: str) -> tuple[Keyframe, Keyframe]:
    """The resting and the top keyframes of the generator's own performance of the movement."""
    keys = SCRIPTS[movement](Plan(movement, reps=1, side=side)).keys
    rest = keys[0]
    top = next(k for k in keys if k.params != rest.params or k.build is not rest.build)
    return rest, top


def _timeline(rest: Keyframe, top: Keyframe, exercise: Exercise, hold: float) -> tuple[Timeline, list[DemoPhase]]:
    pacing = exercise.pacing
    durations: list[tuple[PhaseKind, float]] = [
        ("rest", min(pacing.rest_seconds or pacing.get_ready_seconds, SHOWN_REST)),
        ("move", pacing.move_seconds),
        ("hold", hold),
        ("return", pacing.return_seconds),
    ]
    tl = Timeline().go(0, rest.build, **rest.params)
    phases: list[DemoPhase] = []
    for kind, seconds in durations:
        if seconds <= 0:
            continue
        phases.append(DemoPhase(kind, tl.t, float(seconds)))
        target = top if kind in ("move", "hold") else rest
        tl.go(seconds, target.build, **target.params)
    return tl, phases


def _sample_times(phases: list[DemoPhase]) -> list[float]:
    times = [0.0]
    for p in phases:
        steps = 1 if p.kind in ("rest", "hold") else max(2, round(p.duration * SAMPLES_PER_SECOND))
        times.extend(p.start + p.duration * i / steps for i in range(1, steps + 1))
    return times


def _mid_back(pose: BodyPose) -> list[float]:
    """Halfway up the trunk, where a rounded back bends (the landmarks have no point there)."""
    angle = math.radians(pose.trunk)
    return [pose.hip_f + TRUNK / 2 * math.cos(angle), pose.hip_y + TRUNK / 2 * math.sin(angle), 0.0]


def _project(pose: BodyPose, side: str, lying: bool) -> tuple[list[tuple[float, float]], float]:
    """The drawn points in picture pixels seen from the `side` of the body, and the floor's height in the picture."""
    near = "right" if side == "right" else "left"
    camera = camera_for("side", near, lying)
    extra = np.array([_mid_back(pose), [0.0, 0.0, 0.0]])  # the mid-back, then a point on the floor
    picture = camera.project(np.vstack([joints(pose), extra]))
    px = picture[:, 0] * camera.width
    py = picture[:, 1] * camera.height_px
    near_i, far_i = (0, 1) if near == "left" else (1, 0)
    out: list[tuple[float, float]] = []
    ear, nose = (L.LEFT_EAR, L.RIGHT_EAR)[near_i], L.NOSE
    head = (px[ear] + (px[nose] - px[ear]) * 0.4, py[ear] + (py[nose] - py[ear]) * 0.4)
    back = len(px) - 2
    out.extend([head, (float(px[nose]), float(py[nose])), (float(px[back]), float(py[back]))])
    for index in (near_i, far_i):
        for name in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "toe"):
            i = _SIDE_POINTS[name][index]
            out.append((float(px[i]), float(py[i])))
    return [(float(x), float(y)) for x, y in out], float(py[-1])


def demonstrate(exercise: Exercise, item: PrescribedExercise, side: str = "") -> Demonstration:
    """One rep of the exercise at its prescribed hold, for the working leg `side` (or the left when none)."""
    if exercise.id not in MOVEMENTS:
        raise ValueError(f"no demonstration for '{exercise.id}'; the body model performs {sorted(MOVEMENTS)}")
    if item.exercise_id != exercise.id:
        raise ValueError(f"the prescription is for '{item.exercise_id}', not '{exercise.id}'")
    movement, lying = MOVEMENTS[exercise.id]
    leg = "right" if side == "right" else "left"
    rest, top = _positions(movement, leg)
    tl, phases = _timeline(rest, top, exercise, float(item.hold_seconds))
    frames: list[Frame] = []
    floor_y = 0.0
    for t in _sample_times(phases):
        points, floor_y = _project(pose_at(tl.keys, t), leg, lying)
        frames.append(Frame(t, tuple(points)))
    hold_or_move = phases[2] if len(phases) > 2 and phases[2].kind == "hold" else phases[1]
    top_t = hold_or_move.start + (hold_or_move.duration if hold_or_move.kind == "move" else 0.0)
    still = min(range(len(frames)), key=lambda i: abs(frames[i].t - top_t))
    rest_frame = frames[0]
    trunk = float(np.hypot(*np.subtract(rest_frame.at("shoulder"), rest_frame.at("hip"))))
    head_radius = trunk * 0.22
    return Demonstration(
        exercise.id, side, tuple(phases), tuple(frames), _view_box(frames, floor_y, head_radius), floor_y,
        head_radius, still,
    )  # fmt: skip


def _view_box(frames: list[Frame], floor_y: float, head_radius: float) -> tuple[float, float, float, float]:
    xs = [x for f in frames for x, _ in f.points]
    ys = [y for f in frames for _, y in f.points] + [floor_y]
    left, right = min(xs) - head_radius, max(xs) + head_radius
    top, bottom = min(ys) - head_radius, max(ys)
    pad = MARGIN * max(right - left, bottom - top)
    width, height = right - left + 2 * pad, bottom - top + 2 * pad
    wide = max(width, height * ASPECT)  # every figure in the same landscape frame, a standing one centred
    return (left - pad - (wide - width) / 2, top - pad, wide, height)
