"""Every number the analyzers judge by, named and typed in one place (angles in degrees, times in seconds)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tracking:
    """Seeing the person: visibility, framing, smoothing, gaps and camera cuts."""

    min_visibility: float = 0.5  # a landmark counts as seen at or above this MediaPipe visibility
    frame_margin: float = 0.02  # how far (as a fraction of the image) a point may sit outside the picture
    lost_after: float = 0.6  # seconds without a usable frame before we say we cannot see the person
    gap_bridge: float = 0.6  # a rep survives gaps up to this long
    fresh_view: float = 0.5  # seconds after the recording's first usable frame in which a rep under way is picked up
    smoothing: float = 0.12  # time constant of the signal's exponential smoothing
    rate_window: float = 0.25  # seconds over which the signal's rate of change is measured
    # Camera cuts (edited videos) are told from movement at video frame rates (15 fps and up).
    cut_speed: float = 2.5  # landmark speed (body sizes per second, median of the points) of a camera cut ...
    cut_jump: float = 2.2  # ... when it is also this many times the speed of the frame before (a jump, not a move)
    cut_jump_floor: float = 0.3  # ... plus this (body sizes per second), so a still body's jitter is no jump
    cut_scale_jump: float = 0.3  # a torso length change of this fraction between two frames also means a cut
    side_view_max: float = 30.0  # camera azimuth (0 = side-on) up to which the view is "side"
    front_view_min: float = 60.0  # azimuth from which the view is "front" (or the head/feet end)
    shoulder_width_ratio: float = 0.66  # shoulder width / torso length of an average adult seen square-on
    view_smoothing: float = 0.5  # time constant of the smoothed camera azimuth
    detail_smoothing: float = 0.1  # time constant for the smoothed angles faults are judged on
    baseline_rate: float = 0.1  # share of each resting frame blended into what "at rest" looks like
    clarity_floor: float = 0.3  # visibility at which a frame's clarity is 0 ...
    clarity_span: float = 0.5  # ... rising to 1 this much higher
    near_side_margin: float = 0.4  # summed visibility lead the other side needs before it counts as nearer
    # Two people: the pose model follows one person and may jump between them; a jump back to the same place.
    same_place: float = 0.08  # centres this close (share of the picture) ...
    same_size: float = 0.2  # ... sizes within this fraction ...
    same_width: float = 0.15  # ... and shoulder width over torso length within this: the same body
    switch_memory: float = 20.0  # seconds a body's place is remembered for that comparison
    switch_apart: float = 0.15  # a jump between centres this far apart (share of the picture) may be to another body
    switch_steady: float = 0.5  # a body that stayed put this long before the jump away from it ...
    sane_width: float = 3.0  # ... and a shoulder width under this many torso lengths (not a glitch) is compared
    hidden_warning: float = 0.25  # warn when the person could not be seen for more than this share of the frames


@dataclass(frozen=True)
class Posture:
    """Telling lying from standing."""

    lying_max_trunk: float = 35.0  # trunk elevation (hip to shoulder above horizontal) of someone lying
    end_view_ratio: float = 1.1  # shoulder width over seen torso length above which the torso points at the camera
    on_feet_drop: float = 0.6  # ankles below the hips by this share of the hip-to-ankle length: on the feet
    legs_flat: float = 20.0  # hip to ankle within this of the horizontal: the legs lie along the floor ...
    propped_max_trunk: float = 70.0  # ... and a trunk up to this steep is propped on the arms, still lying


@dataclass(frozen=True)
class Counting:
    """The rep state machine: hysteresis, minimum durations, holds."""

    min_rest: float = 0.25  # seconds at rest before a new rep may start
    min_rep: float = 0.5  # a rep faster than this (start to end) is noise
    hold_speed: float = 8.0  # degrees per second under which a held position counts as still
    hold_reach: float = 10.0  # still moments this close to a rep's best belong to its hold (a pause just past
    # the hold_drift return, after an overshoot at the top)
    release_speed: float = 16.0  # ... and once the signal moves faster than this (or leaves the band) it has ended
    min_hold: float = 0.5  # shorter pauses at the top are not reported as holds
    hold_drift: float = 8.0  # leaving the hold: the signal falls this far below the hold's best
    hold_band: float = 0.05  # a hold starts once the signal is within this share of the rise of the plateau
    head_turn: float = 10.0  # a head line (shoulders to ears) turning this much in a rise is part of the movement:
    settle_share: float = 0.9  # ... the hold starts once the head has made this share of its turn as well
    interrupted_hold: float = 1.0  # a rep cut off at the top (camera cut, lost view) counts if held this long
    interrupted_confidence: float = 0.6  # confidence factor for a rep whose start or end was not seen


@dataclass(frozen=True)
class Glide:
    """Supine sciatic nerve glide (straight and bent knee)."""

    rest: float = 12.0  # leg elevation (hip to ankle above horizontal) below which the leg is down
    peak: float = 28.0  # leg elevation that makes a lift
    other_leg_max: float = 20.0  # the other leg's elevation must stay under this, else it is not a glide
    trunk_max: float = 55.0  # trunk elevation above which the person is sitting up, not gliding
    bent_knee: float = 140.0  # knee angle (hip-knee-ankle) under which the knee is bent
    straight_knee: float = 150.0  # knee angle over which the knee is straight
    head_lift: float = 8.0  # rise of the head-and-shoulders line (degrees over its resting angle) that counts
    fast_drop_speed: float = 60.0  # mean lowering speed (degrees per second) that is a drop
    fast_drop_peak: float = 140.0  # peak lowering speed that is a drop
    hold_target: float = 5.0
    far_leg_visibility: float = 0.2  # the far leg is half hidden from the side; it only needs to be roughly placed
    head_judged_after: float = 0.6  # seconds at the top before a missing head lift is cued
    straight_share: float = 0.6  # share of raised-leg frames with a straight knee that makes "knees straight"


@dataclass(frozen=True)
class PressUp:
    """Prone press-up."""

    rest: float = 10.0  # trunk elevation (hip to shoulder above horizontal) of lying flat
    peak: float = 18.0  # trunk elevation that makes a press-up
    too_high: float = 60.0  # trunk elevation above which the press-up is higher than easy
    pelvis_lift: float = 0.18  # hip rise, in torso lengths, that means the pelvis left the floor
    pelvis_angle: float = 14.0  # thigh elevation (knee to hip above horizontal) that means the same
    elbow_extension: float = 15.0  # the elbows must open at least this much during the rise
    lying_max: float = 30.0  # trunk elevation at rest above which the person is not lying down
    elbow_straight: float = 150.0  # an elbow angle over this counts as pressed, whatever it started from
    got_up: float = 3.0  # a hip rise this many times the pelvis-lift limit is getting up, not a press-up
    # Heights above the floor line (near wrist to near ankle), in torso lengths seen side-on.
    floor_hip_max: float = 0.36  # a hip joint higher than this is off the floor (lying, it sits about 0.2-0.3 up)
    floor_knee_max: float = 0.10  # a knee higher than this is off the floor (a plank, a push-up)
    off_floor_share: float = 0.6  # pelvis off the floor for this share of a movement: a plank or push-up
    off_floor_seconds: float = 1.0  # this long lying with the pelvis off the floor, nothing counted: say why
    off_floor_frames: int = 3  # frames at the top off the floor (and half of them) before pelvis-lift is said
    forearm_floor: float = 0.2  # an elbow this low at the top rests on the floor: up on the forearms
    sphinx_elbow_max: float = 130.0  # ... with the elbow staying bent under this
    hold_target: float = 1.5


@dataclass(frozen=True)
class Hinge:
    """Standing hip hinge."""

    rest: float = 25.0  # hip flexion (trunk tilt + thigh tilt) of standing tall, or a shoulder drop of 25% of the torso
    peak: float = 50.0  # hip flexion that makes a hinge, or a shoulder drop of half the torso
    squat_margin: float = 10.0  # thigh tilt exceeding trunk tilt by this much at the bottom: knees dominate
    rounding: float = 30.0  # head-and-upper-back drop below the trunk line (over standing) that is rounding
    hips_back_min: float = 0.12  # hips must move back this far (torso lengths) once the trunk tilts past 45 deg
    knees_first_trunk: float = 0.35  # share of the trunk's rise done when the knees are 70% straight, below which
    # the knees led the stand-up
    standing_max_tilt: float = 25.0  # trunk tilt above which a person at rest is not standing tall
    fold_tilt: float = 45.0  # trunk tilt past which the hips must have moved back (else folding at the waist)
    min_range: float = 20.0  # knee bend and trunk tilt (at the bottom) needed before the stand-up order is judged
    knees_straight: float = 0.7  # share of the knee bend undone at which the stand-up order is judged
    foreshortening_slack: float = 0.97  # a segment this much shorter than standing still reads as upright (jitter)
    turned_max: float = 60.0  # largest camera azimuth the hips' backward shift is corrected for
    ankle_visibility: float = 0.25  # the ankle, often hidden behind a weight or the other leg, need only be placed
    max_trunk: float = 110.0  # tilts past these are misplaced landmarks, not bodies: capped
    max_thigh: float = 110.0  # (a thigh past this is not counted into the hip flexion at all)
    max_shank: float = 60.0
    foot_lift: float = 0.3  # one ankle higher than the other by this share of the leg: a single-leg hinge ...
    knee_behind: float = 0.12  # ... or one knee behind the hip by this share of the leg (the other not)
    hold_target: float = 1.0


@dataclass(frozen=True)
class Thresholds:
    """All thresholds; analyzers take one of these so tests and benches can vary them."""

    tracking: Tracking = field(default_factory=Tracking)
    counting: Counting = field(default_factory=Counting)
    posture: Posture = field(default_factory=Posture)
    glide: Glide = field(default_factory=Glide)
    press_up: PressUp = field(default_factory=PressUp)
    hinge: Hinge = field(default_factory=Hinge)


DEFAULT = Thresholds()
