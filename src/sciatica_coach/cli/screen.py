"""`sciatica-coach screen`: the red-flag safety questions in the terminal."""

from __future__ import annotations

import typer
from rich.markup import escape

from sciatica_coach.cli.common import console, fail, load_content, load_settings, open_store
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.screening import RedFlags, ScreeningResult, outcome_message
from sciatica_coach.storage.safety import last_clearance, open_locks
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases import safety
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.usecases.patients import local_patient_id

RED_FLAG_EXIT_CODE = 3
ASSESSED_QUESTION = "Has a clinician (doctor, nurse or physiotherapist) assessed you about these signs?"
LOCKED_NOTICE = "Your exercises are locked by an earlier answer. Use --assessed once a clinician has checked you."
YES_WORDS = {"y", "yes"}
NO_WORDS = {"n", "no"}


def ask_yes_no(question: str) -> bool:
    """Ask until the answer is yes or no; stopping (Ctrl-D, Ctrl-C) exits cleanly without saving."""
    while True:
        try:
            reply = console.input(f"{escape(question)} [bold](yes/no)[/] ").strip().lower()
        except (EOFError, KeyboardInterrupt):
            console.print()
            fail("stopped before every question was answered; nothing was saved")
        if reply in YES_WORDS:
            return True
        if reply in NO_WORDS:
            return False
        console.print("Please answer yes or no.")


def show_result(result: ScreeningResult, content: RedFlags) -> None:
    """Print what the person should do now."""
    message = outcome_message(result.outcome, content)
    style = "bold red" if result.emergency else "bold yellow" if result.red_flag else "bold green"
    console.print()
    console.print(f"[{style}]{escape(message.title)}[/]")
    console.print(f"[{style}]{escape(message.summary)}[/]")
    if result.emergency:
        for line in content.emergency_numbers:
            console.print(f"  Call [bold]{line.number}[/] ({escape(line.where)})")
    if result.red_flag:
        console.print(escape(message.text))
        for action in message.actions:
            console.print(f"  - {escape(action)}")
        console.print("You answered yes to:")
        for flag in result.flags:
            console.print(f"  - {escape(content.item(flag).sign)}")
    else:
        console.print(escape(message.text))


def screen(
    assessed: bool = typer.Option(
        False, "--assessed", help="First record that a clinician has assessed you (clears a safety lock)."
    ),
    note: str = typer.Option("", "--note", help="With --assessed: an optional note, e.g. who checked you and when."),
) -> None:
    """Answer the red-flag safety questions; exit code 3 when a warning sign is found (exercises are then locked)."""
    settings = load_settings()
    catalog = load_content()
    with open_store(settings) as store:
        result = _run(store, catalog, assessed, note)
    show_result(result, catalog.red_flags)
    if result.red_flag:
        raise typer.Exit(RED_FLAG_EXIT_CODE)


def _run(store: Store, catalog: Catalog, assessed: bool, note: str) -> ScreeningResult:
    """Optionally record an assessment, ask every question of the full form, and save the answers."""
    content = catalog.red_flags
    patient_id = local_patient_id(store)
    with store.read() as db:
        locked = bool(open_locks(db, patient_id))
    if assessed and not locked:
        console.print("There is no safety lock to clear.")
    elif assessed:
        if not ask_yes_no(ASSESSED_QUESTION):
            fail("nothing was cleared: the exercises stay locked until a clinician has checked you")
        try:
            safety.assessment(store, patient_id, confirmed=True, note=note)
        except Invalid as exc:
            fail(str(exc))
        console.print("Thank you: your assessment is recorded. Please answer the safety questions again.")
        locked = False
    with store.read() as db:
        assessed_before = last_clearance(db, patient_id) is not None
    form = content.forms["full"]
    console.print(f"[bold]{escape(form.title)}[/]")
    console.print(escape(content.after_assessment_intro if assessed_before else form.intro))
    console.print(f"[italic]{escape(content.not_a_clinician)}[/]")
    if locked:
        console.print(LOCKED_NOTICE)
    console.print()
    answers: dict[str, object] = {item.id: ask_yes_no(item.question) for item in content.questions("full")}
    return safety.screen(store, catalog, patient_id, "full", answers)
