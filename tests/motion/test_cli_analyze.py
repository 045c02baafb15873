"""`sciatica-coach analyze` as a person runs it: JSON on a real clip, and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The command in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "sciatica_coach", "analyze", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.video
def test_json_on_a_real_clip_is_one_object_with_every_rep(media: Path) -> None:
    done = run(str(media / "squat-threequarter.mp4"), "--exercise", "hip-hinge", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # exactly one JSON document on stdout: no progress bar, no log lines
    assert data["exercise"] == "hip-hinge" and data["video"].endswith("squat-threequarter.mp4")
    assert data["fps"] == pytest.approx(23.976, abs=0.01) and data["frames"] == 347
    assert len(data["reps"]) == data["rep_count"] == 8
    for rep in data["reps"]:
        assert rep["start"] < rep["end"] and 0 < rep["confidence"] <= 1
        assert rep["faults"] == ["squat-pattern"] and rep["side"] == ""
    assert data["holds"] == [] and data["warnings"] == []


@pytest.mark.video
def test_start_and_end_pick_a_window_and_annotate_writes_a_video(media: Path, tmp_path: Path) -> None:
    out = tmp_path / "annotated.mp4"
    clip = str(media / "press-up-cobra-multiview.mp4")
    done = run(clip, "-e", "prone-press-up", "--start", "2.5", "--end", "9.2", "--annotate", str(out))
    assert done.returncode == 0, done.stderr
    assert "1 rep(s)" in done.stdout and "Hold: 3." in done.stdout
    assert out.stat().st_size > 10_000
    import cv2

    video = cv2.VideoCapture(str(out))
    assert int(video.get(cv2.CAP_PROP_FRAME_COUNT)) == pytest.approx(201, abs=2)
    video.release()


def test_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    done = run(str(tmp_path / "nope.mp4"), "--exercise", "hip-hinge")
    assert done.returncode == 2
    assert "no such video file" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.video  # OpenCV is what finds the file unreadable
def test_unreadable_video_is_a_clean_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("this is not a video")
    done = run(str(bogus), "--exercise", "hip-hinge")
    assert done.returncode == 2
    assert "cannot read" in done.stderr and "Traceback" not in done.stderr


def test_unknown_exercise_lists_the_valid_ones(tmp_path: Path) -> None:
    done = run(str(tmp_path / "any.mp4"), "--exercise", "squat")
    assert done.returncode == 2
    assert "nerve-glide, nerve-glide-bent-knee, prone-press-up, hip-hinge" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr
