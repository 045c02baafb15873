"""Speed of the motion analyzer: its cost per frame, and offline analysis against the bare pose model.

1. `Analyzer.update` cost per frame (aim <= 0.2 ms) on synthetic recordings of every exercise and on the real
   clips' cached landmarks.
2. Frames per second of `analyze_video` (decode + pose model + analyzer) next to decode + pose model alone on the
   same clip, and their ratio (aim >= 0.9). Runs alternate and the best of each is kept, since the CPU is shared.

    python bench/motion_speed.py [--clip NAME] [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from sciatica_coach.domain.motion import PoseFrame, create_analyzer
from sciatica_coach.domain.motion.synthetic import SyntheticSpec, generate

ROOT = Path(__file__).resolve().parents[1]
MEDIA = ROOT.parent / "shared" / "media"
CACHE = ROOT / ".cache" / "landmarks"
REAL = {
    "hinge-deadlift-side.mp4": "hip-hinge",
    "squat-threequarter.mp4": "hip-hinge",
    "press-up-cobra-multiview.mp4": "prone-press-up",
    "supine-scissor-kicks.mp4": "nerve-glide",
}


def per_frame_ms(exercise: str, frames: list[PoseFrame], repeats: int = 5) -> tuple[float, float]:
    """Best-of-`repeats` mean cost per frame, and the 99th percentile of single frames, in milliseconds."""
    best = float("inf")
    singles: list[float] = []
    for _ in range(repeats):
        analyzer = create_analyzer(exercise)
        began = time.perf_counter()
        for frame in frames:
            t0 = time.perf_counter()
            analyzer.update(frame)
            singles.append(time.perf_counter() - t0)
        analyzer.finish()
        best = min(best, (time.perf_counter() - began) / len(frames))
    return best * 1e3, statistics.quantiles(singles, n=100)[98] * 1e3


def analyzer_costs() -> None:
    """Cost per frame on synthetic and real landmark sequences."""
    print("Analyzer.update cost per frame (aim <= 0.2 ms)")
    print(f"{'sequence':<52} {'frames':>6} {'mean ms':>8} {'p99 ms':>7}")
    for exercise, analyzer in [
        ("nerve-glide", "nerve-glide"),
        ("nerve-glide-bent-knee", "nerve-glide-bent-knee"),
        ("prone-press-up", "prone-press-up"),
        ("hip-hinge", "hip-hinge"),
        ("squat", "hip-hinge"),
    ]:
        frames = generate(SyntheticSpec(exercise, reps=5, noise=0.02, drop_rate=0.05, seed=1))
        mean, p99 = per_frame_ms(analyzer, frames)
        print(f"{'synthetic ' + exercise + ' (noise, drops)':<52} {len(frames):>6} {mean:>8.3f} {p99:>7.3f}")
    if not MEDIA.is_dir():
        print(f"(real clips skipped: {MEDIA} is absent)")
        return
    from sciatica_coach.video.landmark_cache import cached_track

    for name, analyzer in REAL.items():
        frames = cached_track(MEDIA / name, CACHE).frames
        mean, p99 = per_frame_ms(analyzer, frames)
        print(f"{'real ' + name + ' -> ' + analyzer:<52} {len(frames):>6} {mean:>8.3f} {p99:>7.3f}")


def bare_model_fps(clip: Path) -> float:
    """Decode and run the pose model only."""
    from sciatica_coach.video.decode import frames
    from sciatica_coach.video.pose import pose_frames

    began, count = time.perf_counter(), 0
    for _ in pose_frames(frames(clip)):
        count += 1
    return count / (time.perf_counter() - began)


def full_analysis_fps(clip: Path, exercise: str) -> float:
    """The whole offline analysis, as `sciatica-coach analyze` runs it (without --annotate)."""
    from sciatica_coach.video.analysis import analyze_video

    began = time.perf_counter()
    analysis = analyze_video(clip, exercise)
    return analysis.frames / (time.perf_counter() - began)


def offline_rates(clip_name: str, rounds: int) -> None:
    """Offline analysis next to the bare model on the same clip."""
    clip = MEDIA / clip_name
    if not clip.is_file():
        print(f"\n(offline comparison skipped: {clip} is absent)")
        return
    bare: list[float] = []
    full: list[float] = []
    for _ in range(rounds):
        bare.append(bare_model_fps(clip))
        full.append(full_analysis_fps(clip, REAL.get(clip_name, "hip-hinge")))
    print(f"\nOffline analysis of {clip_name} ({rounds} alternating rounds, best of each)")
    print(f"  bare pose model (decode + pose):          {max(bare):6.1f} frames/s   runs {[round(v, 1) for v in bare]}")
    print(f"  analyze (decode + pose + analyzer):       {max(full):6.1f} frames/s   runs {[round(v, 1) for v in full]}")
    print(f"  ratio analyze / bare model:               {max(full) / max(bare):6.3f}   (aim >= 0.9)")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", default="squat-threequarter.mp4", help="clip in ../shared/media for part 2")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of part 2")
    args = parser.parse_args()
    analyzer_costs()
    offline_rates(args.clip, args.rounds)


if __name__ == "__main__":
    main()
