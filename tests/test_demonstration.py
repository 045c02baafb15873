"""The moving demonstrations: the synthetic body doing each exercise, side-on, timed to the prescription."""

from __future__ import annotations

import itertools
import json
import math

import pytest

from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.demonstration import BONES, MOVEMENTS, POINTS, Demonstration, Frame, demonstrate
from sciatica_coach.domain.engine.prescription import PrescribedExercise, prescribe

DEMONSTRATED = ["nerve-glide", "nerve-glide-bent-knee", "prone-press-up", "hip-hinge"]


def demo(library: Library, exercise_id: str, side: str = "left", hold: float | None = None) -> Demonstration:
    return demonstrate(library.exercise(exercise_id), prescribe(library, exercise_id, hold=hold), side)


def length(frame: Frame, a: str, b: str) -> float:
    (ax, ay), (bx, by) = frame.at(a), frame.at(b)
    return math.hypot(ax - bx, ay - by)


def bend(frame: Frame, a: str, joint: str, b: str) -> float:
    """The angle a-joint-b in degrees (180 = straight)."""
    (hx, hy), (kx, ky), (ax, ay) = frame.at(a), frame.at(joint), frame.at(b)
    turn = math.atan2(hy - ky, hx - kx) - math.atan2(ay - ky, ax - kx)
    return abs(math.degrees((turn + math.pi) % (2 * math.pi) - math.pi))


def knee_angle(frame: Frame) -> float:
    """The angle hip-knee-ankle in degrees (180 = straight)."""
    return bend(frame, "hip", "knee", "ankle")


def height(demonstration: Demonstration, frame: Frame, name: str) -> float:
    """Pixels above the floor (the picture's y grows downward)."""
    return demonstration.floor_y - frame.at(name)[1]


def test_every_exercise_in_the_content_has_a_demonstration(library: Library) -> None:
    assert set(library.exercises) <= set(MOVEMENTS)


@pytest.mark.parametrize("exercise_id", DEMONSTRATED)
def test_one_rep_is_rest_move_hold_return_at_the_exercise_pacing(library: Library, exercise_id: str) -> None:
    exercise = library.exercise(exercise_id)
    d = demo(library, exercise_id)
    assert [p.kind for p in d.phases] == ["rest", "move", "hold", "return"]
    assert d.phase("move").duration == exercise.pacing.move_seconds
    assert d.phase("return").duration == exercise.pacing.return_seconds
    for before, after in zip(d.phases, d.phases[1:], strict=False):
        assert after.start == pytest.approx(before.start + before.duration)
    assert d.frames[-1].t == pytest.approx(d.duration)


@pytest.mark.parametrize(("exercise_id", "hold"), [("nerve-glide", 5.0), ("prone-press-up", 1.0), ("hip-hinge", 2.0)])
def test_the_hold_lasts_exactly_the_prescribed_seconds_without_moving(
    library: Library, exercise_id: str, hold: float
) -> None:
    d = demo(library, exercise_id, hold=hold)
    assert d.phase("hold").duration == hold
    held = d.frames_in("hold")
    assert held[0].t == pytest.approx(d.phase("hold").start)
    assert held[-1].t == pytest.approx(d.phase("hold").start + hold)
    assert all(f.points == held[0].points for f in held)
    assert d.frames[d.still].points == held[0].points  # the still key frame is the held top


def test_no_hold_leaves_the_hold_out(library: Library) -> None:
    d = demonstrate(library.exercise("hip-hinge"), PrescribedExercise("hip-hinge", 5, 0.0, ("",)))
    assert [p.kind for p in d.phases] == ["rest", "move", "return"]


@pytest.mark.parametrize("exercise_id", ["nerve-glide", "nerve-glide-bent-knee"])
def test_the_glide_lifts_the_head_as_the_leg_rises(library: Library, exercise_id: str) -> None:
    d = demo(library, exercise_id)
    moving = d.frames_in("move")
    heads = [height(d, f, "head") for f in moving]
    feet = [height(d, f, "ankle") for f in moving]
    assert all(b > a for a, b in itertools.pairwise(heads)), "the head rises all through the lift"
    assert all(b > a for a, b in itertools.pairwise(feet)), "the working leg rises with it"
    assert heads[-1] - heads[0] > 0.25 * length(moving[0], "hip", "shoulder")
    lowering = d.frames_in("return")
    assert height(d, lowering[-1], "head") == pytest.approx(heads[0], abs=0.5)


