"""Counting accuracy of the motion analyzer: the real labelled clips in ../shared/media, then a synthetic grid.

Prints, per clip and overall, counted vs true reps, the exact-count rate, the off-by-one rate and the mean absolute
error; the hold measured against the labelled hold (within 0.5 s counts as right); for clips marked `must_flag`,
whether they were flagged (a fault on every counted rep, or nothing counted and a warning saying why); the
warnings. Reps count when they start inside the clip's count window (labels.csv, count_window_s). The scissor-kick
clip (exercise "none") is run through the nerve-glide analyzer, which must count 0. Landmarks come from
.cache/landmarks/ (extracted with the pose model on the first run).

    python bench/motion_accuracy.py [--no-synthetic]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import time
from dataclasses import dataclass
from pathlib import Path

from sciatica_coach.domain.motion import create_analyzer
from sciatica_coach.domain.motion.synthetic import SyntheticSpec, generate

ROOT = Path(__file__).resolve().parents[1]
MEDIA = ROOT.parent / "shared" / "media"
CACHE = ROOT / ".cache" / "landmarks"
HOLD_TOLERANCE = 0.5  # seconds
STAND_IN = {"none": "nerve-glide"}  # clips of no program exercise: the analyzer that must not count them


@dataclass
class Row:
    """One clip's outcome."""

    name: str
    analyzer: str
    true: int
    counted: int
    note: str = ""
    hold_true: float | None = None
    hold_seen: float | None = None
    must_flag: bool = False
    flagged: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def error(self) -> int:
        """Counted minus true."""
        return self.counted - self.true

    @property
    def hold_ok(self) -> bool | None:
        """The labelled hold measured within 0.5 s (None when the clip has no labelled hold)."""
        if self.hold_true is None:
            return None
        return self.hold_seen is not None and abs(self.hold_seen - self.hold_true) <= HOLD_TOLERANCE


def real_clips() -> list[Row]:
    """Count the labelled clips."""
    from sciatica_coach.video.landmark_cache import cached_track

    rows = []
    with (MEDIA / "labels.csv").open(newline="") as handle:
        for label in csv.DictReader(handle):
            analyzer = STAND_IN.get(label["exercise"], label["exercise"])
            start, end = 0.0, float("inf")
            if label["count_window_s"]:
                start, end = (float(v) for v in label["count_window_s"].split("-"))
            track = cached_track(MEDIA / label["file"], CACHE)
            counter = create_analyzer(analyzer)
            for frame in track.frames:
                counter.update(frame)
            result = counter.finish()
            counted = sum(1 for rep in result.reps if start <= rep.start <= end)
            holds = ", ".join(f"{h.seconds:.1f} s ({h.start:.1f}-{h.end:.1f})" for h in result.holds)
            faults = sorted({f for rep in result.reps for f in rep.faults})
            note = "; ".join(p for p in (f"holds {holds}" if holds else "", f"faults {faults}" if faults else "") if p)
            hold_true = hold_seen = None
            if label["holds_s"]:
                h_start, h_end = (float(v) for v in label["holds_s"].split("-"))
                hold_true = h_end - h_start
                overlapping = [h for h in result.holds if h.end > h_start and h.start < h_end]
                if overlapping:
                    hold_seen = max(overlapping, key=lambda h: min(h.end, h_end) - max(h.start, h_start)).seconds
            flagged = (bool(result.reps) and all(rep.faults for rep in result.reps)) or (
                not result.reps and bool(result.warnings)
            )
            rows.append(
                Row(
                    label["file"], analyzer, int(label["true_reps"] or 0), counted, note, hold_true, hold_seen,
                    label.get("must_flag", "") == "yes", flagged, tuple(result.warnings),
                )
            )  # fmt: skip
    return rows


