"""Motion analysis from body landmarks: counts reps, times holds and spots form faults (pure Python + numpy)."""

from __future__ import annotations

from sciatica_coach.domain.motion.base import Analyzer
from sciatica_coach.domain.motion.landmarks import Landmark, PoseFrame
from sciatica_coach.domain.motion.results import FAULTS, NOT_VISIBLE, AnalysisResult, HoldResult, LiveStatus, RepResult
from sciatica_coach.domain.motion.thresholds import DEFAULT, Thresholds

EXERCISES = ("nerve-glide", "nerve-glide-bent-knee", "prone-press-up", "hip-hinge")


def create_analyzer(exercise_id: str, thresholds: Thresholds = DEFAULT) -> Analyzer:
    """A fresh analyzer for one exercise id; ValueError naming the valid ids otherwise."""
    from sciatica_coach.domain.motion.hinge import HipHinge

    if exercise_id == "hip-hinge":
        return HipHinge(thresholds)
    if exercise_id in ("nerve-glide", "nerve-glide-bent-knee"):
        from sciatica_coach.domain.motion.glide import NerveGlide

        return NerveGlide(exercise_id, thresholds)
    if exercise_id == "prone-press-up":
        from sciatica_coach.domain.motion.press_up import PronePressUp

        return PronePressUp(thresholds)
    raise ValueError(f"unknown exercise '{exercise_id}'; choose one of: {', '.join(EXERCISES)}")


__all__ = [
    "DEFAULT",
    "EXERCISES",
    "FAULTS",
    "NOT_VISIBLE",
    "AnalysisResult",
    "Analyzer",
    "HoldResult",
    "Landmark",
    "LiveStatus",
    "PoseFrame",
    "RepResult",
    "Thresholds",
    "create_analyzer",
]
