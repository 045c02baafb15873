"""`sciatica-coach checkin`: the morning check-in (or `--sbi`, the weekly SBI) in the terminal."""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.markup import escape
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.cli.common import console, fail, load_content, load_settings, open_database
from sciatica_coach.cli.screen import RED_FLAG_EXIT_CODE, ask_yes_no, show_result
from sciatica_coach.domain.adaptation import Change
from sciatica_coach.domain.centralization import classify_change
from sciatica_coach.domain.checkins import MorningCheck, load_checkin_content
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.instruments.sbi import load_sbi, score_sbi
from sciatica_coach.domain.screening import load_red_flags
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.checkins import checkin_symptoms, latest_checkin, save_morning_checkin, save_sbi
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.plans import apply_adaptation, current_plan, respond_to_offer
from sciatica_coach.storage.safety import record_screening


def ask_choice(question: str, choices: Sequence[str], hint: str) -> str:
    """Ask until the answer is one of `choices`; stopping (Ctrl-D, Ctrl-C) exits without saving."""
    while True:
        try:
            reply = console.input(f"{escape(question)} [bold]({escape(hint)})[/] ").strip().lower()
        except (EOFError, KeyboardInterrupt):
            console.print()
            fail("stopped before every question was answered; nothing was saved")
        if reply in choices:
            return reply
        console.print(f"Please answer {escape(hint)}.")


def ask_reach(side_text: str, question: str, levels: Sequence[tuple[str, str]]) -> str:
    """Pick a reach level by its number (1 = none ... 5 = foot) or its id."""
    numbers = [str(n) for n in range(1, len(levels) + 1)]
    console.print(f"{escape(question)} [bold]{escape(side_text)}[/]")
    for number, (_, label) in zip(numbers, levels, strict=True):
        console.print(f"  {number}. {escape(label)}")
    reply = ask_choice(f"{side_text}:", [*numbers, *(level for level, _ in levels)], f"1 to {len(levels)}")
    return levels[int(reply) - 1][0] if reply in numbers else reply


def _morning_answers() -> MorningCheck:
    content = load_checkin_content()
    form = content.forms["morning"]
    console.print(f"[bold]{escape(form.title)}[/]")
    console.print(escape(form.intro))
    questions = {q.field: q for q in content.form("morning")}
    pain = [str(n) for n in range(11)]
    back = int(ask_choice(questions["back_pain"].text, pain, "0 to 10"))
    leg = int(ask_choice(questions["leg_pain"].text, pain, "0 to 10"))
    levels = [(level.id, level.label) for level in content.reach.levels]
    left = ask_reach(questions["left_reach"].text, content.reach.text, levels)
    right = ask_reach(questions["right_reach"].text, content.reach.text, levels)
    numbness = ask_yes_no(questions["numbness"].text)
    weakness = ask_yes_no(questions["weakness"].text)
    return MorningCheck(SymptomCheck(back, leg, left, right), numbness, weakness)


def _print_changes(title: str, changes: Sequence[Change], library: Library) -> None:
    if not changes:
        return
    console.print(f"[bold]{escape(title)}[/]")
    for change in changes:
        name = library.exercise(change.exercise_id).name
        console.print(f"  [bold]{escape(name)}[/] ({escape(change.rule_id)}): {escape(change.reason)}")


def _morning(factory: sessionmaker[Session], library: Library) -> None:
    answers = _morning_answers()
    red_flags = load_red_flags()
    console.print()
    console.print(f"[bold]{escape(red_flags.forms['short'].title)}[/]")
    console.print(escape(red_flags.forms["short"].intro))
    screening = {item.id: ask_yes_no(item.question) for item in red_flags.questions("short")}
    with transaction(factory) as db:
        patient_id = default_patient(db).id
        previous = latest_checkin(db, patient_id, "morning")
        before = checkin_symptoms(previous) if previous is not None else None
        result = record_screening(db, patient_id, "short", screening, red_flags)
        save_morning_checkin(db, patient_id, answers)
        applied = apply_adaptation(db, patient_id, library)
        offers = current_plan(db, patient_id, library).offers
    if result.red_flag:  # a red flag wins over everything else
        show_result(result, red_flags)
        raise typer.Exit(RED_FLAG_EXIT_CODE)
    console.print()
    console.print("[green]Check-in saved.[/]")
    if before is not None:
        console.print(escape(classify_change(before, answers.symptoms).words))
    _print_changes("Your program changed:", applied.changes, library)
    _print_changes("Kept the same:", applied.holds, library)
    if not applied.changes and not applied.holds:
        console.print("No changes to your program today.")
    for offer in offers:
        console.print(escape(offer.reason))
        accept = ask_yes_no(f"Try the {library.exercise(offer.to).name.lower()} again?")
        with transaction(factory) as db:
            change = respond_to_offer(db, default_patient(db).id, library, offer.rule_id, accept)
        console.print(escape(change.reason))


def _sbi(factory: sessionmaker[Session]) -> None:
    content = load_sbi()
    console.print(f"[bold]{escape(content.name)}[/]")
    console.print(escape(content.intro))
    console.print("  " + "  ".join(f"{a.value} = {escape(a.label)}" for a in content.anchors))
    values = [str(n) for n in range(7)]
    answers = {item.id: int(ask_choice(item.text, values, "0 to 6")) for item in content.items}
    score = score_sbi(answers, content)
    with transaction(factory) as db:
        save_sbi(db, default_patient(db).id, score)
    console.print()
    verdict = "at or below" if score.meets_threshold else "above"
    label = escape(content.threshold.label.lower())
    console.print(
        f"[bold]Your score: {score.total} out of 24[/], {verdict} the {label} of {content.threshold.value:g}."
    )
    console.print(escape(content.threshold.explanation))


def checkin(
    sbi: bool = typer.Option(False, "--sbi", help="Answer the weekly Sciatica Bothersomeness Index instead."),
) -> None:
    """Morning check-in: pain, how far down each leg, numbness, weakness and the safety questions; then any change
    to your program with its reason. Exit code 3 when a warning sign is found (exercises are then locked)."""
    settings = load_settings()
    library = load_content()
    with open_database(settings) as factory:
        if sbi:
            _sbi(factory)
        else:
            _morning(factory, library)
