"""Motion fixtures: the real clips' folder and their landmarks from the cache (built when absent)."""

from __future__ import annotations

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
        return cached_track(media / name, CACHE).frames

    return load
