"""The analyzer's public face: the factory, JSON-ready results, live status, frames from plain lists."""

from __future__ import annotations

import json

import numpy as np
import pytest

from motion.helpers import analyse
from sciatica_coach.domain.motion import EXERCISES, FAULTS, PoseFrame, create_analyzer
from sciatica_coach.domain.motion.synthetic import SyntheticSpec, generate


@pytest.mark.parametrize("exercise", EXERCISES)
def test_factory_builds_a_fresh_analyzer_for_every_program_exercise(exercise: str) -> None:
    first, second = create_analyzer(exercise), create_analyzer(exercise)
    assert first is not second and first.exercise_id == exercise


def test_factory_names_the_valid_ids_for_an_unknown_one() -> None:
    with pytest.raises(ValueError, match="nerve-glide, nerve-glide-bent-knee, prone-press-up, hip-hinge"):
        create_analyzer("hamstring-stretch")


def test_results_and_live_status_are_json_ready() -> None:
    frames = generate(SyntheticSpec(exercise="nerve-glide", reps=2, faults=frozenset({"fast-drop"})))
    result, statuses = analyse("nerve-glide", frames)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["exercise"] == "nerve-glide" and data["rep_count"] == 2
    rep = data["reps"][0]
    assert set(rep) >= {"start", "end", "side", "confidence", "faults", "fault_text", "variant"}
    assert rep["faults"] == ["fast-drop"] and rep["fault_text"] == [FAULTS["fast-drop"]]
    assert set(data["holds"][0]) == {"start", "end", "seconds", "side"}
    assert isinstance(data["warnings"], list)
    live = json.loads(json.dumps(statuses[-1].to_dict()))
    assert set(live) >= {"rep_count", "phase", "hold_seconds", "side", "visible", "cues", "confidence"}


def test_cues_are_handed_over_once() -> None:
    frames = generate(SyntheticSpec(exercise="squat", reps=2))
    _, statuses = analyse("hip-hinge", frames)
    cues = [c for s in statuses for c in s.cues]
    assert cues == [FAULTS["squat-pattern"]] * 2


def test_frame_from_plain_lists_checks_its_shape() -> None:
    points = np.zeros((33, 4)).tolist()
    assert PoseFrame.from_list(1.0, points, 640, 480).landmarks is not None
    assert PoseFrame.from_list(1.0, None).landmarks is None
    with pytest.raises(ValueError, match="33 landmarks"):
        PoseFrame.from_list(1.0, points[:10])
