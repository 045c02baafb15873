"""The landmark cache: a round trip keeps every frame, a changed clip gets a new key, a missing entry is rebuilt."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from sciatica_coach.domain.motion.synthetic import SyntheticSpec, generate
from sciatica_coach.video.landmark_cache import LandmarkTrack, cache_key, cached_track, load, save


def test_round_trip_keeps_frames_and_missing_ones(tmp_path: Path) -> None:
    frames = generate(SyntheticSpec(exercise="hip-hinge", reps=1, drop_rate=0.2, seed=1))
    path = tmp_path / "clip.npz"
    save(LandmarkTrack(frames, 30.0, 640, 480), path)
    track = load(path)
    assert (track.fps, track.width, track.height) == (30.0, 640, 480)
    assert [f.landmarks is None for f in track.frames] == [f.landmarks is None for f in frames]
    pairs = [(a, b) for a, b in zip(frames, track.frames, strict=True) if a.landmarks is not None]
    assert all(np.allclose(a.landmarks, b.landmarks, atol=1e-6) for a, b in pairs)  # type: ignore[arg-type]


def test_key_follows_the_clip_size_and_time(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"0" * 10)
    before = cache_key(clip)
    os.utime(clip, ns=(1, 2_000_000_000))
    assert cache_key(clip) != before
    assert cache_key(clip).startswith("clip-10-")


@pytest.mark.video
def test_absent_entry_is_extracted_then_read_back(tmp_path: Path) -> None:
    import cv2

    clip = tmp_path / "empty-room.mp4"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"mp4v"), 10.0, (160, 120))
    for _ in range(8):
        writer.write(np.full((120, 160, 3), 200, dtype=np.uint8))
    writer.release()
    cache = tmp_path / "cache"
    first = cached_track(clip, cache)
    assert len(first.frames) == 8 and all(f.landmarks is None for f in first.frames)
    assert list(cache.glob("*.npz")) == [cache / f"{cache_key(clip)}.npz"]
    again = cached_track(clip, cache)
    assert [f.t for f in again.frames] == [f.t for f in first.frames]
