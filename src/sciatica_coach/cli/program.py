"""`sciatica-coach program`: print the program, for reading (rich) or for other tools (`--json`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from sciatica_coach.cli.common import console, load_content
from sciatica_coach.cli.program_data import ordered_exercises, program_data
from sciatica_coach.domain import wording
from sciatica_coach.domain.cautions import CautionNote
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.content.schema import Exercise
from sciatica_coach.domain.engine.prescription import PrescribedExercise, default_prescription
from sciatica_coach.settings import Settings
from sciatica_coach.storage.db import make_engine
from sciatica_coach.storage.patients import find_default_patient
from sciatica_coach.storage.safety import cautioned
from sciatica_coach.storage.unit_of_work import Store

NEVER_OFFERED_TITLE = "Left out on purpose"


def program(
    as_json: bool = typer.Option(
        False, "--json", help="Print the program as JSON: exercise ids, dosages, steps, cues and stop rules."
    ),
) -> None:
    """Print the program: every exercise with its steps, dosage and stop rules, and what is never offered."""
    library = load_content().library
    notes = my_caution_notes(library)
    if as_json:
        data = {**program_data(library), "cautions": [note.to_dict() for note in notes]}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    print_program(library, console, notes)


def my_caution_notes(library: Library) -> tuple[CautionNote, ...]:
    """What the local person's cautions (pregnancy, spinal stenosis) change in the program, read from the database
    when there is one; none when there is no database yet (the program is content, readable without one)."""
    try:
        settings = Settings()
        url = make_url(settings.database_url)
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
            return ()  # never create a database file just to read the program
        engine = make_engine(settings.database_url)
    except (ValueError, SQLAlchemyError):
        return ()
    try:
        with Store(engine).read() as db:
            patient = find_default_patient(db)
            if patient is None:
                return ()
            return cautioned(db, patient.id, default_prescription(library), library)[1]
    except SQLAlchemyError:
        return ()
    finally:
        engine.dispose()


def print_program(library: Library, out: Console, notes: tuple[CautionNote, ...] = ()) -> None:
    """The program for reading in a terminal, with what the person's cautions change and why."""
    prescribed = {item.exercise_id: item for item in default_prescription(library).items}
    out.print(Text(library.program.name, style="bold"))
    out.print(Text(library.program.disclaimer, style="italic"))
    out.print()
    for note in notes:
        out.print(Text.assemble((f"{note.exercise_name}: {note.label}. ", "bold yellow"), note.reason))
    if notes:
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
