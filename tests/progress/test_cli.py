"""The terminal: `checkin` (and --sbi), `progress` (text and --png) and `demo`, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from helpers import a_day_passes
from sciatica_coach.cli.main import app
from sciatica_coach.domain.screening import load_red_flags
from sciatica_coach.storage.checkins import latest_checkin
from sciatica_coach.storage.models import Screening
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.plans import current_prescription
from sciatica_coach.storage.safety import exercise_gate

SHORT = [item.id for item in load_red_flags().questions("short")]


def run(database_url: str, *args: str, stdin: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=stdin, env={"DATABASE_URL": database_url, "COLUMNS": "120"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, " ".join(result.output.split())


def morning_input(back: str = "3", leg: str = "5", left: str = "3", right: str = "1", *yes: str) -> str:
    lines = [back, leg, left, right, "yes", "no", *("yes" if item in yes else "no" for item in SHORT)]
    return "\n".join(lines) + "\n"


def test_checkin_saves_the_answers_and_the_screening(database_url: str, factory: sessionmaker[Session]) -> None:
    code, output = run(database_url, "checkin", stdin="11\n" + morning_input())
    assert code == 0, output
    assert "Please answer 0 to 10." in output and "Check-in saved." in output
    with factory() as db:
        row = latest_checkin(db, default_patient(db).id, "morning")
        assert row is not None
        assert (row.back_pain, row.leg_pain, row.left_reach, row.right_reach, row.numbness) == (
            3,
            5,
            "thigh",
            "none",
            True,
        )
        assert [s.form for s in db.scalars(select(Screening))] == ["short"]
    a_day_passes(factory)
    code, output = run(database_url, "checkin", stdin=morning_input("3", "3", "buttock", "none"))
    assert code == 0 and "Centralizing" in output and "thigh → buttock" in output


def test_a_red_flag_in_the_terminal_check_in_locks_exercise(database_url: str, factory: sessionmaker[Session]) -> None:
    code, output = run(database_url, "checkin", stdin=morning_input("3", "5", "3", "1", SHORT[0]))
    assert code == 3, output
    assert "Check-in saved." not in output
    with factory() as db:
        gate = exercise_gate(db, default_patient(db).id)
        assert gate is not None and gate.urgent


def test_stopping_half_way_saves_nothing(database_url: str, factory: sessionmaker[Session]) -> None:
    code, output = run(database_url, "checkin", stdin="3\n5\n")
    assert code == 2 and "nothing was saved" in output
    with factory() as db:
        assert latest_checkin(db, default_patient(db).id, "morning") is None


def test_sbi_in_the_terminal(database_url: str, factory: sessionmaker[Session]) -> None:
    code, output = run(database_url, "checkin", "--sbi", stdin="7\n2\n1\n0\n3\n")
    assert code == 0, output
    assert "Please answer 0 to 6." in output and "Your score: 6 out of 24, at or below" in output
    with factory() as db:
        row = latest_checkin(db, default_patient(db).id, "sbi")
        assert row is not None and row.score == 6


def test_demo_then_progress_as_text_and_png(
    database_url: str, factory: sessionmaker[Session], tmp_path: Path, library
) -> None:  # type: ignore[no-untyped-def]
    code, output = run(database_url, "demo", "--days", "14")
    assert code == 0 and "Loaded" in output
    with factory() as db:
        assert "nerve-glide" in {i.exercise_id for i in current_prescription(db, default_patient(db).id, library).items}
    code, again = run(database_url, "demo")
    assert code == 2 and "already has sessions or check-ins" in again
    code, text = run(database_url, "progress", "--days", "14")
    assert code == 0, text
    assert "Back and leg pain each morning" in text and "Weekly SBI" in text and "Centralizing" in text
    assert "Prone press-up: centralizing" in text
    png = tmp_path / "progress.png"
    code, output = run(database_url, "progress", "--png", str(png))
    assert code == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    code, output = run(database_url, "progress", "--png", str(tmp_path / "missing" / "x.png"))
    assert code == 2 and "could not write" in output and "Traceback" not in output
    code, output = run(database_url, "progress", "--days", "2")
    assert code == 2 and "Traceback" not in output
