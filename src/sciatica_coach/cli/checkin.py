"""`sciatica-coach checkin`: the morning check-in (or `--sbi`, the weekly SBI) in the terminal."""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.markup import escape

from sciatica_coach.cli.common import console, fail, load_content, load_settings, open_store
from sciatica_coach.cli.screen import RED_FLAG_EXIT_CODE, ask_yes_no, show_result
from sciatica_coach.domain.adaptation import Advice, Change, OfferError
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.checkins import CheckinContent, CheckinError
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.wording import ADVICE_WORDS
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases import checkins as use
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.usecases.patients import local_patient_id


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


def _morning_answers(content: CheckinContent) -> dict[str, object]:
    form = content.forms["morning"]
    console.print(f"[bold]{escape(form.title)}[/]")
    console.print(escape(form.intro))
    questions = {q.field: q for q in content.form("morning")}
    pain = [str(n) for n in range(11)]
    levels = [(level.id, level.label) for level in content.reach.levels]
    return {
        "back_pain": ask_choice(questions["back_pain"].text, pain, "0 to 10"),
        "leg_pain": ask_choice(questions["leg_pain"].text, pain, "0 to 10"),
        "left_reach": ask_reach(questions["left_reach"].text, content.reach.text, levels),
        "right_reach": ask_reach(questions["right_reach"].text, content.reach.text, levels),
        "numbness": ask_yes_no(questions["numbness"].text),
        "weakness": ask_yes_no(questions["weakness"].text),
    }


ADVICE_STYLES = {
    "continue": "green",
    "ease-off": "yellow",
    "contact-clinician": "bold yellow",
    "urgent": "bold red",
    "emergency": "bold red",
}


def print_advice(advice: Advice) -> None:
    """Today's advice: its level in words, then the text."""
    console.print()
    style = ADVICE_STYLES[advice.level]
    console.print(f"[{style}]Today's advice: {escape(ADVICE_WORDS[advice.level])}[/] ({advice.level})")
    console.print(escape(advice.text), soft_wrap=True)  # one line: the terminal wraps it, tools read it whole


def _print_changes(title: str, changes: Sequence[Change], library: Library) -> None:
    if not changes:
        return
    console.print(f"[bold]{escape(title)}[/]")
    for change in changes:
        name = library.exercise(change.exercise_id).name
        console.print(f"  [bold]{escape(name)}[/] ({escape(change.rule_id)}): {escape(change.reason)}")


def _morning(store: Store, catalog: Catalog) -> None:
    answers = _morning_answers(catalog.checkins)
    red_flags = catalog.red_flags
    console.print()
    console.print(f"[bold]{escape(red_flags.forms['short'].title)}[/]")
    console.print(escape(red_flags.forms["short"].intro))
    screening = {item.id: ask_yes_no(item.asked("short")) for item in red_flags.questions("short")}
    patient_id = local_patient_id(store)
    try:
        outcome = use.morning_checkin(store, catalog, patient_id, answers, screening)
    except Invalid as exc:
        fail(f"the check-in was not saved: {exc}")
    if outcome.screening.red_flag:  # a red flag wins over everything else
        show_result(outcome.screening, red_flags)
        print_advice(outcome.advice)
        raise typer.Exit(RED_FLAG_EXIT_CODE)
    library = catalog.library
    console.print()
    if outcome.corrected:
        console.print("[green]Check-in saved.[/] It replaced today's earlier check-in (one a day); your program was")
        console.print("worked out again for today, once, from these answers.")
    else:
        console.print("[green]Check-in saved.[/]")
    if outcome.trend is not None:
        console.print(escape(outcome.trend.words))
    applied = outcome.applied
    _print_changes("Your program changed:", applied.changes, library)
    _print_changes("Kept the same:", applied.holds, library)
    if not applied.changes and not applied.holds:
        console.print("No changes to your program today.")
    print_advice(outcome.advice)
    for offer in outcome.plan.offers:
        console.print(escape(offer.reason))
        accept = ask_yes_no(f"Try the {library.exercise(offer.to).name.lower()} again?")
        try:
            change = use.answer_offer(store, catalog, patient_id, offer.rule_id, accept)
        except OfferError as exc:
            fail(f"{exc}; it may have been answered already")
        console.print(escape(change.reason))


def _sbi(store: Store, catalog: Catalog) -> None:
    content = catalog.sbi
    console.print(f"[bold]{escape(content.name)}[/]")
    console.print(escape(content.intro))
    console.print("  " + "  ".join(f"{a.value} = {escape(a.label)}" for a in content.anchors))
    values = [str(n) for n in range(7)]
    answers: dict[str, object] = {item.id: ask_choice(item.text, values, "0 to 6") for item in content.items}
    try:
        score = use.weekly_sbi(store, catalog, local_patient_id(store), answers).score
    except CheckinError as exc:
        fail(f"the SBI was not saved: {exc}")
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
    catalog = load_content()
    with open_store(settings) as store:
        if sbi:
            _sbi(store, catalog)
        else:
            _morning(store, catalog)
