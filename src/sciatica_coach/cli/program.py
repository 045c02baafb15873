"""`sciatica-coach program`: print the program, for reading (rich) or for other tools (`--json`)."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sciatica_coach.cli.common import console, load_content
from sciatica_coach.cli.program_data import ordered_exercises, program_data
from sciatica_coach.domain import wording
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.content.schema import Exercise
from sciatica_coach.domain.engine.prescription import PrescribedExercise, default_prescription

NEVER_OFFERED_TITLE = "Left out on purpose"


def program(
    as_json: bool = typer.Option(
        False, "--json", help="Print the program as JSON: exercise ids, dosages, steps, cues and stop rules."
    ),
) -> None:
    """Print the program: every exercise with its steps, dosage and stop rules, and what is never offered."""
    library = load_content().library
    if as_json:
        sys.stdout.write(json.dumps(program_data(library), indent=2, ensure_ascii=False) + "\n")
        return
    print_program(library, console)


def print_program(library: Library, out: Console) -> None:
    """The program for reading in a terminal."""
    prescribed = {item.exercise_id: item for item in default_prescription(library).items}
    out.print(Text(library.program.name, style="bold"))
    out.print(Text(library.program.disclaimer, style="italic"))
    out.print()
    for number, exercise in enumerate(ordered_exercises(library), start=1):
        out.print(exercise_panel(number, exercise, prescribed.get(exercise.id)))
    out.print(never_offered_panel(library))
    out.print(
        Panel(
            Text(library.program.disclaimer),
            title="Not a clinician",
            border_style="yellow",
            title_align="left",
        )
    )


def exercise_panel(number: int, exercise: Exercise, prescribed: PrescribedExercise | None) -> Panel:
    """One exercise: summary, when to use it, steps, dosage, breathing, stop rules, signs."""
    parts: list[RenderableType] = [Text(exercise.summary)]
    if prescribed is not None:
        parts.append(Text.assemble(("In the default program: ", "bold green"), wording.prescribed(prescribed)))
    elif exercise.variant_of:
        parts.append(Text.assemble(("Variant of ", "bold"), exercise.variant_of, " — not in the default program"))
    parts.append(Text.assemble(("When: ", "bold"), exercise.when_to_use))
    parts.append(_list("Steps", [s.text for s in exercise.steps], numbered=True))
    parts.append(_list("Dosage", wording.dosage_lines(exercise.dosage)))
    parts.append(_list("Breathing", exercise.breathing_cues))
    parts.append(_list("Stop rules", exercise.stop_rules, style="bold red"))
    if exercise.good_signs:
        parts.append(_list("Good signs", exercise.good_signs, style="bold green"))
    if exercise.avoid:
        parts.append(_list("Avoid", exercise.avoid))
    return Panel(
        Group(*parts),
        title=f"{number}. {exercise.name} ({exercise.id})",
        title_align="left",
        border_style="green" if prescribed is not None else "blue",
    )


def never_offered_panel(library: Library) -> Panel:
    """The contraindications: what the program never offers, why, and what it does instead."""
    parts: list[RenderableType] = []
    for item in library.contraindications.items:
        parts.append(Text.assemble(("Do not do: ", "bold red"), item.name, (" — they can make sciatica worse:", "")))
        parts.append(_list("", item.reasons))
        parts.append(Text.assemble(("Instead: ", "bold"), item.instead))
    return Panel(Group(*parts), title=NEVER_OFFERED_TITLE, title_align="left", border_style="red")


def _list(
    title: str, items: tuple[str, ...] | list[str], numbered: bool = False, style: str = "bold"
) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for index, item in enumerate(items, start=1):
        grid.add_row(f"  {index}." if numbered else "  •", Text(item))
    return Group(Text(f"{title}:", style=style), grid) if title else grid
