"""Fake-camera helpers for the browser tests: the labelled clips in ../shared/media turned into slowed-down MJPEG."""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import missing, require_media

CHROMIUM_FAKE_FPS = 30.0  # Chromium plays an MJPEG fake camera at a fixed 30 frames per second


@dataclass(frozen=True)
class LabelledClip:
    """One row of labels.csv."""

    path: Path
    exercise: str
    true_reps: int
    start: float
    end: float


@dataclass(frozen=True)
class FakeCamera:
    """An MJPEG file for `--use-file-for-fake-video-capture` and how long it plays in the browser."""

    path: Path
    seconds: float  # wall-clock seconds from the camera starting to the end of the counted window + padding
    slowdown: float
    still_seconds: float  # how long the first and the last picture are held (wall clock)

    @property
    def safe_stop(self) -> float:
        """Seconds after the camera opened to switch it off: in the middle of the held last picture, when every
        movement has been seen and well before Chromium loops the file back to its start (a loop would begin a rep
        that the end of the input then closes)."""
        return self.seconds - self.still_seconds / 2


def labelled_clip(name: str) -> LabelledClip:
    """A clip and its labels; skips the test with a clear message when the clip is absent (fails under CI=true)."""
    media = require_media()
    labels = media / "labels.csv"
    with labels.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["file"] == name:
                start, end = (float(x) for x in row["count_window_s"].split("-"))
                return LabelledClip(media / name, row["exercise"], int(row["true_reps"]), start, end)
    missing(f"{name} is not listed in {labels}")


def make_fake_camera(clip: LabelledClip, folder: Path, slowdown: float, pad_seconds: float = 1.0) -> FakeCamera:
    """Trim to the counting window, hold the first and last picture `pad_seconds`, slow down, write MJPEG."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.fail("ffmpeg is missing: run `make system-deps`")
    out = folder / f"{clip.path.stem}-x{slowdown:g}.mjpeg"
    filters = (
        f"tpad=start_mode=clone:start_duration={pad_seconds}:stop_mode=clone:stop_duration={pad_seconds},"
        f"scale=640:-2,setpts={slowdown}*PTS,fps={CHROMIUM_FAKE_FPS:g}"
    )
    command = [ffmpeg, "-v", "error", "-y", "-ss", f"{clip.start}", "-to", f"{clip.end}", "-i", str(clip.path)]
    subprocess.run([*command, "-an", "-vf", filters, "-q:v", "5", str(out)], check=True, timeout=120)
    seconds = (clip.end - clip.start + 2 * pad_seconds) * slowdown
    return FakeCamera(out, seconds, slowdown, pad_seconds * slowdown)
