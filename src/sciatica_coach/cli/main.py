"""`sciatica-coach` command: the terminal adapter. Each command lives in a module named after it."""

from __future__ import annotations

import typer

from sciatica_coach.cli import db, rules, users
from sciatica_coach.cli.analyze import analyze
from sciatica_coach.cli.checkin import checkin
from sciatica_coach.cli.demo import demo
from sciatica_coach.cli.exports import export, import_
from sciatica_coach.cli.program import program
from sciatica_coach.cli.progress import progress
from sciatica_coach.cli.reminders import reminders
from sciatica_coach.cli.screen import screen
from sciatica_coach.cli.serve import serve
from sciatica_coach.cli.session import session
from sciatica_coach.cli.worker import worker

app = typer.Typer(
    name="sciatica-coach",
    help="Sciatica Coach: guided nerve glides, prone press-ups and hip hinges. "
    "Self-management support; it does not replace a clinician.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command(name="program")(program)
app.command(name="session")(session)
app.command(name="serve")(serve)
app.command(name="checkin")(checkin)
app.command(name="progress")(progress)
app.command(name="analyze")(analyze)
app.command(name="screen")(screen)
app.command(name="demo")(demo)
app.command(name="worker")(worker)
app.command(name="export")(export)
app.command(name="import")(import_)
app.command(name="reminders")(reminders)
app.add_typer(db.app, name="db")
app.add_typer(rules.app, name="rules")
app.add_typer(users.app, name="users")


def main() -> None:
    """Console-script entry point."""
    app()
