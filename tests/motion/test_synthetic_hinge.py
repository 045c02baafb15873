"""Hip hinge on synthetic recordings: hinge vs squat, the back, the stand-up order, every view."""

from __future__ import annotations

import pytest

from motion.helpers import all_faults, synthetic

VIEWS = ["side", "three-quarter", "front"]


@pytest.mark.parametrize("view", VIEWS)
def test_clean_hinges_count_with_no_faults(view: str) -> None:
    result = synthetic("hip-hinge", exercise="hip-hinge", reps=4, view=view)
    assert result.rep_count == 4
    assert all_faults(result) == set()
    assert all(rep.view == view for rep in result.reps)


@pytest.mark.parametrize("view", VIEWS)
def test_squats_count_as_movements_each_flagged_as_squat_pattern(view: str) -> None:
    result = synthetic("hip-hinge", exercise="squat", reps=4, view=view)
    assert result.rep_count == 4
    assert all(rep.faults == ["squat-pattern"] for rep in result.reps)


@pytest.mark.parametrize("view", ["side", "three-quarter"])
@pytest.mark.parametrize("fault", ["rounded-back", "knees-first"])
def test_back_and_stand_up_faults_are_flagged(view: str, fault: str) -> None:
    result = synthetic("hip-hinge", exercise="hip-hinge", reps=3, view=view, faults=frozenset({fault}))
    assert result.rep_count == 3
    assert all(rep.faults == [fault] for rep in result.reps)


def test_walking_in_and_out_of_the_picture_is_ignored() -> None:
    result = synthetic("hip-hinge", exercise="hip-hinge", reps=3, enter=True, leave=True)
    assert result.rep_count == 3
    assert all_faults(result) == set()


@pytest.mark.parametrize("speed", [0.5, 2.5])
def test_slow_and_quick_hinges_count(speed: float) -> None:
    assert synthetic("hip-hinge", exercise="hip-hinge", reps=3, speed=speed).rep_count == 3


def test_each_rep_has_times_in_order_and_a_confidence() -> None:
    result = synthetic("hip-hinge", exercise="hip-hinge", reps=3)
    ends = [rep.end for rep in result.reps]
    assert ends == sorted(ends)
    assert all(rep.start < rep.end and 0.0 < rep.confidence <= 1.0 for rep in result.reps)
    assert all(result.reps[i].end <= result.reps[i + 1].start for i in range(2))
