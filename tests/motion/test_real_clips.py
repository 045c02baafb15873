"""The real labelled clips in ../shared/media (landmarks cached in .cache/landmarks): exact counts and findings."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from motion.helpers import all_faults, analyse
from sciatica_coach.domain.motion import PoseFrame

pytestmark = pytest.mark.video

Frames = Callable[[str], list[PoseFrame]]


def labels(media: Path) -> dict[str, dict[str, str]]:
    """labels.csv by file name."""
    with (media / "labels.csv").open(newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def window(row: dict[str, str]) -> tuple[float, float]:
    """The count window of a clip (the whole clip when blank)."""
    if not row["count_window_s"]:
        return 0.0, float("inf")
    start, end = row["count_window_s"].split("-")
    return float(start), float(end)


def test_deadlift_counts_four_hinges_with_no_squat_pattern(media: Path, clip_frames: Frames) -> None:
    row = labels(media)["hinge-deadlift-side.mp4"]
    result, _ = analyse("hip-hinge", clip_frames(row["file"]))
    start, end = window(row)
    reps = [rep for rep in result.reps if start <= rep.start <= end]
    assert len(reps) == int(row["true_reps"]) == 4
    assert all_faults(result) == set()
    lockouts = [4.5, 10.5, 16.0, 22.0]  # from the labels: each rep ends standing tall near these times
    assert all(abs(rep.end - lockout) < 1.6 for rep, lockout in zip(result.reps, lockouts, strict=True))


def test_squats_count_eight_movements_each_flagged_as_squat_pattern(media: Path, clip_frames: Frames) -> None:
    row = labels(media)["squat-threequarter.mp4"]
    result, _ = analyse("hip-hinge", clip_frames(row["file"]))
    assert result.rep_count == int(row["true_reps"]) == 8
    assert all(rep.faults == ["squat-pattern"] for rep in result.reps)


def test_cobra_press_up_is_one_rep_with_a_hold_of_about_three_and_a_half_seconds(
    media: Path, clip_frames: Frames
) -> None:
    row = labels(media)["press-up-cobra-multiview.mp4"]
    result, statuses = analyse("prone-press-up", clip_frames(row["file"]))
    start, end = window(row)
    assert len([rep for rep in result.reps if start <= rep.start <= end]) == int(row["true_reps"]) == 1
    assert result.rep_count == 1  # the same pose filmed again from other angles is not another rep
    rep = result.reps[0]
    assert 3.5 <= rep.start <= 4.6 and rep.view == "side"
    (hold,) = result.holds
    assert 5.0 <= hold.start <= 6.2 and 8.6 <= hold.end <= 9.6
    assert hold.seconds == pytest.approx(3.5, abs=0.6)
    # title cards with nobody in them: said plainly, not guessed at
    assert not statuses[0].visible and not statuses[-1].visible


def test_scissor_kicks_are_no_glides_but_a_lying_person_with_straight_knees(media: Path, clip_frames: Frames) -> None:
    row = labels(media)["supine-scissor-kicks.mp4"]
    assert row["exercise"] == "none"
    result, _ = analyse("nerve-glide", clip_frames(row["file"]))
    assert result.rep_count == 0
    assert result.observations["lying"] == "yes"
    assert result.observations["posture"] == "lying"
    assert result.observations["knees"] == "straight"
