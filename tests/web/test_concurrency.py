"""Concurrent requests, retries and second tabs neither lose nor double anything, on SQLite and PostgreSQL.

The app runs in-process; each request runs in a worker thread of its own, so these are real races on the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from helpers import MORNING_OK, Driver
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.models import CheckIn, ExerciseSession, Patient, PlanState, Screening
from sciatica_coach.storage.patients import find_default_patient
from sciatica_coach.usecases.sessions import save_camera_results

WORKERS = 20


def _parallel(count: int, call: Callable[[int], Any]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(call, range(count)))


def _count(app: FastAPI, model: type[Any], *where: Any) -> int:
    with app.state.session_factory() as db:
        return int(db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _play_everything(client: TestClient, session_id: str, script: list[dict[str, Any]], check: dict[str, Any]) -> None:
    """One 'tab' sending every step in order, as a player that replays its whole queue would."""
    for phase in script:
        if phase["duration"] is None:
            client.post(f"/api/sessions/{session_id}/check", json={"index": phase["index"], **check})
        else:
            client.post(f"/api/sessions/{session_id}/progress", json={"completed_index": phase["index"]})


def test_twenty_concurrent_starts_give_one_session(
    drive: Driver, client: TestClient, app: FastAPI, screened: int
) -> None:
    locations = _parallel(WORKERS, lambda _: client.post("/sessions", follow_redirects=False).headers["location"])
    assert len(set(locations)) == 1
    assert _count(app, ExerciseSession, ExerciseSession.status == "in_progress") == 1


def test_twenty_concurrent_progress_saves_give_exactly_the_reps_done(
    drive: Driver, client: TestClient, app: FastAPI, screened: int
) -> None:
    session_id = drive.start()
    script = drive.state(session_id)["script"]
    _parallel(WORKERS, lambda _: _play_everything(client, session_id, script, drive.clean_check))
    data = drive.state(session_id)
    assert data["status"] == "completed" and data["position"] == len(script)
    for exercise in data["record"]["exercises"]:
        planned = exercise["reps_planned"]
        assert set(exercise["reps_done"].values()) == {planned}, exercise
        if exercise["hold_seconds"] > 0:
            assert exercise["holds_completed"] == planned * len(exercise["reps_done"])
    with app.state.session_factory() as db:
        kinds = Counter(
            (row.kind, row.exercise_id) for row in db.scalars(select(CheckIn).where(CheckIn.session_id == session_id))
        )
    assert set(kinds.values()) == {1}, "each symptom check is saved once"
    assert len(kinds) == 2 * len(data["record"]["exercises"])


def test_a_camera_save_racing_player_saves_is_never_lost(
    drive: Driver, client: TestClient, app: FastAPI, screened: int
) -> None:
    session_id = drive.start()
    script = drive.state(session_id)["script"]
    store = app.state.store
    result = {"rep_count": 1, "reps": [{"faults": []}], "holds": [], "warnings": []}

    def work(n: int) -> None:
        if n % 2:
            save_camera_results(store, screened, session_id, [(0, result)])
        else:
            _play_everything(client, session_id, script[: len(script) // 2], drive.clean_check)

    _parallel(WORKERS, work)
    data = drive.state(session_id)
    assert data["record"]["exercises"][0]["camera"]["rep_count"] == WORKERS // 2
    assert data["position"] == len(script) // 2


def test_ten_parallel_first_check_ins_make_one_profile_and_one_morning_with_every_screening(app: FastAPI) -> None:
    body = {**MORNING_OK, "red_flags": all_no("short")}
    with TestClient(app) as fresh:
        answers = _parallel(10, lambda _: fresh.post("/api/checkins/morning", json=body).status_code)
    assert answers == [201] * 10
    assert _count(app, Patient) == 1
    assert _count(app, CheckIn, CheckIn.kind == "morning") == 1  # one a day: the other nine corrected it
    assert _count(app, Screening) == 10  # every safety answer is kept


def test_parallel_first_visits_to_today_all_answer_and_write_nothing(app: FastAPI) -> None:
    with TestClient(app) as fresh:
        fresh.get("/learn")
        before = _snapshot(app)
        statuses = _parallel(WORKERS, lambda n: fresh.get("/" if n % 2 else "/api/plan").status_code)
    assert statuses == [200] * WORKERS
    assert _snapshot(app) == before
    assert _count(app, PlanState) == 0


def _snapshot(app: FastAPI) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove a request changed nothing."""
    from sciatica_coach.storage.models import Base

    with app.state.session_factory() as db:
        return {
            table.name: sorted(tuple(str(v) for v in row) for row in db.execute(table.select()))
            for table in Base.metadata.sorted_tables
        }


def test_no_get_changes_a_row_even_with_history_the_rules_have_not_read(
    drive: Driver, client: TestClient, app: FastAPI, screened: int
) -> None:
    session_id = drive.start()
    drive.play(session_id)
    with app.state.session_factory() as db:  # a check-in saved behind the app's back, so the rules have not run
        patient = find_default_patient(db)
        assert patient is not None
        db.add(CheckIn(patient_id=patient.id, kind="morning", back_pain=2, leg_pain=9, left_reach="foot"))
        db.commit()
    before = _snapshot(app)
    pages = ["/", "/plan", "/api/plan", "/progress", "/api/progress", "/history", f"/history/{session_id}"]
    pages += [
        "/checkin",
        "/checkin/sbi",
        "/safety",
        "/screening",
        f"/session/{session_id}",
        f"/api/sessions/{session_id}",
    ]
    answers = _parallel(len(pages) * 2, lambda n: client.get(pages[n % len(pages)]).status_code)
    assert set(answers) == {200}
    assert _snapshot(app) == before


def test_a_retried_skip_does_not_skip_the_next_exercise(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    drive.play(session_id, until=2)
    first = client.post(f"/api/sessions/{session_id}/skip", json={"index": 2}).json()
    again = client.post(f"/api/sessions/{session_id}/skip", json={"index": 2}).json()
    assert again["position"] == first["position"]
    skipped = [e["skipped"] for e in again["record"]["exercises"]]
    assert skipped == [True, False, False]


def test_a_second_tab_sees_the_session_move_on(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    drive.play(session_id, until=3)  # the first tab is ahead
    status, body = drive.progress(session_id, 1)  # the second tab sends a step already done
    assert status == 200 and body["position"] == 3  # nothing changes and it learns where the session is
    assert drive.state(session_id)["record"]["exercises"][0]["reps_done"] == {"left": 0, "right": 0}
