"""`sciatica-coach analyze VIDEO --exercise ID`: count reps, time holds and name faults in a video file.

The pose model (mediapipe, the `video` extra) is imported only when a video is actually analysed, so the rest of
the command line stays quick to start.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from sciatica_coach.cli.common import console, err_console, fail
from sciatica_coach.domain.motion import EXERCISES
from sciatica_coach.domain.motion.results import fault_text

PROGRESS_MIN_FRAMES = 150  # shorter clips finish before a progress bar would help


def analyze(
    video: Path = typer.Argument(..., help="The video file to analyse (anything OpenCV can decode, e.g. .mp4)."),
    exercise: str = typer.Option(..., "--exercise", "-e", help=f"Which exercise: {', '.join(EXERCISES)}."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object: reps, holds, warnings."),
    annotate: Path | None = typer.Option(
        None, "--annotate", help="Also write a copy of the video with the skeleton, count, phase and cues drawn on."
    ),
    start: float = typer.Option(0.0, "--start", min=0.0, help="Start at this many seconds into the clip."),
    end: float | None = typer.Option(None, "--end", min=0.0, help="Stop at this many seconds into the clip."),
) -> None:
    """Analyse a video of one exercise: each rep with its time, side, confidence and faults; holds; warnings."""
    if exercise not in EXERCISES:
        fail(f"unknown exercise '{exercise}'; choose one of: {', '.join(EXERCISES)}")
    if not video.is_file():
        fail(f"no such video file: {video}")
    if end is not None and end <= start:
        fail(f"--end ({end}) must be after --start ({start})")
    from sciatica_coach.video.analysis import analyze_video
    from sciatica_coach.video.decode import VideoError, probe
    from sciatica_coach.video.pose import PoseUnavailable

    try:
        info = probe(video)
        if start >= info.duration:
            fail(f"--start ({start}) is past the end of the clip ({info.duration:.1f} s)")
        stop = info.duration if end is None else min(end, info.duration)
        total = round((stop - start) * info.fps)
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
            disable=total < PROGRESS_MIN_FRAMES or not err_console.is_terminal,
        ) as progress:
            task = progress.add_task(f"Analysing {video.name}", total=total)
            analysis = analyze_video(
                video, exercise, start, end, annotate, lambda done, _total: progress.update(task, completed=done)
            )
    except VideoError as exc:
        fail(str(exc))
    except PoseUnavailable as exc:
        fail(str(exc))
    if as_json:
        sys.stdout.write(json.dumps(analysis.to_dict(), ensure_ascii=False) + "\n")
        return
    result = analysis.result
    sides = ", ".join(f"{n} {side}" for side, n in result.reps_by_side().items())
    console.print(
        f"[bold]{exercise}[/] in {video.name} ({analysis.start:.1f}-{analysis.end:.1f} s, {analysis.frames} frames): "
        f"[bold]{result.rep_count}[/] rep(s)" + (f" ({sides})" if sides else "")
    )
    if result.reps:
        table = Table("#", "start", "end", "side", "confidence", "faults", title="Reps", title_justify="left")
        for number, rep in enumerate(result.reps, start=1):
            faults = "; ".join(fault_text(f) for f in rep.faults) or "-"
            table.add_row(
                str(number), f"{rep.start:.1f} s", f"{rep.end:.1f} s", rep.side or "-", f"{rep.confidence:.2f}", faults
            )
        console.print(table)
    for hold in result.holds:
        side = f" ({hold.side})" if hold.side else ""
        console.print(f"Hold{side}: {hold.seconds:.1f} s, from {hold.start:.1f} s to {hold.end:.1f} s")
    for warning in result.warnings:
        console.print(f"[yellow]Warning:[/] {warning}")
    if annotate is not None:
        console.print(f"Annotated video written to {annotate}")
