"""The JSON export round-trips a whole record through `sciatica-coach import` into an empty database, and the
import refuses what it must, changing nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from typer.testing import CliRunner

from exports.records import make_rich_record
from helpers import fresh_database
from sciatica_coach.cli.main import app as cli_app
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.record_file import RecordError, check_record
from sciatica_coach.storage.db import make_engine
from sciatica_coach.storage.models import CheckIn, ExerciseSession, Patient, PlanState
from sciatica_coach.storage.records import read_record
from sciatica_coach.storage.unit_of_work import Store


def _run(database_url: str, *args: str) -> Any:
    env = {"DATABASE_URL": database_url, "COLUMNS": "200", "SCIATICA_MODE": "local"}
    return CliRunner().invoke(cli_app, list(args), env=env)


def _empty(database_url: str, tmp_path: Path) -> Any:
    """A second fresh database of the same kind as the test's."""
    folder = tmp_path / "empty"
    folder.mkdir(exist_ok=True)
    return fresh_database("sqlite" if database_url.startswith("sqlite") else "postgres", folder)


def _without_time(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "exported_at"}


@pytest.fixture
def exported(database_url: str, catalog: Catalog, tmp_path: Path) -> Path:
    make_rich_record(database_url, catalog)
    out = tmp_path / "record.json"
    result = _run(database_url, "export", "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_export_import_export_gives_the_same_record(database_url: str, exported: Path, tmp_path: Path) -> None:
    first = json.loads(exported.read_text())
    assert {name: len(first[name]) for name in ("messages", "prescription_versions", "locks", "reminders")} == {
        "messages": 1,
        "prescription_versions": 1,
        "locks": 1,
        "reminders": 1,
    }
    assert "calendar_token_sha256" not in first["reminders"][0]  # the calendar link's secret stays behind
    assert any(alert["acknowledged_by_name"] == "Dr Lee" for alert in first["alerts"])
    assert len(first["sessions"]) > 10 and len(first["checkins"]) > 50 and first["plan_state"] is not None
    flagged = [screening["ref"] for screening in first["screenings"] if screening["red_flag"]]
    assert [lock["screening"] for lock in first["locks"]] == flagged
    assert first["locks"][0]["assessed_on"] == "2026-11-30"
    decision = next(change["after"] for change in first["plan_changes"] if change["rule_id"] == "clinician")
    rules_changes = {change["ref"] for change in first["plan_changes"] if change["rule_id"] != "clinician"}
    assert decision["decides"] in rules_changes
    audit = first["audit"]
    assert any(entry["detail"].get("lock_id") == first["locks"][0]["ref"] for entry in audit)
    assert all(entry["detail"].get("clinician_id") is None for entry in audit)  # account ids stay behind
    assert all("session_id" not in row and "id" not in row for row in first["checkins"])
    # A morning check-in keeps the rules' state from before it: its cursor names an earlier check-in by its ref.
    kept = [row["answers"]["state_before"] for row in first["checkins"] if "state_before" in row["answers"]]
    refs = {row["ref"] for row in first["checkins"]}
    assert kept and all(key.removeprefix("checkin:") in refs for state in kept for key in state["cursor"]["keys"])
    with _empty(database_url, tmp_path) as empty_url:
        result = _run(empty_url, "import", str(exported))
        assert result.exit_code == 0, result.output
        again = tmp_path / "again.json"
        assert _run(empty_url, "export", "-o", str(again)).exit_code == 0
        second = json.loads(again.read_text())
        assert _without_time(second) == _without_time(first)
        engine = make_engine(empty_url)
        try:
            with Store(engine).read() as db:
                # The ids inside the imported rows are the new database's own: the rules' cursor points at a real
                # check-in of this patient, and the check-ins at their sessions.
                plan = db.scalars(select(PlanState.plan)).one()
                kind, _, key = plan["cursor"]["keys"][0].partition(":")
                assert kind == "checkin" and db.get(CheckIn, int(key)) is not None
                answers = db.scalars(select(CheckIn.answers).where(CheckIn.kind == "morning")).all()
                cursors = [a["state_before"]["cursor"]["keys"] for a in answers if "state_before" in a]
                for key in (key for keys in cursors for key in keys):
                    assert db.get(CheckIn, int(key.removeprefix("checkin:"))) is not None
                linked = db.scalars(select(CheckIn.session_id).where(CheckIn.session_id.is_not(None))).all()
                sessions = set(db.scalars(select(ExerciseSession.id)).all())
                assert linked and set(linked) <= sessions
        finally:
            engine.dispose()


def test_import_refuses_a_profile_that_holds_a_record(database_url: str, exported: Path) -> None:
    result = _run(database_url, "import", str(exported))
    assert result.exit_code == 2
    assert "already holds a record" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("spoil", "named"),
    [
        (lambda d: d.update(version=99), "version: 99 is not supported"),
        (lambda d: d.update(format="something-else"), "format: this is not a sciatica-coach-record file"),
        (lambda d: d["checkins"][0].pop("kind"), "checkins[0].kind: missing"),
        (lambda d: d["checkins"][0].update(back_pain="seven"), "checkins[0].back_pain: must be a whole number"),
        (lambda d: d["sessions"][0].update(started_at="yesterday"), "sessions[0].started_at: must be a moment"),
        (lambda d: d["locks"][0].update(screening="screening-999"), "'screening-999' is not in screenings"),
        (lambda d: d.update(extra=1), "extra: unknown field"),
        (lambda d: d["sessions"][0].update(record={}), "sessions[0].record: not in the shape this version reads"),
        (
            lambda d: d["sessions"][0]["prescription"]["items"][0].update(exercise_id="hamstring-stretch"),
            "exercise 'hamstring-stretch' is not in this app's content",
        ),
        (lambda d: d["plan_state"]["plan"].update(state={"version": 99}), "plan_state.plan.state: not in the shape"),
    ],
)
def test_import_refuses_a_bad_file_naming_the_problem(
    database_url: str, exported: Path, tmp_path: Path, spoil: Any, named: str
) -> None:
    data = json.loads(exported.read_text())
    spoil(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with _empty(database_url, tmp_path) as empty_url:
        result = _run(empty_url, "import", str(bad))
        assert result.exit_code == 2, result.output
        assert named in " ".join(result.output.split()) and "Traceback" not in result.output
        _assert_nothing_imported(empty_url)


def test_a_file_that_is_not_json_is_refused(database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = _run(database_url, "import", str(bad))
    assert result.exit_code == 2 and "is not a JSON file" in result.output


def test_an_import_that_fails_part_way_leaves_nothing(database_url: str, exported: Path, tmp_path: Path) -> None:
    data = json.loads(exported.read_text())
    # Passes the file checks, but the database keeps one session in progress per person: the insert fails.
    for session in data["sessions"][:2]:
        session["status"] = "in_progress"
    data["patient"]["display_name"] = "Changed"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with _empty(database_url, tmp_path) as empty_url:
        result = _run(empty_url, "import", str(bad))
        assert result.exit_code == 2, result.output
        assert "nothing was changed" in " ".join(result.output.split())
        _assert_nothing_imported(empty_url)


def _assert_nothing_imported(url: str) -> None:
    engine = make_engine(url)
    try:
        with Store(engine).read() as db:
            assert db.scalar(select(func.count()).select_from(ExerciseSession)) == 0
            assert db.scalar(select(func.count()).select_from(CheckIn)) == 0
            assert "Changed" not in db.scalars(select(Patient.display_name)).all()
    finally:
        engine.dispose()


def _statements_reading(url: str, catalog: Catalog, days: int) -> tuple[list[str], int]:
    patient_id = make_rich_record(url, catalog, days=days)
    engine = make_engine(url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        with Store(engine).read() as db:
            record = read_record(db, patient_id)
        return statements, len(record["checkins"])
    finally:
        engine.dispose()


def test_the_record_is_read_in_the_same_statements_whatever_its_size(
    database_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    few, short = _statements_reading(database_url, catalog, 7)
    with _empty(database_url, tmp_path) as other:
        many, long = _statements_reading(other, catalog, 56)
    assert long > 4 * short
    assert many == few and len(few) <= 13


def test_check_record_names_every_problem_at_once(database_url: str, exported: Path) -> None:
    data = json.loads(exported.read_text())
    spoiled = copy.deepcopy(data)
    spoiled["checkins"][0]["score"] = True
    spoiled["messages"][0].pop("body")
    with pytest.raises(RecordError) as caught:
        check_record(spoiled)
    assert caught.value.problems == ["checkins[0].score: must be a whole number", "messages[0].body: missing"]
    assert check_record(data) is data


def test_an_unknown_patient_is_named_without_a_traceback(database_url: str, exported: Path, tmp_path: Path) -> None:
    for args in (
        ("export", "--patient", "999999", "-o", str(tmp_path / "x.json")),
        ("import", str(exported), "--patient", "999999"),
    ):
        result = _run(database_url, *args)
        assert result.exit_code == 2, result.output
        assert "There is no patient with that id." in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.json").exists()
    result = _run(database_url, "export", "-o", str(tmp_path / "missing" / "x.json"))
    assert result.exit_code == 2 and "could not write" in result.output
