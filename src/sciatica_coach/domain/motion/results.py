"""What the analyzer reports: a live status per frame, and a summary of reps, holds and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Stable fault ids and the words shown and spoken for each.
FAULTS: dict[str, str] = {
    "no-head-lift": "Lift your head and shoulders together with the leg.",
    "fast-drop": "Lower the leg slowly, don't let it drop.",
    "pelvis-lift": "Keep your hips on the floor.",
    "too-high": "Smaller press-up: only as high as is easy.",
    "squat-pattern": "Squat pattern (knees dominate): send your hips back instead.",
    "rounded-back": "Keep your back long and flat.",
    "knees-first": "Stand up hips first, then straighten the knees.",
}

NOT_VISIBLE = "I can't see you well enough"


def fault_text(fault: str) -> str:
    """The words for a fault id (the id itself if unknown)."""
    return FAULTS.get(fault, fault)


@dataclass
class LiveStatus:
    """The analyzer's answer to one frame."""

    rep_count: int = 0
    phase: str = "get-ready"
    hold_seconds: float = 0.0
    side: str = ""
    visible: bool = False
    cues: list[str] = field(default_factory=list)
    confidence: float = 0.0
    reps_by_side: dict[str, int] = field(default_factory=dict)
    view: str = "unknown"
    variant: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "rep_count": self.rep_count,
            "phase": self.phase,
            "hold_seconds": round(self.hold_seconds, 2),
            "side": self.side,
            "visible": self.visible,
            "cues": list(self.cues),
            "confidence": round(self.confidence, 2),
            "reps_by_side": dict(self.reps_by_side),
            "view": self.view,
            "variant": self.variant,
        }


@dataclass
class RepResult:
    """One counted rep: when it started and ended (seconds), which side, how sure, what went wrong."""

    start: float
    end: float
    side: str
    confidence: float
    faults: list[str] = field(default_factory=list)
    peak: float = 0.0
    variant: str = ""
    view: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; `fault_text` gives the words for each fault id."""
        return {
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "side": self.side,
            "confidence": round(self.confidence, 2),
            "faults": list(self.faults),
            "fault_text": [fault_text(f) for f in self.faults],
            "peak": round(self.peak, 1),
            "variant": self.variant,
            "view": self.view,
        }


@dataclass
class HoldResult:
    """One timed hold at the top of a rep."""

    start: float
    end: float
    seconds: float
    side: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "seconds": round(self.seconds, 2),
            "side": self.side,
        }


@dataclass
class AnalysisResult:
    """Everything counted over a sequence of frames."""

    exercise: str
    reps: list[RepResult] = field(default_factory=list)
    holds: list[HoldResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    frames: int = 0
    visible_frames: int = 0
    observations: dict[str, str] = field(default_factory=dict)

    @property
    def rep_count(self) -> int:
        """How many reps were counted."""
        return len(self.reps)

    def reps_by_side(self) -> dict[str, int]:
        """Counted reps per side (empty for exercises without sides)."""
        counts: dict[str, int] = {}
        for rep in self.reps:
            if rep.side:
                counts[rep.side] = counts.get(rep.side, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "exercise": self.exercise,
            "rep_count": self.rep_count,
            "reps_by_side": self.reps_by_side(),
            "reps": [r.to_dict() for r in self.reps],
            "holds": [h.to_dict() for h in self.holds],
            "warnings": list(self.warnings),
            "frames": self.frames,
            "visible_frames": self.visible_frames,
            "observations": dict(self.observations),
        }


# The most reps and holds kept per exercise: the counts stay true, only the per-rep detail stops growing
# (a long or restarted stream once stored 194 reps for a 5-rep exercise). Twice the largest dose per side.
MAX_STORED_ITEMS = 40


def merge_camera(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Add a new stretch of camera results to what an exercise already holds (the camera may be used twice)."""
    if not old:
        return _bounded(dict(new))
    merged = {**old, **new}
    for key in ("reps", "holds"):
        merged[key] = list(old.get(key, [])) + list(new.get(key, []))
        merged[f"{key}_not_stored"] = int(old.get(f"{key}_not_stored", 0)) + int(new.get(f"{key}_not_stored", 0))
    merged["warnings"] = list(dict.fromkeys([*old.get("warnings", []), *new.get("warnings", [])]))
    for key in ("rep_count", "frames", "visible_frames"):
        merged[key] = int(old.get(key, 0)) + int(new.get(key, 0))
    by_side = dict(old.get("reps_by_side", {}))
    for side, count in new.get("reps_by_side", {}).items():
        by_side[side] = by_side.get(side, 0) + count
    merged["reps_by_side"] = by_side
    return _bounded(merged)


def _bounded(camera: dict[str, Any]) -> dict[str, Any]:
    """Keep the first MAX_STORED_ITEMS reps and holds (the fault summary counts those kept)."""
    for key in ("reps", "holds"):
        items = list(camera.get(key, []))
        if len(items) > MAX_STORED_ITEMS:
            camera[f"{key}_not_stored"] = int(camera.get(f"{key}_not_stored", 0)) + len(items) - MAX_STORED_ITEMS
            camera[key] = items[:MAX_STORED_ITEMS]
    _add_fault_summary(camera)
    return camera


def _add_fault_summary(camera: dict[str, Any]) -> None:
    """How often each fault was seen over the counted reps, and the words for it (for summaries)."""
    counts: dict[str, int] = {}
    for rep in camera.get("reps", []):
        for fault in rep.get("faults", []):
            counts[fault] = counts.get(fault, 0) + 1
    camera["faults"] = counts
    camera["fault_text"] = {fault: fault_text(fault) for fault in counts}
