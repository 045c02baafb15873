"""Prone press-up on synthetic recordings: count, short hold, pelvis, height, views, getting up and down."""

from __future__ import annotations

import pytest

from motion.helpers import all_faults, synthetic
from sciatica_coach.domain.motion import NOT_VISIBLE


@pytest.mark.parametrize("view", ["side", "three-quarter"])
@pytest.mark.parametrize("near", ["left", "right"])
def test_counts_press_ups_and_times_the_short_hold(view: str, near: str) -> None:
    result = synthetic("prone-press-up", exercise="prone-press-up", reps=4, view=view, near=near)
    assert result.rep_count == 4
    assert all_faults(result) == set()
    assert len(result.holds) == 4 and all(1.0 <= h.seconds <= 2.6 for h in result.holds)
    assert result.reps_by_side() == {}


def test_a_longer_hold_is_timed_longer() -> None:
    result = synthetic("prone-press-up", exercise="prone-press-up", reps=2, hold=4.0)
    assert all(3.6 <= h.seconds <= 5.0 for h in result.holds)


@pytest.mark.parametrize("fault", ["pelvis-lift", "too-high"])
def test_faults_are_flagged_on_every_rep(fault: str) -> None:
    result = synthetic("prone-press-up", exercise="prone-press-up", reps=3, faults=frozenset({fault}))
    assert result.rep_count == 3
    assert all(rep.faults == [fault] for rep in result.reps)


def test_getting_down_and_standing_up_are_ignored() -> None:
    result = synthetic("prone-press-up", exercise="prone-press-up", reps=3, enter=True, leave=True)
    assert result.rep_count == 3
    assert all_faults(result) == set()


def test_head_end_view_is_refused() -> None:
    result = synthetic("prone-press-up", exercise="prone-press-up", reps=3, view="front")
    assert result.rep_count == 0
    assert result.warnings and result.warnings[0].startswith(NOT_VISIBLE)


@pytest.mark.parametrize("speed", [0.6, 2.0])
def test_slow_and_quick_press_ups_count(speed: float) -> None:
    assert synthetic("prone-press-up", exercise="prone-press-up", reps=3, speed=speed).rep_count == 3
