"""Landmarks of a clip, extracted once with the pose model and kept in an .npz file keyed by the clip's identity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sciatica_coach.domain.motion import PoseFrame
from sciatica_coach.domain.motion.landmarks import LANDMARK_COUNT
from sciatica_coach.video.decode import frames as decode_frames
from sciatica_coach.video.decode import probe
from sciatica_coach.video.pose import pose_frames

CACHE_VERSION = 1  # bump when the extraction changes (model options, fields)


@dataclass(frozen=True)
class LandmarkTrack:
    """A clip's pose frames plus its timing."""

    frames: list[PoseFrame]
    fps: float
    width: int
    height: int


def cache_key(clip: Path) -> str:
    """File name, size and modification time: a changed clip gets a fresh cache entry."""
    stat = clip.stat()
    return f"{clip.stem}-{stat.st_size}-{stat.st_mtime_ns}-v{CACHE_VERSION}"


def extract(clip: Path, on_frame: Callable[[int, int], None] | None = None) -> LandmarkTrack:
    """Run the pose model over the whole clip; `on_frame(done, total)` reports progress."""
    info = probe(clip)
    result: list[PoseFrame] = []
    for done, (frame, _image) in enumerate(pose_frames(decode_frames(clip)), start=1):
        result.append(frame)
        if on_frame is not None:
            on_frame(done, info.frame_count)
    return LandmarkTrack(result, info.fps, info.width, info.height)


def save(track: LandmarkTrack, path: Path) -> None:
    """Write a track as compressed arrays (NaN rows where nobody was found)."""
    points = np.full((len(track.frames), LANDMARK_COUNT, 4), np.nan, dtype=np.float32)
    for i, frame in enumerate(track.frames):
        if frame.landmarks is not None:
            points[i] = frame.landmarks
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp,
        t=np.array([f.t for f in track.frames], dtype=np.float64),
        points=points,
        meta=np.array([track.fps, track.width, track.height], dtype=np.float64),
    )
    tmp.replace(path)


def load(path: Path) -> LandmarkTrack:
    """Read a track written by `save`."""
    with np.load(path) as data:
        times = data["t"]
        points = data["points"].astype(np.float64)
        fps, width, height = (float(v) for v in data["meta"])
    w, h = int(width), int(height)
    frames = [PoseFrame(float(t), None if np.isnan(p[0, 0]) else p, w, h) for t, p in zip(times, points, strict=True)]
    return LandmarkTrack(frames, fps, w, h)


def cached_track(clip: Path, cache_dir: Path, on_frame: Callable[[int, int], None] | None = None) -> LandmarkTrack:
    """The clip's landmarks from the cache, extracting (and caching) them first when absent or stale."""
    path = cache_dir / f"{cache_key(clip)}.npz"
    if path.is_file():
        try:
            return load(path)
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)
    for stale in cache_dir.glob(f"{clip.stem}-*.npz"):
        stale.unlink(missing_ok=True)
    track = extract(clip, on_frame)
    save(track, path)
    return track
