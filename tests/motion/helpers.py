"""Helpers for the motion tests: run an analyzer over frames, synthetic recordings, faults seen."""

from __future__ import annotations

from collections.abc import Iterable

from sciatica_coach.domain.motion import AnalysisResult, LiveStatus, PoseFrame, create_analyzer
from sciatica_coach.domain.motion.synthetic import SyntheticSpec, generate


def analyse(exercise: str, frames: Iterable[PoseFrame]) -> tuple[AnalysisResult, list[LiveStatus]]:
    """Feed every frame to a fresh analyzer; the summary and each live status."""
    analyzer = create_analyzer(exercise)
    statuses = [analyzer.update(frame) for frame in frames]
    return analyzer.finish(), statuses


def synthetic(analyzer: str, **spec: object) -> AnalysisResult:
    """Analyse one synthetic recording."""
    result, _ = analyse(analyzer, generate(SyntheticSpec(**spec)))  # type: ignore[arg-type]
    return result


def all_faults(result: AnalysisResult) -> set[str]:
    """Every fault named on any rep."""
    return {fault for rep in result.reps for fault in rep.faults}
