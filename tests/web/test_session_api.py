"""The session API: start, phases in order, symptom checks, skip, stop for pain, completion, history."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from helpers import PAIN_LIMIT, Driver
from sciatica_coach.storage.models import CheckIn, ExerciseSession

HTML = {"accept": "text/html"}


def test_start_creates_a_session_and_a_second_start_returns_to_it(
    drive: Driver, client: TestClient, screened: int
) -> None:
    first = drive.start()
    assert drive.start() == first
    data = drive.state(first)
    assert data["status"] == "in_progress"
    assert data["position"] == data["resume"] == 0
    assert data["clock_speed"] == 1.0
    kinds = [p["kind"] for p in data["script"]]
    assert kinds[0] == "check-before" and kinds[-1] == "check-after"
    assert {p["exercise_id"] for p in data["script"]} == {"nerve-glide", "prone-press-up", "hip-hinge"}
    # What the player needs to judge the checks itself offline: the red line and each check's words.
    offline = data["offline"]
    assert offline["pain_limit"] == PAIN_LIMIT
    assert sorted(offline["checks"], key=int) == [str(p["index"]) for p in data["script"] if p["duration"] is None]
    page = client.get(f"/session/{first}", headers=HTML)
    assert page.status_code == 200
    assert f'data-session-id="{first}"' in page.text
    assert '<section id="camera-panel"' in page.text


def test_progress_must_follow_the_script_in_order(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    drive.play(session_id, until=2)  # check-before answered, get-ready done
    status, body = drive.progress(session_id, 4)
    assert status == 409
    assert body["detail"] == "Step 4 cannot be completed before step 2 (move)."
    status, body = drive.progress(session_id, 0)  # a check cannot be completed as a timed phase
    assert status == 200  # ...but it is already done: a repeat changes nothing
    assert body["position"] == 2
    status, body = drive.progress(session_id, 2)
    assert (status, body["position"]) == (200, 3)
    status, body = drive.progress(session_id, 2)  # the player retried: idempotent
    assert (status, body["position"]) == (200, 3)
    status, body = drive.progress(session_id, 999)
    assert status == 422
    assert "no step number 999" in str(body["detail"])


def test_a_check_phase_is_answered_through_check_not_progress(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    status, body = drive.progress(session_id, 0)
    assert status == 409
    assert "symptom check" in str(body["detail"])


def test_bad_check_answers_are_refused_with_a_message_and_nothing_is_lost(
    drive: Driver, client: TestClient, app: FastAPI, screened: int
) -> None:
    session_id = drive.start()
    url = f"/api/sessions/{session_id}/check"
    bad = [
        ({"index": 0, "back": 11, "leg": 2}, "back: Input should be less than or equal to 10"),
        ({"index": 0, "back": 1, "leg": -1}, "leg: Input should be greater than or equal to 0"),
        ({"index": 0, "back": 1, "leg": 1, "left_reach": "knee"}, "left_reach: Input should be 'none'"),
        ({"index": 0, "back": "lots", "leg": 1}, "back: Input should be a valid integer"),
        ({"index": 0, "leg": 1}, "back: Field required"),
        ({"index": 0, "back": 1, "leg": 1}, "left_reach: Field required; right_reach: Field required"),
        ({"index": 2, "back": 1, "leg": 1, "left_reach": "none", "right_reach": "none"}, "Step 2 is not a symptom"),
    ]
    for body, message in bad:
        response = client.post(url, json=body)
        assert response.status_code == 422, body
        assert message in response.json()["detail"]
    data = drive.state(session_id)
    assert data["position"] == 0
    assert data["record"]["exercises"][0]["pain_before"] is None
    with app.state.session_factory() as db:
        assert db.scalars(select(CheckIn)).all() == []


def test_a_check_saves_the_record_and_a_checkin_row(
    drive: Driver, client: TestClient, app: FastAPI, screened: int
) -> None:
    session_id = drive.start()
    response = client.post(f"/api/sessions/{session_id}/check", json={"index": 0, **drive.clean_check})
    assert response.status_code == 200
    assert response.json()["position"] == 1
    again = client.post(f"/api/sessions/{session_id}/check", json={"index": 0, **drive.clean_check, "back": 9})
    assert again.status_code == 200  # a repeat is ignored, not double-saved
    before = drive.state(session_id)["record"]["exercises"][0]["pain_before"]
    assert before == {"back": 2, "leg": 3, "left_reach": "thigh", "right_reach": "none"}
    with app.state.session_factory() as db:
        rows = db.scalars(select(CheckIn)).all()
        assert len(rows) == 1
        row = rows[0]
        assert (row.kind, row.session_id, row.exercise_id, row.patient_id) == (
            "pre-exercise",
            session_id,
            "nerve-glide",
            screened,
        )
        assert (row.back_pain, row.leg_pain, row.left_reach, row.right_reach) == (2, 3, "thigh", "none")


def test_a_check_ahead_of_the_session_is_refused(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    last = drive.state(session_id)["total"] - 1
    response = client.post(f"/api/sessions/{session_id}/check", json={"index": last, **drive.clean_check})
    assert response.status_code == 409
    assert "not reached yet" in response.json()["detail"]


def test_resume_point_is_the_start_of_the_rep_under_way(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    data = drive.state(session_id)
    hold = next(p for p in data["script"] if p["kind"] == "hold" and p["rep"] == 2)
    drive.play(session_id, until=hold["index"] + 1)  # the hold of rep 2 is done, its return is not
    data = drive.state(session_id)
    assert data["position"] == hold["index"] + 1
    move = data["script"][data["resume"]]
    assert (move["kind"], move["rep"], move["side"]) == ("move", 2, "left")
    glide = data["record"]["exercises"][0]
    assert glide["reps_done"] == {"left": 1, "right": 0}
    assert glide["holds_completed"] == 2
    # Replaying the rep from its start does not count the hold twice; its return then counts the rep.
    for index in range(data["resume"], hold["index"] + 2):
        assert drive.progress(session_id, index)[0] == 200
    glide = drive.state(session_id)["record"]["exercises"][0]
    assert (glide["reps_done"]["left"], glide["holds_completed"]) == (2, 2)


def test_skip_moves_to_the_check_before_the_next_exercise_and_marks_it(
    drive: Driver, client: TestClient, screened: int
) -> None:
    session_id = drive.start()
    drive.play(session_id, until=3)
    response = client.post(f"/api/sessions/{session_id}/skip")
    assert response.status_code == 200
    data = drive.state(session_id)
    phase = data["script"][data["position"]]
    # The one check between the glide and the press-up: after the one skipped, before the next.
    assert (phase["kind"], phase["exercise_id"]) == ("check-between", "nerve-glide")
    following = data["script"][data["position"] + 1]
    assert (following["kind"], following["exercise_id"]) == ("get-ready", "prone-press-up")
    assert data["record"]["exercises"][0]["skipped"] is True
    assert data["record"]["exercises"][1]["skipped"] is False


def test_stop_for_pain_ends_the_session_with_advice(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    drive.play(session_id, until=4)
    response = client.post(f"/api/sessions/{session_id}/stop")
    assert response.status_code == 200
    assert response.json()["status"] == "stopped"
    data = drive.state(session_id)
    assert data["record"]["exercises"][0]["stopped_for_pain"] is True
    assert drive.progress(session_id, 4) == (
        409,
        {"detail": "This session has already ended (stopped); start a new one."},
    )
    page = client.get(f"/session/{session_id}", headers=HTML).text
    assert "Session stopped because it hurt" in page and "Well done" not in page
    assert "You stopped the sciatic nerve glide because it hurt." in page
    assert "contact your doctor or physiotherapist" in page
    assert "Get emergency care now" in page
    assert "Stopped: it hurt" in client.get(f"/history/{session_id}", headers=HTML).text
    assert drive.start() != session_id  # a stopped session is not resumed


def test_a_whole_session_completes_and_shows_in_history(
    drive: Driver, client: TestClient, app: FastAPI, screened: int
) -> None:
    session_id = drive.start()
    drive.play(session_id)
    data = drive.state(session_id)
    assert data["status"] == "completed"
    assert data["position"] == data["total"]
    glide, press, hinge = data["record"]["exercises"]
    assert glide["reps_done"] == {"left": 5, "right": 5} and glide["holds_completed"] == 10
    assert press["reps_done"] == {"": 5} and press["holds_completed"] == 5
    assert hinge["reps_done"] == {"": 5}
    for item in data["record"]["exercises"]:
        assert item["pain_before"] is not None and item["pain_after"] is not None
    with app.state.session_factory() as db:
        row = db.get(ExerciseSession, session_id)
        assert row is not None and row.finished_at is not None
        kinds = sorted(c.kind for c in db.scalars(select(CheckIn).where(CheckIn.session_id == session_id)))
        assert kinds == ["post-exercise"] * 3 + ["pre-exercise"] * 3
    history = client.get("/history", headers=HTML).text
    assert f'href="/history/{session_id}"' in history
    assert "Completed" in history
    assert "left 5 of 5, right 5 of 5" in history
    assert "back 2, leg 3; left leg down to the thigh, right leg clear" in history
    detail = client.get(f"/history/{session_id}", headers=HTML).text
    assert "Sciatic nerve glide" in detail and "Prone press-up" in detail and "Hip hinge" in detail
    assert "10 of 10 (5 s)" in detail
    summary = client.get(f"/session/{session_id}/summary", headers=HTML).text
    assert "Session complete" in summary and 'href="/history"' in summary


def test_history_lists_newest_first(drive: Driver, client: TestClient, screened: int) -> None:
    first = drive.start()
    client.post(f"/api/sessions/{first}/stop")
    second = drive.start()
    history = client.get("/history", headers=HTML).text
    assert history.index(f"/history/{second}") < history.index(f"/history/{first}")
    assert f'href="/session/{second}"' in history  # the unfinished one can be resumed from here
