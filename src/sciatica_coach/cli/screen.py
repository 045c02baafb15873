"""`sciatica-coach screen`: the red-flag safety questions in the terminal."""

from __future__ import annotations

import typer
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.cli.common import console, fail, load_settings
from sciatica_coach.domain.content import ContentError
from sciatica_coach.domain.screening import RedFlags, ScreeningResult, load_red_flags, outcome_message
from sciatica_coach.storage.db import make_engine, make_session_factory, transaction
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import last_clearance, open_locks, record_assessment, record_screening

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
    try:
        content = load_red_flags()
    except ContentError as exc:
        fail(str(exc))
    engine = make_engine(settings.database_url)
    try:
        result = _run(make_session_factory(engine), content, assessed, note)
    finally:
        engine.dispose()
    show_result(result, content)
    if result.red_flag:
        raise typer.Exit(RED_FLAG_EXIT_CODE)


def _run(factory: sessionmaker[Session], content: RedFlags, assessed: bool, note: str) -> ScreeningResult:
    """Optionally record an assessment, ask every question of the full form, and save the answers."""
    try:
        with transaction(factory) as db:
            patient_id = default_patient(db).id
            locked = bool(open_locks(db, patient_id))
            if assessed and not locked:
                console.print("There is no safety lock to clear.")
            elif assessed:
                if not ask_yes_no(ASSESSED_QUESTION):
                    fail("nothing was cleared: the exercises stay locked until a clinician has checked you")
                record_assessment(db, patient_id, note)
                console.print("Thank you: your assessment is recorded. Please answer the safety questions again.")
                locked = False
            assessed_before = last_clearance(db, patient_id) is not None
    except (SQLAlchemyError, ValueError) as exc:
        fail(_db_problem(exc))
    form = content.forms["full"]
    console.print(f"[bold]{escape(form.title)}[/]")
    console.print(escape(content.after_assessment_intro if assessed_before else form.intro))
    console.print(f"[italic]{escape(content.not_a_clinician)}[/]")
    if locked:
        console.print(LOCKED_NOTICE)
    console.print()
    answers = {item.id: ask_yes_no(item.question) for item in content.questions("full")}
    try:
        with transaction(factory) as db:
            return record_screening(db, default_patient(db).id, "full", answers, content)
    except (SQLAlchemyError, ValueError) as exc:
        fail(_db_problem(exc))


def _db_problem(exc: Exception) -> str:
    if isinstance(exc, SQLAlchemyError):
        return f"could not use the database ({exc.__class__.__name__}); run `sciatica-coach db upgrade` first"
    return str(exc)
