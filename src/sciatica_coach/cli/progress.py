"""`sciatica-coach progress`: your progress as text charts in the terminal, or a PNG with `--png`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from sciatica_coach.cli.common import console, fail, load_content, load_settings, open_store
from sciatica_coach.domain.centralization import EFFECT_NAMES
from sciatica_coach.domain.progress import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS, Progress
from sciatica_coach.domain.symptoms import REACH_LEVELS, reach_rank
from sciatica_coach.domain.wording import REACH_SHORT
from sciatica_coach.storage.progress import load_progress
from sciatica_coach.usecases.patients import local_patient_id

BAR = "█"


def _day(value: datetime | object) -> str:
    return f"{value:%d %b}"


def _bar(value: int, scale: int = 1) -> str:
    return BAR * (value * scale)


def render_text(progress: Progress) -> None:
    """Print the charts as rich tables with bars, and centralization in words."""
    console.print(f"[bold]Your progress[/], {_day(progress.first_day)} to {_day(progress.last_day)}")
    if progress.empty:
        console.print("Nothing to show yet: run `sciatica-coach checkin` each morning and do your sessions.")
        return
    trends = {t.day: EFFECT_NAMES[t.classification.effect] for t in progress.trends}
    pain = Table(title="Back and leg pain each morning (0-10)", title_justify="left")
    for column in ("Day", "Back", "Leg", "Leg pain", "Left leg", "Right leg", "Since the day before"):
        pain.add_column(column)
    for m in progress.mornings:
        s = m.symptoms
        pain.add_row(
            _day(m.day),
            str(s.back),
            str(s.leg),
            f"[red]{_bar(s.leg)}[/]",
            _reach_cell(s.left_reach),
            _reach_cell(s.right_reach),
            trends.get(m.day, ""),
        )
    console.print(pain)
    sbi = Table(
        title=f"Weekly SBI (0-24; published success threshold {progress.sbi_threshold:g} or less)", title_justify="left"
    )
    for column in ("Day", "Score", "", "Met?"):
        sbi.add_column(column)
    for r in progress.sbi:
        met = r.total <= progress.sbi_threshold
        sbi.add_row(
            _day(r.day), str(r.total), f"[{'green' if met else 'blue'}]{_bar(r.total)}[/]", "yes" if met else "no"
        )
    console.print(sbi)
    done = sum(a.completed for a in progress.adherence)
    planned = sum(a.planned for a in progress.adherence)
    console.print(f"[bold]Sessions[/]: {done} of {planned} planned done ({progress.planned_per_day} a day).")
    console.print(
        " ".join(f"{a.completed}" + ("!" if a.stopped else "") for a in progress.adherence)
        + "  (per day; ! = stopped early)"
    )
    console.print("[bold]Each exercise, before against after[/]")
    for effect in progress.effects:
        counts = ", ".join(f"{EFFECT_NAMES[k].lower()} {v}" for k, v in effect.counts.items())
        console.print(f"  {escape(effect.name)}: {counts}. Latest: {escape(effect.latest.words)}")


def _reach_cell(reach: str) -> str:
    """A reach level as a little ladder: one block per level down the leg."""
    rank = reach_rank(reach)
    return "▮" * rank + "▯" * (len(REACH_LEVELS) - 1 - rank) + f" {REACH_SHORT[reach]}"


def progress(
    days: int = typer.Option(DEFAULT_DAYS, min=MIN_DAYS, max=MAX_DAYS, help="How many days to show."),
    png: Path | None = typer.Option(None, "--png", help="Write the charts to this PNG file instead of printing."),
) -> None:
    """Show back and leg pain, how far down the leg, the weekly SBI and sessions done over time."""
    settings = load_settings()
    catalog = load_content()
    with open_store(settings) as store:
        patient_id = local_patient_id(store)
        with store.read() as db:
            data = load_progress(db, patient_id, catalog.library, datetime.now(UTC).date(), days, catalog.rules)
    if png is None:
        render_text(data)
        return
    from sciatica_coach.cli.progress_png import write_png  # matplotlib is only loaded when a PNG is wanted

    try:
        write_png(data, png)
    except OSError as exc:
        fail(f"could not write {png}: {exc.strerror or exc}")
    console.print(f"Wrote {png}")
