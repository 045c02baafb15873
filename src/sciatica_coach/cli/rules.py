"""`sciatica-coach rules simulate SCENARIO`: replay a clinical scenario through the real rules, day by day."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from sciatica_coach.cli.common import console, err_console, fail, load_content
from sciatica_coach.domain.adaptation.scenario import ScenarioError, load_scenario
from sciatica_coach.domain.wording import ADVICE_WORDS
from sciatica_coach.usecases.simulate import DayOutcome, check_expectations, simulate

EXPECTATIONS_FAILED_EXIT_CODE = 1

app = typer.Typer(help="The adaptation rules: replay a history through them.", no_args_is_help=True)


@app.command(name="simulate")
def simulate_command(
    scenario: Path = typer.Argument(..., help="A scenario file (YAML or JSON; see scenarios/README.md)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per day, for other tools."),
    check: bool = typer.Option(
        False, "--check", help="Also check the scenario's `expect` entries; exit code 1 when one does not hold."
    ),
) -> None:
    """Replay SCENARIO through the real rules and saving path (in a throwaway database) and print each day: the
    plan, the advice, what changed and why, and whether exercise is locked."""
    catalog = load_content()
    try:
        parsed = load_scenario(scenario, catalog.library, catalog.red_flags)
        days = simulate(parsed, catalog)
    except ScenarioError as exc:
        fail(f"bad scenario: {exc}")
    except SQLAlchemyError as exc:
        fail(f"could not replay the scenario ({exc.__class__.__name__})")
    if as_json:
        typer.echo(json.dumps([day.to_dict() for day in days], indent=2, ensure_ascii=False))
    else:
        if parsed.name:
            console.print(f"[bold]{escape(parsed.name)}[/]")
        for number, day in enumerate(days, start=1):
            _print_day(number, day)
    if check:
        problems = check_expectations(parsed, days)
        for problem in problems:
            err_console.print(f"[bold red]Not as expected:[/] {escape(problem)}")
        if problems:
            raise typer.Exit(EXPECTATIONS_FAILED_EXIT_CODE)
        err_console.print(f"All {len(parsed.expect)} expectations hold.")


def _print_day(number: int, day: DayOutcome) -> None:
    console.print()
    locked = " [bold red]exercise locked[/]" if day.locked else ""
    console.print(f"[bold]Day {number}, {day.day.isoformat()}[/]{locked}")
    advice = day.advice
    console.print(f"  Advice: [bold]{escape(ADVICE_WORDS[advice.level])}[/] ({advice.level}): {escape(advice.text)}")
    plan = ", ".join(
        f"{escape(exercise_id)} {item['reps']}" + ("" if item["status"] == "active" else f" ({item['status']})")
        for exercise_id, item in day.plan.items()
    )
    console.print(f"  Plan: {plan or 'nothing'}")
    for change in day.changes:
        console.print(
            f"  Changed by {escape(change['rule'])} ({escape(change['exercise_id'])}): {escape(change['reason'])}"
        )
    if day.not_done:
        console.print(f"  Not done (not in the plan, or exercise locked): {escape(', '.join(day.not_done))}")
    for alert in day.alerts:
        console.print(f"  Alert for the clinician, {escape(alert['tier'])}: {escape(alert['alert'])}")
