"""The progress charts as one PNG, drawn with matplotlib's Agg backend (no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from sciatica_coach.domain.progress import Progress
from sciatica_coach.domain.symptoms import REACH_LABELS, REACH_LEVELS, reach_rank


def write_png(progress: Progress, path: Path) -> None:
    """Four charts (pain, reach, SBI with its threshold, sessions) in one image."""
    figure, axes = plt.subplots(4, 1, figsize=(8, 11), sharex=True, constrained_layout=True)
    try:
        days = [m.day for m in progress.mornings]
        pain, reach, sbi, sessions = axes
        pain.plot(days, [m.symptoms.leg for m in progress.mornings], "o-", color="#cf222e", label="Leg pain")
        pain.plot(days, [m.symptoms.back for m in progress.mornings], "o--", color="#1f6feb", label="Back pain")
        pain.set_ylim(0, 10)
        pain.set_title("Back and leg pain each morning (0-10)")
        pain.legend(loc="upper right")
        top = len(REACH_LEVELS) - 1
        for side, style, color in (("left", "o-", "#8250df"), ("right", "s--", "#bc4c00")):
            levels = [top - reach_rank(getattr(m.symptoms, f"{side}_reach")) for m in progress.mornings]
            reach.plot(days, levels, style, color=color, label=f"{side.capitalize()} leg", drawstyle="steps-mid")
        reach.set_yticks(range(top + 1), [REACH_LABELS[level] for level in reversed(REACH_LEVELS)])
        reach.set_ylim(-0.5, top + 0.5)
        for rank in range(0, top + 1, 2):
            reach.axhspan(rank - 0.5, rank + 0.5, color="#f3f5f8", zorder=0)
        reach.set_title("How far down each leg (lower is further down)")
        reach.legend(loc="lower right")
        sbi.plot([r.day for r in progress.sbi], [r.total for r in progress.sbi], "o-", color="#1f6feb", label="SBI")
        sbi.axhline(
            progress.sbi_threshold,
            color="#1a7f37",
            linestyle="--",
            label=f"Published success threshold ({progress.sbi_threshold:g})",
        )
        sbi.set_ylim(0, 24)
        sbi.set_title("Sciatica Bothersomeness Index each week (0-24)")
        sbi.legend(loc="upper right")
        all_days = [a.day for a in progress.adherence]
        sessions.bar(
            all_days, [a.planned for a in progress.adherence], color="none", edgecolor="#8a94a3", label="Planned"
        )
        sessions.bar(all_days, [a.completed for a in progress.adherence], color="#1f6feb", label="Done")
        sessions.bar(
            all_days,
            [a.stopped for a in progress.adherence],
            bottom=[a.completed for a in progress.adherence],
            color="#cf222e",
            label="Stopped early",
        )
        tallest = max([progress.planned_per_day, 1, *(a.completed + a.stopped for a in progress.adherence)])
        sessions.set_yticks(range(tallest + 1))
        sessions.set_ylim(0, tallest + 1.5)  # room for the legend above the bars
        sessions.set_title("Sessions each day")
        sessions.legend(loc="upper right")
        figure.autofmt_xdate()
        figure.savefig(path, dpi=100)
    finally:
        plt.close(figure)
