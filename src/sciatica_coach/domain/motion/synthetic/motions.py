"""Timelines of each exercise as keyframes of a posture's parameters, with the faults people make."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from sciatica_coach.domain.motion.synthetic.body import BodyPose, face_down_line, prone, standing, supine

Builder = Callable[..., BodyPose]


@dataclass(frozen=True)
class Keyframe:
    """A posture at a time: a builder (standing, supine, prone) and its parameters."""

    t: float
    build: Builder
    params: dict[str, float] = field(default_factory=dict)

    def pose(self) -> BodyPose:
        """The body at this keyframe."""
        return self.build(**self.params)


def _ease(k: float) -> float:
    return k * k * (3.0 - 2.0 * k)


def pose_at(keys: list[Keyframe], t: float) -> BodyPose:
    """The body at time t, eased between the keyframes around it."""
    if t <= keys[0].t:
        return keys[0].pose()
    for a, b in itertools.pairwise(keys):
        if t <= b.t:
            k = _ease((t - a.t) / (b.t - a.t)) if b.t > a.t else 1.0
            if a.build is b.build:
                names = set(a.params) | set(b.params)
                mixed = {n: a.params.get(n, 0.0) + (b.params.get(n, 0.0) - a.params.get(n, 0.0)) * k for n in names}
                return a.build(**mixed)
            return a.pose().lerp(b.pose(), k)
    return keys[-1].pose()


@dataclass
class Timeline:
    """Keyframes appended one movement at a time."""

    keys: list[Keyframe] = field(default_factory=list)
    t: float = 0.0

    def go(self, seconds: float, build: Builder, **params: float) -> Timeline:
        """Move to a posture over `seconds` (the first call just places the body)."""
        if self.keys:
            self.t += max(seconds, 1e-3)
        self.keys.append(Keyframe(self.t, build, params))
        return self

    def stay(self, seconds: float) -> Timeline:
        """Hold the last posture."""
        last = self.keys[-1]
        return self.go(seconds, last.build, **last.params)


@dataclass(frozen=True)
class Plan:
    """What to perform: reps, pace (1 = the guide's pace), hold, side and faults."""

    exercise: str
    reps: int = 5
    speed: float = 1.0
    hold: float | None = None
    rest: float = 1.5
    side: str = "left"
    faults: frozenset[str] = frozenset()
    enter: bool = False
    leave: bool = False


LIFT = {"nerve-glide": 50.0, "nerve-glide-bent-knee": 85.0}


def glide(plan: Plan) -> Timeline:
    """Supine glides with one leg: leg and head up together, hold, lower slowly together."""
    bent = plan.exercise == "nerve-glide-bent-knee"
    s = plan.speed
    hold = 5.0 if plan.hold is None else plan.hold
    leg, other = ("leg_l", "leg_r") if plan.side == "left" else ("leg_r", "leg_l")
    knees = {"knee_l": 90.0, "knee_r": 90.0} if bent else {}
    rest = {leg: 45.0 if bent else 0.0, other: 45.0 if bent else 0.0, **knees}
    head = {} if "no-head-lift" in plan.faults else {"trunk_lift": 22.0, "neck": 28.0}
    top = {**rest, leg: LIFT[plan.exercise], **head}
    if "both-legs" in plan.faults:
        top[other] = top[leg]
    tl = Timeline()
    if plan.enter:
        tl.go(0, standing).stay(1.5).go(2.5, supine, **rest)
    else:
        tl.go(0, supine, **rest)
    tl.stay(plan.rest)
    for _ in range(plan.reps):
        tl.go(3.0 / s, supine, **top).stay(hold / s)
        tl.go((0.3 if "fast-drop" in plan.faults else 4.0) / s, supine, **rest).stay(plan.rest / s)
    if plan.leave:
        tl.go(1.5, supine, **rest, trunk_lift=70.0, neck=20.0).go(1.5, standing).stay(1.5)
    return tl


def press_up(plan: Plan) -> Timeline:
    """Prone press-ups: chest up on the breath out with the hands pressing, short hold, lower."""
    s = plan.speed
    hold = 1.5 if plan.hold is None else plan.hold
    top = {"trunk_rise": 70.0 if "too-high" in plan.faults else 30.0}
    if "pelvis-lift" in plan.faults:
        top["pelvis"] = 0.18
    tl = Timeline()
    if plan.enter:
        tl.go(0, standing).stay(1.5).go(3.0, prone)
    else:
        tl.go(0, prone)
    tl.stay(plan.rest)
    for _ in range(plan.reps):
        tl.go(2.5 / s, prone, **top).stay(hold / s).go(2.5 / s, prone).stay(plan.rest / s)
    if plan.leave:
        tl.go(1.5, prone, trunk_rise=60.0, pelvis=0.3).go(2.0, standing).stay(1.5)
    return tl


def forearm_press_up(plan: Plan) -> Timeline:
    """The smaller press-up on the forearms ("sphinx"): elbows under the shoulders on the floor, chest up, hold."""
    s = plan.speed
    hold = 5.0 if plan.hold is None else plan.hold
    rest = {"hands_f": 0.72, "hands_y": 0.02}
    tl = Timeline().go(0, prone, **rest).stay(plan.rest)
    for _ in range(plan.reps):
        tl.go(2.0 / s, prone, trunk_rise=26.0, **rest).stay(hold / s).go(2.0 / s, prone, **rest).stay(plan.rest / s)
    return tl


def plank(plan: Plan) -> Timeline:
    """A forearm plank held (`hold`, default 6 s) `reps` times: face down, the whole body off the floor but the
    forearms and toes, then down to lying."""
    hold = 6.0 if plan.hold is None else plan.hold
    tl = Timeline().go(0, prone).stay(plan.rest)
    for _ in range(plan.reps):
        tl.go(1.5, face_down_line, angle=13.0, forearms=1.0).stay(hold).go(1.5, prone).stay(plan.rest)
    return tl


def push_up(plan: Plan) -> Timeline:
    """Push-ups on the toes: the body in one line lowered toward the floor and pushed back up on straight arms."""
    s = plan.speed
    hold = 0.8 if plan.hold is None else plan.hold
    tl = Timeline().go(0, face_down_line, angle=7.0).stay(plan.rest)
    for _ in range(plan.reps):
        tl.go(1.5 / s, face_down_line, angle=24.0).stay(hold / s).go(1.5 / s, face_down_line, angle=7.0)
        tl.stay(plan.rest / s)
    return tl


HINGE_BOTTOM = {"trunk_tilt": 60.0, "thigh_tilt": 25.0, "shank_tilt": 3.0}
SQUAT_BOTTOM = {"trunk_tilt": 35.0, "thigh_tilt": 80.0, "shank_tilt": 25.0}
ROUNDED_BOTTOM = {"trunk_tilt": 50.0, "thigh_tilt": 3.0, "shank_tilt": 2.0, "rounding": 35.0, "neck": 25.0}


def hinge(plan: Plan) -> Timeline:
    """Standing hinges (or squats): fold at the hips, pause, stand up hips first."""
    s = plan.speed
    hold = 0.5 if plan.hold is None else plan.hold
    if plan.exercise == "squat":
        bottom = SQUAT_BOTTOM
    elif plan.exercise == "single-leg-hinge":  # standing on one leg, the other reaching back as the trunk tips
        lifted = "thigh_r" if plan.side == "left" else "thigh_l"
        bottom = {"trunk_tilt": 70.0, lifted: -160.0, "shift": -0.15}
    elif "rounded-back" in plan.faults:
        bottom = ROUNDED_BOTTOM
    else:
        bottom = HINGE_BOTTOM
    tl = Timeline()
    if plan.enter:
        tl.go(0, standing, shift=-3.0).go(3.0, standing, trunk_tilt=5.0, shift=-0.2).go(0.5, standing)
    else:
        tl.go(0, standing)
    tl.stay(plan.rest)
    for _ in range(plan.reps):
        tl.go(2.0 / s, standing, **bottom).stay(hold / s)
        if "knees-first" in plan.faults:
            tl.go(0.9 / s, standing, trunk_tilt=bottom["trunk_tilt"] + 5.0, thigh_tilt=2.0)
            tl.go(1.3 / s, standing)
        else:
            tl.go(2.0 / s, standing)
        tl.stay(plan.rest / s)
    if plan.leave:
        tl.go(0.5, standing, trunk_tilt=5.0, shift=0.2).go(3.0, standing, shift=3.0).stay(1.0)
    return tl


SCRIPTS: dict[str, Callable[[Plan], Timeline]] = {
    "nerve-glide": glide,
    "nerve-glide-bent-knee": glide,
    "prone-press-up": press_up,
    "forearm-press-up": forearm_press_up,
    "plank": plank,
    "push-up": push_up,
    "hip-hinge": hinge,
    "squat": hinge,
    "single-leg-hinge": hinge,
}
