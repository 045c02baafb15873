"""Analyse a video file: decode, find the body with the pose model, count with the motion analyzer, draw."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sciatica_coach.domain.motion import AnalysisResult, create_analyzer
from sciatica_coach.video.annotate import Annotator
from sciatica_coach.video.decode import VideoInfo, frames, probe
from sciatica_coach.video.pose import pose_frames

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class VideoAnalysis:
    """The analyzer's result for one clip, with what was read."""

    info: VideoInfo
    result: AnalysisResult
    start: float
    end: float
    frames: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the clip, the window analysed and the analyzer's reps, holds and warnings."""
        return {
            "video": str(self.info.path),
            "fps": round(self.info.fps, 3),
            "width": self.info.width,
            "height": self.info.height,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            **self.result.to_dict(),
            "frames": self.frames,
        }


def analyze_video(
    path: Path,
    exercise: str,
    start: float = 0.0,
    end: float | None = None,
    annotate_to: Path | None = None,
    on_frame: Progress | None = None,
) -> VideoAnalysis:
    """Run the pose model and the exercise's analyzer over [start, end) of a clip; optionally write an annotated copy.

    Raises VideoError for a missing or unreadable file and ValueError for an unknown exercise.
    """
    analyzer = create_analyzer(exercise)
    info = probe(path)
    stop = info.duration if end is None else min(end, info.duration)
    total = max(0, round((stop - start) * info.fps))
    count = 0
    annotator = Annotator(annotate_to, info.fps, info.width, info.height, exercise) if annotate_to else None
    try:
        for frame, image in pose_frames(frames(path, start, end)):
            status = analyzer.update(frame)
            if annotator is not None:
                annotator.write(image, frame, status)
            count += 1
            if on_frame is not None:
                on_frame(count, total)
    finally:
        if annotator is not None:
            annotator.__exit__(None, None, None)
    return VideoAnalysis(info, analyzer.finish(), start, stop, count)
