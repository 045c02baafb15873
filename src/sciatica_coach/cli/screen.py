"""`sciatica-coach screen`: the red-flag safety questions (and the cautions) in the terminal; `--short` for the
short re-screen; `--assessed --by WHO --on DAY` records a clinician's assessment first; `--read-advice` after a
"soon" sign."""

from __future__ import annotations

import typer
from rich.markup import escape

from sciatica_coach.cli.common import console, fail, load_content, load_settings, open_store
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.screening import FormName, RedFlags, ScreeningResult, outcome_message, safety_net
from sciatica_coach.storage.safety import last_clearance, open_locks
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases import safety
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.usecases.patients import local_patient_id

RED_FLAG_EXIT_CODE = 3
ASSESSED_QUESTION = "Has a clinician (doctor, nurse or physiotherapist) assessed you about these signs?"
LOCKED_NOTICE = (
    "Your exercises are locked by an earlier answer. Once a clinician has checked you, use "
    "--assessed --by WHO --on YYYY-MM-DD."
)
ADVICE_QUESTION = "Have you read the advice, and will you book an appointment with your doctor?"
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


def show_result(result: ScreeningResult, content: RedFlags, country: str = "default") -> None:
    """Print what the person should do now."""
    message = outcome_message(result.outcome, content)
    style = "bold red" if result.emergency else "bold yellow" if result.red_flag else "bold green"
    console.print()
    console.print(f"[{style}]{escape(message.title)}[/]")
    console.print(f"[{style}]{escape(message.summary)}[/]")
    if result.emergency:
        for line in content.numbers_for(country):
            console.print(f"  Call [bold]{line.number}[/] ({escape(line.where)})")
    if result.red_flag:
        console.print(escape(message.text))
        for action in message.actions:
            console.print(f"  - {escape(action)}")
        console.print("You answered yes to:")
        for flag in result.flags:
            item = content.item(flag)
            console.print(f"  - {escape(item.sign)} ({escape(content.levels[item.level].label.lower())})")
        if result.level is not None and not content.locks(result.level):
            console.print("Then run [bold]sciatica-coach screen --read-advice[/] to carry on with your exercises.")
    else:
        console.print(escape(message.text))
    console.print(f"[italic]{escape(safety_net(content, country).text)}[/]")


def screen(
    short: bool = typer.Option(False, "--short", help="Answer the short re-screen (due daily before a session)."),
    assessed: bool = typer.Option(
        False, "--assessed", help="First record that a clinician has assessed you (clears a safety lock)."
    ),
    by: str = typer.Option("", "--by", help="With --assessed: who assessed you (a name, or the clinic)."),
    on: str = typer.Option("", "--on", help="With --assessed: the day you were assessed, YYYY-MM-DD."),
    note: str = typer.Option("", "--note", help="With --assessed: an optional note, e.g. what they told you."),
    read_advice: bool = typer.Option(
        False, "--read-advice", help="Confirm you have read the advice for a 'see a doctor soon' sign."
    ),
) -> None:
    """Answer the red-flag safety questions; exit code 3 when a warning sign is found (exercises are then locked,
    or wait for you to read the advice)."""
    settings = load_settings()
    catalog = load_content()
    try:
        catalog.red_flags.numbers_for(settings.country)
    except ValueError as exc:
        fail(f"invalid settings: {exc}")
    with open_store(settings) as store:
        if read_advice:
            _read_advice(store)
            return
        result = _run(store, catalog, assessed, by, on, note, "short" if short else "full")
    show_result(result, catalog.red_flags, settings.country)
    if result.red_flag:
        raise typer.Exit(RED_FLAG_EXIT_CODE)


def _read_advice(store: Store) -> None:
    patient_id = local_patient_id(store)
    if not ask_yes_no(ADVICE_QUESTION):
        fail("nothing was changed: read the advice on the safety page (or above) first")
    cleared = safety.read_advice(store, patient_id, confirmed=True)
    console.print("Thank you: you can carry on with your exercises." if cleared else "There was no advice to read.")


def ask_short(store: Store, catalog: Catalog) -> ScreeningResult:
    """Ask the short re-screen and save it (used by `screen --short` and by `session` when it is due)."""
    content = catalog.red_flags
    form = content.forms["short"]
    console.print(f"[bold]{escape(form.title)}[/]")
    console.print(escape(form.intro))
    console.print()
    answers: dict[str, object] = {item.id: ask_yes_no(item.asked("short")) for item in content.questions("short")}
    return safety.screen(store, catalog, local_patient_id(store), "short", answers)


def _run(
    store: Store, catalog: Catalog, assessed: bool, by: str, on: str, note: str, form_name: FormName
) -> ScreeningResult:
    """Optionally record an assessment, ask every question of the form (and the cautions with the full form), and
    save the answers."""
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
            safety.assessment(store, patient_id, confirmed=True, note=note, assessed_by=by, assessed_on=on or None)
        except Invalid as exc:
            fail(" ".join(exc.problems.values()))
        console.print("Thank you: your assessment is recorded. Please answer the safety questions again.")
        locked = False
    if form_name == "short":
        if locked:
            console.print(LOCKED_NOTICE)
        return ask_short(store, catalog)
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
    cautions: dict[str, object] = {
        caution.id: ask_yes_no(caution.question) for caution in catalog.library.contraindications.cautions
    }
    return safety.screen(store, catalog, patient_id, "full", answers, cautions=cautions)
