"""Draw the skeleton, the count, the phase and the latest cues onto video frames, and write them to a file."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

from sciatica_coach.domain.motion import LiveStatus, PoseFrame
from sciatica_coach.domain.motion.landmarks import SKELETON
from sciatica_coach.video.decode import VideoError

CUE_SECONDS = 2.5  # how long a cue stays on screen
GREEN, WHITE, AMBER, DARK = (80, 200, 80), (255, 255, 255), (0, 190, 255), (30, 30, 30)


class Annotator:
    """Writes annotated frames to an .mp4 file; use as a context manager."""

    def __init__(self, path: Path, fps: float, width: int, height: int, title: str) -> None:
        import cv2

        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer: Any = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
        if not self._writer.isOpened():
            raise VideoError(f"cannot write a video to '{path}'")
        self._title = title
        self._cues: list[tuple[float, str]] = []

    def __enter__(self) -> Annotator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._writer.release()

    def write(self, image: Any, frame: PoseFrame, status: LiveStatus) -> None:
        """Draw on a copy-free BGR image and append it to the video."""
        import cv2

        self._cues = [(t, c) for t, c in self._cues if frame.t - t < CUE_SECONDS]
        self._cues.extend((frame.t, cue) for cue in status.cues)
        if frame.landmarks is not None:
            h, w = image.shape[:2]
            pts = [(int(x * w), int(y * h)) for x, y in frame.landmarks[:, :2].tolist()]
            seen = frame.landmarks[:, 3] >= 0.5
            for a, b in SKELETON:
                color = GREEN if seen[a] and seen[b] else AMBER
                cv2.line(image, pts[a], pts[b], color, 2, cv2.LINE_AA)
            for i, p in enumerate(pts):
                if i > 10 or i == 0:
                    cv2.circle(image, p, 3, WHITE if seen[i] else AMBER, -1, cv2.LINE_AA)
        hold = f"  hold {status.hold_seconds:.1f}s" if status.hold_seconds > 0 else ""
        side = f"  {status.side}" if status.side else ""
        lines = [(f"{self._title}  reps {status.rep_count}{side}", WHITE), (f"{status.phase}{hold}", WHITE)]
        lines += [(cue, AMBER) for _, cue in self._cues[-3:]]
        y = 24
        for text, color in lines:
            cv2.putText(image, text, (11, y + 1), cv2.FONT_HERSHEY_SIMPLEX, 0.6, DARK, 3, cv2.LINE_AA)
            cv2.putText(image, text, (10, y), cv2.FONT_HERSHEY_SIMPLEX, 0.6, color, 1, cv2.LINE_AA)
            y += 24
        self._writer.write(image)
