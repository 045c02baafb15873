"""Never silent: a plank, a push-up, the forearm press-up, two people, the wrong posture, on synthetic recordings."""

from __future__ import annotations

import numpy as np
import pytest

from motion.helpers import all_faults, analyse, synthetic
from sciatica_coach.domain.motion import PoseFrame
from sciatica_coach.domain.motion.base import TWO_PEOPLE
from sciatica_coach.domain.motion.press_up import FOREARM_CUE, HIPS_OFF_FLOOR
from sciatica_coach.domain.motion.synthetic import SyntheticSpec, generate


@pytest.mark.parametrize("movement", ["plank", "push-up"])
@pytest.mark.parametrize("view", ["side", "three-quarter"])
@pytest.mark.parametrize("noise", [0.0, 0.03])
def test_a_plank_or_push_up_is_not_a_press_up_and_says_the_hips_are_off_the_floor(
    movement: str, view: str, noise: float
) -> None:
    frames = generate(SyntheticSpec(movement, reps=3, view=view, noise=noise, seed=4))
    result, statuses = analyse("prone-press-up", frames)
    assert result.rep_count == 0
    assert HIPS_OFF_FLOOR in result.warnings
    said = [cue for status in statuses for cue in status.cues]
    assert "Keep your hips on the floor." in said  # said live as well
    assert "not a press-up" in HIPS_OFF_FLOOR and "hips were off the floor" in HIPS_OFF_FLOOR


@pytest.mark.parametrize("view", ["side", "three-quarter"])
@pytest.mark.parametrize("near", ["left", "right"])
def test_the_forearm_press_up_counts_as_a_smaller_variant_with_its_own_cue(view: str, near: str) -> None:
    frames = generate(SyntheticSpec("forearm-press-up", reps=3, hold=5.0, view=view, near=near, noise=0.02, seed=2))
    result, statuses = analyse("prone-press-up", frames)
    assert result.rep_count == 3
    assert all(rep.variant == "forearms" for rep in result.reps)
    assert all_faults(result) == set()
    assert all(4.5 <= h.seconds <= 6.0 for h in result.holds) and len(result.holds) == 3
    cues = [cue for status in statuses for cue in status.cues]
    assert cues.count(FOREARM_CUE) == 1


def test_a_press_up_on_the_hands_is_not_the_forearm_variant() -> None:
    result = synthetic("prone-press-up", exercise="prone-press-up", reps=3)
    assert result.rep_count == 3 and all(rep.variant == "" for rep in result.reps)


@pytest.mark.parametrize("view", ["side", "three-quarter"])
def test_a_pelvis_lifted_during_a_press_up_is_a_fault_not_a_push_up(view: str) -> None:
    # the pelvis starts on the floor and rises at the top: counted, with the fault on every rep
    faults = frozenset({"pelvis-lift"})
    result = synthetic("prone-press-up", exercise="prone-press-up", reps=3, view=view, faults=faults)
    assert result.rep_count == 3 and all("pelvis-lift" in rep.faults for rep in result.reps)
    assert HIPS_OFF_FLOOR not in result.warnings


def _switching(frames: list[PoseFrame], other: list[PoseFrame], spells: list[tuple[float, float]]) -> list[PoseFrame]:
    """`frames` with the pose model following the body of `other` (moved aside in the picture) during `spells`."""
    out = []
    for frame, second in zip(frames, other, strict=False):
        if any(a <= frame.t < b for a, b in spells) and second.landmarks is not None:
            points = np.array(second.landmarks)
            points[:, 0] = points[:, 0] * 0.6 + 0.55  # standing off to one side
            out.append(PoseFrame(frame.t, points, frame.width, frame.height))
        else:
            out.append(frame)
    return out


def test_two_people_the_switch_is_detected_and_said() -> None:
    glides = generate(SyntheticSpec("nerve-glide", reps=3, hold=5.0))
    standing = generate(SyntheticSpec("hip-hinge", reps=0, rest=60.0))
    result, statuses = analyse("nerve-glide", _switching(glides, standing, [(4.0, 5.0), (20.0, 22.0)]))
    assert TWO_PEOPLE in result.warnings
    assert sum(status.cues.count(TWO_PEOPLE) for status in statuses) == 1
    assert "two people" in TWO_PEOPLE and "step into the middle" in TWO_PEOPLE


def test_one_camera_cut_is_not_two_people() -> None:
    side = generate(SyntheticSpec("nerve-glide", reps=2, hold=3.0))
    turned = generate(SyntheticSpec("nerve-glide", reps=2, hold=3.0, view="three-quarter"))
    cut = side[: len(side) // 2] + [
        PoseFrame(f.t + side[len(side) // 2].t, f.landmarks, f.width, f.height) for f in turned[len(turned) // 2 :]
    ]
    result, _ = analyse("nerve-glide", cut)
    assert TWO_PEOPLE not in result.warnings


def test_someone_standing_for_a_lying_exercise_is_told_what_to_do() -> None:
    result = synthetic("nerve-glide", exercise="hip-hinge", reps=3)
    assert result.rep_count == 0
    assert result.warnings == [
        "I could see you, but not lying down. Lie on your back, side-on to the camera, to start."
    ]


def test_someone_lying_for_the_hinge_is_told_to_stand() -> None:
    result = synthetic("hip-hinge", exercise="prone-press-up", reps=3)
    assert result.rep_count == 0
    assert result.warnings and "not standing up" in result.warnings[0]


@pytest.mark.parametrize("view", ["side", "three-quarter"])
@pytest.mark.parametrize("near", ["left", "right"])
def test_a_single_leg_hinge_counts_as_a_hinge_variant_read_on_the_standing_leg(view: str, near: str) -> None:
    result = synthetic("hip-hinge", exercise="single-leg-hinge", reps=4, view=view, near=near, noise=0.02, seed=3)
    assert result.rep_count == 4
    assert all(rep.variant == "single-leg" for rep in result.reps)
    assert all_faults(result) == set()  # the leg reaching back is no squat, and no knees-first stand-up


def test_a_squat_is_not_taken_for_a_single_leg_hinge() -> None:
    result = synthetic("hip-hinge", exercise="squat", reps=3)
    assert result.rep_count == 3 and all(rep.variant == "" for rep in result.reps)
    assert all(rep.faults == ["squat-pattern"] for rep in result.reps)
