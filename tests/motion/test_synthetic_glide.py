"""Nerve glide on synthetic recordings (no real clip exists): legs, variants, holds, faults, views."""

from __future__ import annotations

import pytest

from motion.helpers import all_faults, analyse, synthetic
from sciatica_coach.domain.motion import FAULTS, NOT_VISIBLE
from sciatica_coach.domain.motion.synthetic import SyntheticSpec, generate


@pytest.mark.parametrize("view", ["side", "three-quarter"])
@pytest.mark.parametrize("leg", ["left", "right"])
def test_counts_glides_of_either_leg_with_the_five_second_hold(view: str, leg: str) -> None:
    result = synthetic("nerve-glide", exercise="nerve-glide", reps=3, side=leg, view=view)
    assert result.rep_count == 3
    assert result.reps_by_side() == {leg: 3}
    assert all_faults(result) == set()
    assert {rep.variant for rep in result.reps} == {"straight"}
    assert [round(h.seconds) for h in result.holds] == [5, 5, 6] or all(4.6 <= h.seconds <= 6.5 for h in result.holds)
    assert len(result.holds) == 3 and {h.side for h in result.holds} == {leg}
    assert min(rep.confidence for rep in result.reps) >= 0.7


def test_the_leg_farther_from_the_camera_is_counted_too() -> None:
    result = synthetic("nerve-glide", exercise="nerve-glide", reps=2, side="right", near="left")
    assert result.reps_by_side() == {"right": 2}


def test_bent_knee_glide_is_recognised() -> None:
    result = synthetic("nerve-glide-bent-knee", exercise="nerve-glide-bent-knee", reps=3)
    assert result.rep_count == 3
    assert {rep.variant for rep in result.reps} == {"bent-knee"}
    assert all_faults(result) == set()


def test_straight_leg_done_under_the_bent_knee_id_is_named_straight() -> None:
    result = synthetic("nerve-glide-bent-knee", exercise="nerve-glide", reps=2)
    assert {rep.variant for rep in result.reps} == {"straight"}


def test_leg_lifted_without_head_and_shoulders_is_flagged_and_cued() -> None:
    frames = generate(SyntheticSpec(exercise="nerve-glide", reps=2, faults=frozenset({"no-head-lift"})))
    result, statuses = analyse("nerve-glide", frames)
    assert result.rep_count == 2
    assert all(rep.faults == ["no-head-lift"] for rep in result.reps)
    cues = [cue for status in statuses for cue in status.cues]
    assert cues.count(FAULTS["no-head-lift"]) == 2
    # the cue comes while the leg is still up, so the person can fix it
    first = next(i for i, s in enumerate(statuses) if FAULTS["no-head-lift"] in s.cues)
    assert statuses[first].phase == "hold"


def test_dropping_the_leg_fast_is_flagged() -> None:
    result = synthetic("nerve-glide", exercise="nerve-glide", reps=3, faults=frozenset({"fast-drop"}))
    assert result.rep_count == 3
    assert all(rep.faults == ["fast-drop"] for rep in result.reps)


def test_both_legs_up_is_not_a_glide() -> None:
    result = synthetic("nerve-glide", exercise="nerve-glide", reps=3, faults=frozenset({"both-legs"}))
    assert result.rep_count == 0
    assert any("Both legs" in w for w in result.warnings)


def test_seen_from_the_head_end_it_says_it_cannot_see_instead_of_guessing() -> None:
    frames = generate(SyntheticSpec(exercise="nerve-glide", reps=3, view="front"))
    result, statuses = analyse("nerve-glide", frames)
    assert result.rep_count == 0
    assert any(w.startswith(NOT_VISIBLE) and "side" in w for w in result.warnings)
    assert not any(s.visible for s in statuses)
    cues = [cue for status in statuses for cue in status.cues]
    assert len(cues) == 1 and cues[0].startswith(NOT_VISIBLE)


def test_lying_down_and_getting_up_again_are_not_reps() -> None:
    result = synthetic("nerve-glide", exercise="nerve-glide", reps=3, enter=True, leave=True)
    assert result.rep_count == 3
    assert all_faults(result) == set()


def test_live_status_walks_through_the_phases_and_counts_per_side() -> None:
    frames = generate(SyntheticSpec(exercise="nerve-glide", reps=2, side="right"))
    _, statuses = analyse("nerve-glide", frames)
    phases = [s.phase for s in statuses]
    for phase in ("rest", "move", "hold", "return"):
        assert phase in phases
    assert phases.index("rest") < phases.index("move") < phases.index("hold") < phases.index("return")
    assert max(s.hold_seconds for s in statuses) == pytest.approx(5.5, abs=1.0)
    assert statuses[-1].rep_count == 2 and statuses[-1].reps_by_side == {"right": 2}
    assert {s.side for s in statuses if s.phase == "hold"} == {"right"}
    assert all(s.visible for s in statuses)
