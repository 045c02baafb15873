"""`sciatica-coach users create-clinician|create-admin`: accounts from the terminal, on SQLite and PostgreSQL."""

from __future__ import annotations

from pwdlib import PasswordHash
from sqlalchemy.orm import Session, sessionmaker

from conftest import Invoke
from helpers import PASSWORD
from sciatica_coach.storage.models import User


def test_create_clinician_reads_the_password_from_stdin_and_hashes_it(
    invoke: Invoke, factory: sessionmaker[Session], fast_hashing: None
) -> None:
    result = invoke(
        "users", "create-clinician", "Lee@Clinic.test", "--password-stdin", "--name", "Dr Lee", input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created the clinician account lee@clinic.test." in result.output
    with factory() as db:
        user = db.query(User).one()
    assert (user.email, user.role, user.display_name) == ("lee@clinic.test", "clinician", "Dr Lee")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert PasswordHash.recommended().verify(PASSWORD, user.password_hash)


def test_create_admin_asks_the_password_twice(
    invoke: Invoke, factory: sessionmaker[Session], fast_hashing: None
) -> None:
    result = invoke("users", "create-admin", "admin@clinic.test", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    with factory() as db:
        assert db.query(User).one().role == "admin"


def test_a_short_password_or_a_taken_email_is_refused(
    invoke: Invoke, factory: sessionmaker[Session], fast_hashing: None
) -> None:
    short = invoke("users", "create-clinician", "lee@clinic.test", "--password-stdin", input="eleven char\n")
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    assert invoke("users", "create-clinician", "lee@clinic.test", "--password-stdin", input=PASSWORD).exit_code == 0
    taken = invoke("users", "create-clinician", "LEE@clinic.test", "--password-stdin", input=PASSWORD)
    assert taken.exit_code == 2 and "exists already" in taken.output
    with factory() as db:
        assert db.query(User).count() == 1


def test_serve_clinic_refuses_the_default_secret_key(invoke: Invoke) -> None:
    result = invoke("serve", "--clinic")
    assert result.exit_code == 2
    output = " ".join(result.output.split())  # the console wraps long lines at its width
    assert "SCIATICA_SECRET_KEY must be set to 32 or more random characters in clinic mode" in output
