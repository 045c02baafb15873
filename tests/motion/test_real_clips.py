"""The real labelled clips in ../shared/media (landmarks cached in .cache/landmarks): exact counts and findings."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from motion.helpers import all_faults, analyse
from sciatica_coach.domain.motion import AnalysisResult, LiveStatus, PoseFrame
from sciatica_coach.domain.motion.base import TWO_PEOPLE
from sciatica_coach.domain.motion.press_up import HIPS_OFF_FLOOR

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


def _clips(media: Path) -> list[dict[str, str]]:
    return list(labels(media).values())


def _run(row: dict[str, str], clip_frames: Frames) -> tuple[AnalysisResult, list[LiveStatus]]:
    exercise = "nerve-glide" if row["exercise"] == "none" else row["exercise"]
    return analyse(exercise, clip_frames(row["file"]))


def test_every_labelled_clip_is_counted_exactly_and_never_silent(media: Path, clip_frames: Frames) -> None:
    for row in _clips(media):
        result, _ = _run(row, clip_frames)
        start, end = window(row)
        counted = len([rep for rep in result.reps if start <= rep.start <= end])
        assert counted == int(row["true_reps"] or 0), row["file"]
        if row["must_flag"] == "yes":  # a fault on every counted rep, or nothing counted and a warning saying why
            flagged = (bool(result.reps) and all(rep.faults for rep in result.reps)) or (
                not result.reps and bool(result.warnings)
            )
            assert flagged, row["file"]
        assert TWO_PEOPLE not in result.warnings, row["file"]  # one person in every clip here


@pytest.mark.parametrize(
    "name",
    [
        "press-up-cobra-multiview.mp4",
        "ng-spine-slr-hold-solo.mp4",
        "pp-aris-cobra-hold.mp4",  # the chest is up at 3.9 s, the head lifts on until about 4.8 s
    ],
)
def test_labelled_holds_are_timed_within_half_a_second(name: str, media: Path, clip_frames: Frames) -> None:
    row = labels(media)[name]
    result, _ = _run(row, clip_frames)
    h_start, h_end = (float(v) for v in row["holds_s"].split("-"))
    overlapping = [h for h in result.holds if h.end > h_start and h.start < h_end]
    assert overlapping, "the labelled hold was not reported"
    assert max(h.seconds for h in overlapping) == pytest.approx(h_end - h_start, abs=0.5)


def test_the_forearm_plank_counts_nothing_and_says_the_hips_are_off_the_floor(media: Path, clip_frames: Frames) -> None:
    result, statuses = analyse("prone-press-up", clip_frames("pp-neg-kaia-plank-hold.mp4"))
    assert result.rep_count == 0
    assert HIPS_OFF_FLOOR in result.warnings
    said = [cue for status in statuses for cue in status.cues]
    assert said.count("Keep your hips on the floor.") == 1  # the plank held still is told live, once


def test_a_cobra_first_seen_low_is_lying_and_its_hold_is_reported(media: Path, clip_frames: Frames) -> None:
    result, _ = analyse("prone-press-up", clip_frames("pp-aris-cobra-hold.mp4"))
    assert result.observations["posture"] == "lying"  # propped on straight arms, the legs on the mat
    (hold,) = result.holds
    assert hold.start < 5.0 and hold.end >= 8.5  # the clip ends during the hold
    assert all_faults(result) == set() and HIPS_OFF_FLOOR not in result.warnings


def test_v_ups_are_no_glides_and_say_both_legs_were_up(media: Path, clip_frames: Frames) -> None:
    result, _ = analyse("nerve-glide", clip_frames("ng-pal-vup-headlift.mp4"))
    assert result.rep_count == 0
    assert any("Both legs were up together" in w for w in result.warnings)


def test_side_view_squats_are_each_flagged_as_a_squat_pattern(media: Path, clip_frames: Frames) -> None:
    result, _ = analyse("hip-hinge", clip_frames("hh-neg-han-squat-side.mp4"))
    assert result.rep_count == 6
    assert all("squat-pattern" in rep.faults for rep in result.reps)