def test_the_straight_leg_glide_keeps_the_knee_straight_and_the_variant_keeps_it_bent(library: Library) -> None:
    straight = demo(library, "nerve-glide")
    bent = demo(library, "nerve-glide-bent-knee")
    assert all(knee_angle(f) > 170 for f in straight.frames)
    assert all(70 < knee_angle(f) < 110 for f in bent.frames)


def test_the_working_leg_is_the_near_one_on_either_side(library: Library) -> None:
    for side in ("left", "right"):
        d = demo(library, "nerve-glide", side)
        top = d.frames[d.still]
        assert height(d, top, "ankle") > height(d, top, "far_ankle") + 50, side


def test_the_press_up_keeps_the_pelvis_on_the_floor(library: Library) -> None:
    d = demo(library, "prone-press-up")
    rest, top = d.frames[0], d.frames[d.still]
    figure = length(rest, "shoulder", "hip") + length(rest, "hip", "knee") + length(rest, "knee", "ankle")
    pelvis = [height(d, f, "hip") for f in d.frames]
    assert max(pelvis) - min(pelvis) < 0.02 * figure
    assert height(d, top, "shoulder") - height(d, rest, "shoulder") > 0.2 * figure / 3  # while the chest rises


def test_the_hinge_sends_the_hips_back_more_than_the_knees_forward_with_a_flat_back(library: Library) -> None:
    d = demo(library, "hip-hinge")
    rest, bottom = d.frames[0], d.frames[d.still]
    forward = 1.0 if bottom.at("head")[0] > rest.at("head")[0] else -1.0  # the way the figure faces
    hips_back = -(bottom.at("hip")[0] - rest.at("hip")[0]) * forward
    knees_forward = (bottom.at("knee")[0] - rest.at("knee")[0]) * forward
    assert hips_back > 0
    assert hips_back > 3 * abs(knees_forward)
    assert height(d, bottom, "shoulder") < height(d, rest, "shoulder") - 0.2 * length(rest, "hip", "shoulder")
    assert bend(bottom, "hip", "back", "shoulder") > 175, "a flat back: no bend halfway up the trunk"


@pytest.mark.parametrize("exercise_id", DEMONSTRATED)
def test_the_figure_has_human_proportions(library: Library, exercise_id: str) -> None:
    d = demo(library, exercise_id)
    for f in (d.frames[0], d.frames[d.still]):
        leg = length(f, "hip", "knee") + length(f, "knee", "ankle")
        trunk = length(f, "hip", "shoulder")
        assert leg > 1.3 * trunk
        assert length(f, "shoulder", "elbow") + length(f, "elbow", "wrist") < leg
        assert d.head_radius < 0.35 * trunk


def test_the_json_names_every_point_and_bone_and_fits_the_view_box(library: Library) -> None:
    data = json.loads(json.dumps(demo(library, "nerve-glide").to_dict()))
    assert data["points"] == list(POINTS)
    assert len(data["bones"]) == len(BONES)
    x, y, w, h = data["viewBox"]
    for frame in data["frames"]:
        assert len(frame["p"]) == len(POINTS)
        assert all(x <= px <= x + w and y <= py <= y + h for px, py in frame["p"])
    assert y <= data["floorY"] <= y + h
    times = [f["t"] for f in data["frames"]]
    assert times == sorted(times)
    assert all(b - a <= 0.1 for a, b in itertools.pairwise(times) if a >= 3.0 and b <= 6.0)


def test_an_exercise_the_body_cannot_do_is_refused(library: Library) -> None:
    exercise = library.exercise("nerve-glide").model_copy(update={"id": "juggling"})
    with pytest.raises(ValueError, match="no demonstration for 'juggling'"):
        demonstrate(exercise, PrescribedExercise("juggling", 5, 5.0, ("",)))


def test_the_forearm_press_up_is_ready_for_when_the_content_has_it(library: Library) -> None:
    """No content file holds the forearm ("sphinx") variant yet; the body model already performs it."""
    exercise = library.exercise("prone-press-up").model_copy(update={"id": "forearm-press-up"})
    d = demonstrate(exercise, PrescribedExercise("forearm-press-up", 5, 2.0, ("",)))
    rest, top = d.frames[0], d.frames[d.still]
    pelvis = [height(d, f, "hip") for f in d.frames]
    assert max(pelvis) - min(pelvis) < 0.05 * length(rest, "hip", "shoulder")
    assert height(d, top, "shoulder") > height(d, rest, "shoulder") + 0.2 * length(rest, "hip", "shoulder")
    assert height(d, top, "elbow") < 0.25 * length(rest, "hip", "shoulder"), "resting on the forearms"