def synthetic_grid() -> list[Row]:
    """Every exercise x view x noise level x dropped frames, 4 reps each; the forearm press-up counts as a press-up,
    a plank and push-ups count none, a single-leg hinge counts as a hinge."""
    rows = []
    exercises = ["nerve-glide", "nerve-glide-bent-knee", "prone-press-up", "hip-hinge", "squat"]
    exercises += ["forearm-press-up", "plank", "push-up", "single-leg-hinge"]
    for exercise, view, noise, drop in itertools.product(
        exercises, ["side", "three-quarter", "front"], [0.0, 0.02, 0.04], [0.0, 0.1]
    ):
        analyzer = {"squat": "hip-hinge", "single-leg-hinge": "hip-hinge"}.get(exercise, exercise)
        if exercise in ("forearm-press-up", "plank", "push-up"):
            analyzer = "prone-press-up"
        visible = (view != "front" or analyzer == "hip-hinge") and exercise not in ("plank", "push-up")
        counter = create_analyzer(analyzer)
        for frame in generate(SyntheticSpec(exercise, reps=4, view=view, noise=noise, drop_rate=drop, seed=11)):
            counter.update(frame)
        name = f"{exercise} {view} noise={noise:.2f} drop={drop:.1f}"
        rows.append(Row(name, analyzer, 4 if visible else 0, counter.finish().rep_count))
    return rows


def report(title: str, rows: list[Row], detail: bool) -> None:
    """Per clip lines (when `detail`) and the overall figures."""
    print(f"\n{title}")
    if detail:
        print(f"{'clip':<34} {'analyzer':<16} {'true':>4} {'counted':>7} {'error':>5} {'hold':>5} {'seen':>5} "
              f"{'flag':>7}  notes")  # fmt: skip
        for r in rows:
            hold = f"{r.hold_true:.1f}" if r.hold_true is not None else "-"
            seen = f"{r.hold_seen:.1f}" if r.hold_seen is not None else ("none" if r.hold_true is not None else "-")
            flag = ("yes" if r.flagged else "MISSED") if r.must_flag else ("said" if r.warnings else "-")
            print(f"{r.name:<34} {r.analyzer:<16} {r.true:>4} {r.counted:>7} {r.error:>+5} {hold:>5} {seen:>5} "
                  f"{flag:>7}  {r.note}")  # fmt: skip
            for warning in r.warnings:
                print(f"{'':<36}warning: {warning}")
    n = len(rows)
    exact = sum(r.error == 0 for r in rows)
    off_by_one = sum(abs(r.error) == 1 for r in rows)
    mae = sum(abs(r.error) for r in rows) / n if n else 0.0
    print(
        f"overall: {n} recordings, exact count {exact}/{n} ({100 * exact / n:.0f}%), "
        f"off by one {off_by_one}/{n} ({100 * off_by_one / n:.0f}%), MAE {mae:.2f} reps"
    )
    timed = [r for r in rows if r.hold_true is not None]
    if timed:
        right = sum(bool(r.hold_ok) for r in timed)
        print(f"holds within {HOLD_TOLERANCE} s of the label: {right}/{len(timed)}")
    must = [r for r in rows if r.must_flag]
    if must:
        print(f"must-flag clips flagged: {sum(r.flagged for r in must)}/{len(must)}")
    misses = [r for r in rows if r.error]
    if misses and not detail:
        for r in misses:
            print(f"  miss: {r.name}: true {r.true}, counted {r.counted}")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-synthetic", action="store_true", help="only the real clips")
    args = parser.parse_args()
    began = time.perf_counter()
    if (MEDIA / "labels.csv").is_file():
        report(f"Real labelled clips ({MEDIA})", real_clips(), detail=True)
    else:
        print(f"Real clips skipped: {MEDIA} is absent.")
    if not args.no_synthetic:
        report("Synthetic grid (9 movements x 3 views x 3 noise levels x 2 drop rates, 4 reps each)",
               synthetic_grid(), detail=False)  # fmt: skip
    print(f"\n({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
