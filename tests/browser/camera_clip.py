"""Fake-camera helpers for the browser tests: the labelled clips in ../shared/media turned into slowed-down MJPEG,
the same window analysed offline, and the comparison of the two results."""

from __future__ import annotations

import csv
import itertools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from helpers import PROJECT_ROOT, missing, require_media
from sciatica_coach.domain.motion.thresholds import DEFAULT

CHROMIUM_FAKE_FPS = 30.0  # Chromium plays an MJPEG fake camera at a fixed 30 frames per second
LANDMARK_CACHE = PROJECT_ROOT / ".cache" / "landmarks"  # the video tests' cache of the pose model's landmarks
HOLD_TOLERANCE = 0.5  # seconds: live and offline holds agree within this


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


def offline_result(clip: LabelledClip) -> dict[str, Any]:
    """The clip's counted window through the analyzer offline, as `sciatica-coach analyze --start S --end E` counts
    it: the pose model in Python over the clip (landmarks cached in .cache/landmarks, as the video tests do), the
    frames from S to E fed to a fresh analyzer of the clip's exercise."""
    from sciatica_coach.domain.motion import create_analyzer
    from sciatica_coach.video.landmark_cache import cached_track

    track = cached_track(clip.path, LANDMARK_CACHE)
    analyzer = create_analyzer(clip.exercise)
    for frame in track.frames:
        if clip.start <= frame.t < clip.end:
            analyzer.update(frame)
    return analyzer.finish().to_dict()


def holds_by_rep(result: dict[str, Any]) -> tuple[list[float], list[float]]:
    """Seconds held in each rep of a saved result (0 when none was reported: held under the shortest reported hold),
    and the holds outside every rep (one cut off at the end), in order. A hold belongs to the rep whose span holds
    its middle."""
    reps = [(float(rep["start"]), float(rep["end"])) for rep in result["reps"]]
    per_rep = [0.0] * len(reps)
    outside = []
    for hold in result["holds"]:
        middle = (float(hold["start"]) + float(hold["end"])) / 2
        index = next((i for i, (start, end) in enumerate(reps) if start <= middle <= end), None)
        if index is None:
            outside.append(float(hold["seconds"]))
        else:
            per_rep[index] += float(hold["seconds"])
    return per_rep, outside


def hold_differences(live: dict[str, Any], offline: dict[str, Any], tolerance: float = HOLD_TOLERANCE) -> list[str]:
    """Where the live and the offline result disagree: the count, or a rep's hold by more than `tolerance` seconds.
    A rep with no hold reported held it under `min_hold` (the shortest hold reported), so it agrees with a hold of
    up to `min_hold + tolerance` on the other side."""
    shortest = DEFAULT.counting.min_hold
    if live["rep_count"] != offline["rep_count"]:
        return [f"{live['rep_count']} reps counted live, {offline['rep_count']} offline"]
    live_reps, live_outside = holds_by_rep(live)
    offline_reps, offline_outside = holds_by_rep(offline)
    pairs = [(f"rep {i}", a, b) for i, (a, b) in enumerate(zip(live_reps, offline_reps, strict=True), start=1)]
    extra = itertools.zip_longest(live_outside, offline_outside, fillvalue=0.0)
    pairs += [(f"hold outside the reps {i}", a, b) for i, (a, b) in enumerate(extra, start=1)]
    return [
        f"{name}: held {a:.2f} s live, {b:.2f} s offline"
        for name, a, b in pairs
        if abs(max(a, shortest) - max(b, shortest)) > tolerance
    ]
