"""`sciatica-coach users …`: clinic-mode accounts made from the terminal (the admin's tool)."""

from __future__ import annotations

import sys

import typer

from sciatica_coach.cli.common import console, fail, load_settings, open_store
from sciatica_coach.domain.accounts import Role
from sciatica_coach.usecases.accounts import create_user
from sciatica_coach.usecases.errors import Invalid

app = typer.Typer(help="Clinic-mode accounts: create clinicians and admins.", no_args_is_help=True)

PASSWORD_STDIN = typer.Option(False, "--password-stdin", help="Read the password from standard input (one line).")
NAME = typer.Option("", "--name", help="The name shown to patients.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _create(email: str, role: Role, password_stdin: bool, name: str) -> None:
    settings = load_settings()
    password = _password(password_stdin)
    with open_store(settings) as store:
        try:
            made = create_user(store, email, password, role, name)
        except Invalid as exc:
            fail("; ".join(exc.problems.values()))
    console.print(f"Created the {role} account {made.email}.", markup=False)


@app.command("create-clinician")
def create_clinician(
    email: str = typer.Argument(..., help="The clinician's e-mail address (their sign-in name)."),
    password_stdin: bool = PASSWORD_STDIN,
    name: str = NAME,
) -> None:
    """Create a clinician account (asks the password twice, or reads it with --password-stdin)."""
    _create(email, "clinician", password_stdin, name)


@app.command("create-admin")
def create_admin(
    email: str = typer.Argument(..., help="The admin's e-mail address (their sign-in name)."),
    password_stdin: bool = PASSWORD_STDIN,
) -> None:
    """Create an admin account (asks the password twice, or reads it with --password-stdin)."""
    _create(email, "admin", password_stdin, "")
