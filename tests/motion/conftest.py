"""Motion fixtures: the real clips' folder and their landmarks from the cache (built when absent, by one worker at a
time)."""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import PROJECT_ROOT, require_media
from sciatica_coach.domain.motion import PoseFrame

CACHE = PROJECT_ROOT / ".cache" / "landmarks"


@pytest.fixture(scope="session")
def media() -> Path:
    """The shared folder of real clips; skipped with a reason when it is absent (failed under CI=true)."""
    return require_media()


@pytest.fixture(scope="session")
def clip_frames(media: Path) -> Callable[[str], list[PoseFrame]]:
    """Landmarks of a real clip, from `.cache/landmarks/` (the pose model runs once per clip when absent)."""
    from sciatica_coach.video.landmark_cache import cached_track

    def load(name: str) -> list[PoseFrame]:
        # Parallel workers (pytest-xdist) may want the same clip at once: one extracts, the other then reads the cache.
        CACHE.mkdir(parents=True, exist_ok=True)
        with (CACHE / f"{name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return cached_track(media / name, CACHE).frames

    return load
