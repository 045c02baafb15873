"""What the terminal shows during a session: the cue, a big countdown, progress bars, the rep counter."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from sciatica_coach.domain.engine.runner import SessionRunner
from sciatica_coach.domain.engine.script import Phase

KEYS_HELP = "space pause/resume · s skip exercise · x stop (this hurts) · q quit (saved, resumable)"
PHASE_TITLES = {
    "check-before": "Quick check",
    "get-ready": "Get ready",
    "switch-side": "Switch sides",
    "move": "Move",
    "hold": "Hold",
    "return": "Return slowly",
    "rest": "Rest",
    "check-between": "Quick check",
    "check-after": "Quick check",
}
BREATH_WORDS = {"in": "breathe in", "out": "breathe out"}

# A 5-line block font for the countdown number.
_GLYPHS = {
    "0": ("███", "█ █", "█ █", "█ █", "███"),
    "1": (" █ ", "██ ", " █ ", " █ ", "███"),
    "2": ("███", "  █", "███", "█  ", "███"),
    "3": ("███", "  █", "███", "  █", "███"),
    "4": ("█ █", "█ █", "███", "  █", "  █"),
    "5": ("███", "█  ", "███", "  █", "███"),
    "6": ("███", "█  ", "███", "█ █", "███"),
    "7": ("███", "  █", "  █", "  █", "  █"),
    "8": ("███", "█ █", "███", "█ █", "███"),
    "9": ("███", "█ █", "███", "  █", "███"),
}


def big_number(value: int) -> str:
    """`value` drawn five lines tall."""
    digits = [_GLYPHS[d] for d in str(max(0, value))]
    return "\n".join("  ".join(glyph[row] for glyph in digits) for row in range(5))


def rep_counter(runner: SessionRunner, phase: Phase) -> str:
    """Reps done per side for the exercise under way, e.g. 'left 2/5 · right 0/5'."""
    exercise = runner.record.exercises[phase.exercise_index]
    parts = [f"{side + ' ' if side else ''}{done}/{exercise.reps_planned}" for side, done in exercise.reps_done.items()]
    return "reps " + " · ".join(parts)


def render(runner: SessionRunner, names: dict[str, str], interactive: bool = True) -> RenderableType:
    """The whole session screen for the current moment."""
    phase = runner.current
    if phase is None:
        return Panel(Text("Session over.", style="bold"), title="Sciatica Coach")
    count = len(runner.record.exercises)
    title = f"{names.get(phase.exercise_id, phase.exercise_id)} · exercise {phase.exercise_index + 1} of {count}"
    heading = Text(PHASE_TITLES.get(phase.kind, phase.kind), style="bold cyan")
    if phase.label:
        heading.append(f"   {phase.label}", style="bold")
    if phase.breath:
        heading.append(f"   ({BREATH_WORDS[phase.breath]})", style="magenta")
    parts: list[RenderableType] = [heading, Text(phase.cue, style="bold yellow")]
    seconds = runner.seconds_left()
    if runner.paused:
        parts.append(Text("\nPAUSED: press space to carry on\n", style="bold reverse"))
    elif seconds is not None:
        parts.append(Text(big_number(seconds), style="bold green", justify="center"))
    else:
        parts.append(Text("\nAnswer the questions below.\n", style="italic"))
    bars = Table.grid(padding=(0, 1))
    bars.add_column(no_wrap=True)
    bars.add_column(ratio=1)
    bars.add_column(no_wrap=True, justify="right")
    if phase.duration is not None:
        label = "Hold" if phase.kind == "hold" else PHASE_TITLES.get(phase.kind, phase.kind)
        bars.add_row(label, ProgressBar(total=1.0, completed=runner.phase_fraction()), f"{seconds} s")
    session_done = runner.session_fraction()
    bars.add_row("Session", ProgressBar(total=1.0, completed=session_done), f"{session_done:4.0%}")
    parts += [bars, Text(rep_counter(runner, phase), style="bold")]
    following = runner.upcoming
    if following is not None:
        parts.append(Text.assemble(("Next: ", "dim bold"), (following.cue, "dim")))
    if interactive:
        parts.append(Text(KEYS_HELP, style="dim"))
    return Panel(Group(*parts), title=title, title_align="left", border_style="green")
