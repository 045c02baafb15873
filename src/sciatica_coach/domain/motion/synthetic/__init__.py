"""Synthetic landmark sequences: a stick-figure body performing each exercise, seen by a chosen camera.

Used by tests and benchmarks to cover every exercise, fault and view, including the nerve glide for which no real
clip exists. `generate(SyntheticSpec(...))` returns PoseFrames in MediaPipe's 33-landmark layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sciatica_coach.domain.motion.landmarks import PoseFrame
from sciatica_coach.domain.motion.synthetic.body import joints
from sciatica_coach.domain.motion.synthetic.camera import Camera, camera_for
from sciatica_coach.domain.motion.synthetic.motions import SCRIPTS, Keyframe, Plan, Timeline, pose_at

FAULTS = frozenset({"no-head-lift", "fast-drop", "both-legs", "pelvis-lift", "too-high", "rounded-back", "knees-first"})
LYING = frozenset({"nerve-glide", "nerve-glide-bent-knee", "prone-press-up", "forearm-press-up", "plank", "push-up"})


@dataclass(frozen=True)
class SyntheticSpec:
    """One synthetic recording: the exercise and how it is performed, filmed and tracked.

    exercise: nerve-glide, nerve-glide-bent-knee, prone-press-up, hip-hinge or squat; and for what must not pass
    as a press-up, forearm-press-up (the smaller "sphinx" variant, which does), plank and push-up;
    single-leg-hinge stands on the `side` leg while the other reaches back.
    view: "side", "three-quarter", "front" or an azimuth in degrees; `near` is the body side facing the camera.
    noise: landmark jitter (standard deviation) as a share of the torso's length in the picture.
    drop_rate: share of frames where the tracker finds nobody (landmarks None).
    enter / leave: lie down or walk in first, get up or walk away at the end.
    off_frame: (start, seconds) the person is moved out of the picture.
    """

    exercise: str
    reps: int = 5
    speed: float = 1.0
    hold: float | None = None
    rest: float = 1.5
    side: str = "left"
    faults: frozenset[str] = frozenset()
    view: str | float = "side"
    near: str = "left"
    noise: float = 0.0
    drop_rate: float = 0.0
    enter: bool = False
    leave: bool = False
    off_frame: tuple[float, float] | None = None
    fps: float = 30.0
    width: int = 640
    height: int = 480
    seed: int = 0

    def __post_init__(self) -> None:
        if self.exercise not in SCRIPTS:
            raise ValueError(f"unknown synthetic exercise '{self.exercise}'; choose one of {sorted(SCRIPTS)}")
        unknown = set(self.faults) - FAULTS
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; choose from {sorted(FAULTS)}")


def timeline(spec: SyntheticSpec) -> Timeline:
    """The keyframes of the performance."""
    plan = Plan(
        spec.exercise, spec.reps, spec.speed, spec.hold, spec.rest, spec.side, frozenset(spec.faults),
        spec.enter, spec.leave,
    )  # fmt: skip
    return SCRIPTS[spec.exercise](plan)


def render(
    keys: list[Keyframe], camera: Camera, fps: float = 30.0, noise: float = 0.0, drop_rate: float = 0.0,
    off_frame: tuple[float, float] | None = None, seed: int = 0,
) -> list[PoseFrame]:  # fmt: skip
    """Film keyframes with a camera: one PoseFrame per 1/fps seconds, with jitter and dropped frames."""
    rng = np.random.default_rng(seed)
    frames: list[PoseFrame] = []
    count = int(keys[-1].t * fps) + 1
    for i in range(count):
        t = i / fps
        points = joints(pose_at(keys, t))
        if off_frame is not None and off_frame[0] <= t < off_frame[0] + off_frame[1]:
            points[:, 0] += 6.0
        landmarks = camera.project(points)
        if noise > 0:
            torso = float(np.hypot(*(landmarks[11, :2] - landmarks[23, :2]) * (camera.width, camera.height_px)))
            landmarks[:, 0] += rng.normal(0, noise * torso / camera.width, len(landmarks))
            landmarks[:, 1] += rng.normal(0, noise * torso / camera.height_px, len(landmarks))
            landmarks[:, 3] = np.clip(landmarks[:, 3] + rng.normal(0, 0.03, len(landmarks)), 0, 1)
        nobody = (landmarks[:, 0] > 1.05).all() or (landmarks[:, 0] < -0.05).all()
        dropped = drop_rate > 0 and rng.random() < drop_rate
        frames.append(PoseFrame(t, None if nobody or dropped else landmarks, camera.width, camera.height_px))
    return frames


def generate(spec: SyntheticSpec) -> list[PoseFrame]:
    """The PoseFrames of a synthetic recording."""
    camera = camera_for(spec.view, spec.near, spec.exercise in LYING, spec.width, spec.height)
    return render(timeline(spec).keys, camera, spec.fps, spec.noise, spec.drop_rate, spec.off_frame, spec.seed)


__all__ = ["FAULTS", "Camera", "Keyframe", "SyntheticSpec", "Timeline", "camera_for", "generate", "render", "timeline"]
