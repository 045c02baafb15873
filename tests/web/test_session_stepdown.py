"""Inside a session: a check that shows spreading or pain above the red line ends that exercise with step-down
advice; "Stop: this hurts" asks the pain and where and saves it; no answer is assumed. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from helpers import PAIN_LIMIT, Driver
from sciatica_coach.storage.models import CheckIn, PlanChange

HTML = {"accept": "text/html"}
THIGH = {"back": 2, "leg": 3, "left_reach": "thigh", "right_reach": "none"}


def check(client: TestClient, session_id: str, index: int, answers: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/sessions/{session_id}/check", json={"index": index, **answers})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def phase_index(state: dict[str, Any], exercise_id: str, kind: str) -> int:
    return next(p["index"] for p in state["script"] if p["exercise_id"] == exercise_id and p["kind"] == kind)


def plan_items(client: TestClient) -> list[str]:
    return [i["exercise_id"] for i in client.get("/api/plan").json()["plan"]["items"]]


def test_spreading_after_an_exercise_ends_it_with_advice_and_the_rules_change(
    drive: Driver, client: TestClient, app: FastAPI, screened: int
) -> None:
    session_id = drive.start()
    state = drive.state(session_id)
    after = phase_index(state, "nerve-glide", "check-between")
    drive.play(session_id, until=after, check_for=lambda _e, _w: THIGH)
    answered = check(client, session_id, after, {**THIGH, "left_reach": "below-knee"})  # spread below the knee

    assert answered["status"] == "in_progress"
    assert answered["position"] == phase_index(state, "prone-press-up", "get-ready")  # moves on
    step_down = answered["step_down"]
    assert step_down["exercise_id"] == "nerve-glide" and step_down["ends_session"] is False
    assert step_down["title"] == "Stop the sciatic nerve glide for today"
    assert step_down["why"] == ["Your symptoms reached further down your leg than before you started this exercise."]
    assert step_down["now"].startswith("Do no more of the sciatic nerve glide today.")
    # The rules ran when the check was saved: their change and its reason are part of the advice.
    assert step_down["program"][0] == "Your program has changed:"
    assert "We have switched you to the sciatic nerve glide, bent knee" in step_down["program"][1]
    assert "nerve-glide-bent-knee" in plan_items(client)
    assert "contact your doctor or physiotherapist" in step_down["worsening"]
    ended = answered["record"]["exercises"][0]["ended"]
    assert ended["reasons"] == ["spreading"] and ended["check"] == "after"

    assert drive.state(session_id)["step_down"] == step_down  # a reload shows it again
    assert check(client, session_id, after, THIGH)["step_down"] == step_down  # a repeat changes nothing
    drive.play(session_id, check_for=lambda _e, _w: {**THIGH, "left_reach": "below-knee"})
    done = drive.state(session_id)
    assert done["status"] == "completed" and done["step_down"] is None
    page = client.get(f"/session/{session_id}", headers=HTML).text
    assert "Well done" not in page
    assert "Session over, with an exercise stopped early" in page
    assert "The sciatic nerve glide was stopped at the check after it. Your symptoms reached further" in page
    assert "Stopped early: symptoms spread" in page
    assert "Well done" not in client.get(f"/session/{session_id}/summary", headers=HTML).text


def test_the_check_between_two_exercises_is_saved_as_after_the_first_and_before_the_next(
    drive: Driver, client: TestClient, app: FastAPI, screened: int
) -> None:
    session_id = drive.start()
    state = drive.state(session_id)
    between = phase_index(state, "nerve-glide", "check-between")
    assert [p["kind"] for p in state["script"] if p["duration"] is None].count("check-before") == 1
    drive.play(session_id, until=between, check_for=lambda _e, _w: THIGH)
    answered = check(client, session_id, between, {**THIGH, "left_reach": "buttock"})  # less far down: centralizing
    assert answered["position"] == between + 1 and answered["step_down"] is None
    glide, press, _hinge = answered["record"]["exercises"]
    assert glide["pain_after"] == press["pain_before"] == {**THIGH, "left_reach": "buttock"}
    with app.state.session_factory() as db:
        saved = [(c.kind, c.exercise_id) for c in db.scalars(select(CheckIn).order_by(CheckIn.id))]
    assert saved[-2:] == [("post-exercise", "nerve-glide"), ("pre-exercise", "prone-press-up")]
    # Further down the left leg at the press-ups' check after than at the check between: that exercise ends.
    after = phase_index(state, "prone-press-up", "check-between")
    drive.play(session_id, until=after, check_for=lambda _e, _w: THIGH)
    ended = check(client, session_id, after, THIGH)
    assert ended["record"]["exercises"][1]["ended"]["reasons"] == ["spreading"]


def test_pain_above_the_red_line_ends_the_session(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    state = drive.state(session_id)
    after = phase_index(state, "nerve-glide", "check-between")
    drive.play(session_id, until=after, check_for=lambda _e, _w: THIGH)
    at_limit = check(client, session_id, 0, THIGH)  # a repeat of the first check, for the shape
    assert at_limit["step_down"] is None
    answered = check(client, session_id, after, {**THIGH, "leg": PAIN_LIMIT + 1})
    assert answered["status"] == "stopped"
    assert answered["step_down"]["ends_session"] is True
    assert answered["step_down"]["why"] == [
        f"Your pain is {PAIN_LIMIT + 1} out of 10. Above {PAIN_LIMIT} is too much to exercise on."
    ]
    assert answered["step_down"]["now"].startswith("Stop exercising for today")
    assert answered["record"]["exercises"][0]["ended"]["reasons"] == ["pain"]
    assert answered["record"]["exercises"][0]["stopped_for_pain"] is False  # a check ended it, not the Stop button
    page = client.get(f"/session/{session_id}", headers=HTML).text
    assert "Session stopped: the pain was too much" in page and "Well done" not in page
    assert drive.start() != session_id


def test_pain_at_the_red_line_goes_on(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    answered = check(client, session_id, 0, {**THIGH, "back": PAIN_LIMIT, "leg": PAIN_LIMIT})
    assert answered["step_down"] is None and answered["position"] == 1
    assert answered["record"]["exercises"][0]["ended"] is None


def test_stop_saves_the_pain_and_where_and_the_rules_see_a_stop_with_pain_after(
    drive: Driver, client: TestClient, app: FastAPI, screened: int
) -> None:
    session_id = drive.start()
    state = drive.state(session_id)
    press_move = next(p["index"] for p in state["script"] if p["exercise_id"] == "prone-press-up" and p["rep"] == 2)
    drive.play(session_id, until=press_move, check_for=lambda _e, _w: THIGH)
    url = f"/api/sessions/{session_id}/stop"
    partial = client.post(url, json={"back": 4, "leg": 6})
    assert partial.status_code == 422
    assert set(partial.json()["problems"]) == {"left_reach", "right_reach"}
    assert drive.state(session_id)["status"] == "in_progress"  # nothing saved
    stopped = client.post(url, json={"back": 4, "leg": 6, "left_reach": "foot", "right_reach": "none"})
    assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
    press = stopped.json()["record"]["exercises"][1]
    assert press["stopped_for_pain"] is True
    assert press["pain_after"] == {"back": 4, "leg": 6, "left_reach": "foot", "right_reach": "none"}
    # Press-ups that sent symptoms to the foot: the rules saw before and after, and took them out for review.
    assert "prone-press-up" not in plan_items(client)
    with app.state.session_factory() as db:
        changes = db.scalars(select(PlanChange).where(PlanChange.rule_id == "press-up-stop-on-spread")).all()
        assert len(changes) == 1
        kinds = [row.kind for row in db.scalars(select(CheckIn).order_by(CheckIn.id))]
    assert "post-exercise" in kinds and kinds.count("post-exercise") == 1  # the glide's; the stop is not doubled
    again = client.post(url, json={"back": 9, "leg": 9, "left_reach": "foot", "right_reach": "foot"})
    assert again.status_code == 200
    assert again.json()["record"]["exercises"][1]["pain_after"]["back"] == 4  # a repeat changes nothing
    with app.state.session_factory() as db:
        assert len(db.scalars(select(PlanChange)).all()) == len(client.get("/api/plan").json()["changes"])
    page = client.get(f"/session/{session_id}", headers=HTML).text
    assert "Session stopped because it hurt" in page and "Well done" not in page


def test_stop_without_answers_still_stops(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    drive.play(session_id, until=3)
    stopped = client.post(f"/api/sessions/{session_id}/stop", json={})
    assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
    assert stopped.json()["record"]["exercises"][0]["pain_after"] is None


def test_the_stop_form_names_what_is_missing_and_saves_nothing_until_answered(
    drive: Driver, client: TestClient, screened: int
) -> None:
    session_id = drive.start()
    drive.play(session_id, until=3)
    url = f"/session/{session_id}/stop"
    refused = client.post(url, data={"back_pain": "3", "left_reach": "thigh"}, headers=HTML, follow_redirects=False)
    assert refused.status_code == 422
    assert "Leg pain right now: please answer this question" in refused.text
    assert "Right leg: please answer this question" in refused.text
    assert "Back pain right now: please answer" not in refused.text
    assert 'value="3" required checked' in refused.text  # what was chosen is kept
    assert drive.state(session_id)["status"] == "in_progress"
    saved = client.post(
        url,
        data={"back_pain": "3", "leg_pain": "5", "left_reach": "thigh", "right_reach": "buttock"},
        headers=HTML,
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/session/{session_id}"
    glide = drive.state(session_id)["record"]["exercises"][0]
    assert glide["stopped_for_pain"] is True
    assert glide["pain_after"] == {"back": 3, "leg": 5, "left_reach": "thigh", "right_reach": "buttock"}


def test_the_stop_form_can_stop_without_answering(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    drive.play(session_id, until=3)
    response = client.post(f"/session/{session_id}/stop", data={"without": "1"}, follow_redirects=False)
    assert response.status_code == 303
    state = drive.state(session_id)
    assert state["status"] == "stopped" and state["record"]["exercises"][0]["pain_after"] is None


def test_the_player_assumes_no_answer(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    page = client.get(f"/session/{session_id}", headers=HTML).text
    assert "required checked" not in page  # no pain score chosen in advance
    assert page.count('<option value="" selected>Choose…</option>') == 4  # each leg, in the check and the stop form
    assert '<form id="stop-form"' in page and f'action="/session/{session_id}/stop"' in page
    missing = client.post(f"/api/sessions/{session_id}/check", json={"index": 0, "back": 1, "leg": 1})
    assert missing.status_code == 422
    assert set(missing.json()["problems"]) == {"left_reach", "right_reach"}
    assert drive.state(session_id)["position"] == 0
