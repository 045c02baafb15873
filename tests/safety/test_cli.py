"""`sciatica-coach screen`: the questions in the terminal, saved, with exit code 3 on a warning sign."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from sciatica_coach.cli.main import app
from sciatica_coach.cli.screen import RED_FLAG_EXIT_CODE
from sciatica_coach.domain.screening import load_red_flags
from sciatica_coach.storage.models import SafetyLock
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import exercise_gate, latest_cautions, latest_screening, open_locks

CONTENT = load_red_flags()
FULL = [item.id for item in CONTENT.questions("full")]


def replies(*yes: str, noise: str = "", cautions: str = "no\nno\n") -> str:
    """Answers to every full-form question (then the two cautions: pregnancy, spinal stenosis)."""
    return noise + "".join(("yes" if item_id in yes else "no") + "\n" for item_id in FULL) + cautions


def run(database_url: str, stdin: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["screen", *args], input=stdin, env={"DATABASE_URL": database_url})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_a_clean_screening_is_saved_and_opens_exercise(database_url: str, factory: sessionmaker[Session]) -> None:
    code, output = run(database_url, replies(noise="maybe\n"))
    assert code == 0, output
    assert "Please answer yes or no." in output
    assert "No warning signs" in output
    with factory() as db:
        patient_id = default_patient(db).id
        screening = latest_screening(db, patient_id)
        assert screening is not None and screening.form == "full" and not screening.red_flag
        assert exercise_gate(db, patient_id) is None
        assert latest_cautions(db, patient_id) == {"pregnancy": False, "spinal-stenosis": False}


def test_an_emergency_sign_prints_the_emergency_message_and_exits_3(
    database_url: str, factory: sessionmaker[Session]
) -> None:
    code, output = run(database_url, replies("saddle-numbness"))
    assert code == RED_FLAG_EXIT_CODE == 3
    flat = " ".join(output.split())
    assert CONTENT.messages.emergency.summary in flat
    assert "Call 112" in flat
    assert CONTENT.item("saddle-numbness").sign in flat
    assert "(emergency care now)" in flat
    for sign in CONTENT.safety_net_signs():
        assert sign.lower() in flat, "the safety-net line lists every cauda equina sign"
    with factory() as db:
        gate = exercise_gate(db, default_patient(db).id)
        assert gate is not None and gate.urgent


def test_assessed_clears_the_lock_before_asking_again(database_url: str, factory: sessionmaker[Session]) -> None:
    assert run(database_url, replies("fever-unwell"))[0] == RED_FLAG_EXIT_CODE
    code, output = run(database_url, "no\n", "--assessed")
    assert code == 2 and "nothing was cleared" in output
    code, output = run(database_url, "yes\n", "--assessed", "--note", "GP visit")
    assert code == 2 and "who assessed you" in output
    today = datetime.now(UTC).date().isoformat()
    args = ("--assessed", "--by", "Dr Mensah", "--on", today, "--note", "GP visit")
    code, output = run(database_url, "yes\n" + replies(), *args)
    assert code == 0, output
    assert "assessment is recorded" in output
    with factory() as db:
        patient_id = default_patient(db).id
        assert open_locks(db, patient_id) == []
        assert exercise_gate(db, patient_id) is None
        lock = db.scalars(select(SafetyLock)).one()
        assert lock.assessed_by == "Dr Mensah" and lock.assessed_on.isoformat() == today


def test_short_re_screen_and_reading_the_advice_for_a_soon_sign(
    database_url: str, factory: sessionmaker[Session]
) -> None:
    assert run(database_url, replies())[0] == 0
    short = [item.id for item in CONTENT.questions("short")]
    stdin = "".join(("yes" if i == "night-pain" else "no") + "\n" for i in short)
    code, output = run(database_url, stdin, "--short")
    assert code == RED_FLAG_EXIT_CODE, output
    assert CONTENT.messages.soon.summary in " ".join(output.split()) and "--read-advice" in output
    with factory() as db:
        gate = exercise_gate(db, default_patient(db).id)
        assert gate is not None and gate.kind == "advice"
    code, output = run(database_url, "yes\n", "--read-advice")
    assert code == 0 and "carry on" in output
    with factory() as db:
        assert exercise_gate(db, default_patient(db).id) is None


def test_stopping_early_saves_nothing_and_prints_no_traceback(
    database_url: str, factory: sessionmaker[Session]
) -> None:
    code, output = run(database_url, "no\nno\n")
    assert code == 2
    assert "nothing was saved" in output and "Traceback" not in output
    with factory() as db:
        assert latest_screening(db, default_patient(db).id) is None


def test_a_database_not_yet_created_is_a_clear_error(tmp_path: object) -> None:
    code, output = run(f"sqlite:///{tmp_path}/empty.db", replies())
    assert code == 2
    assert "sciatica-coach db upgrade" in " ".join(output.split())
    assert "Traceback" not in output
