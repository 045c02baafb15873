"""Motion fixtures: the real clips' folder and their landmarks from the cache (built when absent)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sciatica_coach.domain.motion import PoseFrame

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MEDIA = PROJECT_ROOT.parent / "shared" / "media"
CACHE = PROJECT_ROOT / ".cache" / "landmarks"


@pytest.fixture(scope="session")
def media() -> Path:
    """The shared folder of real clips; the test is skipped with a reason when it is absent."""
    if not (MEDIA / "labels.csv").is_file():
        pytest.skip(f"real test clips not found: {MEDIA} is absent (it sits beside the project checkout)")
    return MEDIA


@pytest.fixture(scope="session")
def clip_frames(media: Path) -> Callable[[str], list[PoseFrame]]:
    """Landmarks of a real clip, from `.cache/landmarks/` (the pose model runs once per clip when absent)."""
    from sciatica_coach.video.landmark_cache import cached_track

    def load(name: str) -> list[PoseFrame]:
        return cached_track(media / name, CACHE).frames

    return load
