"""New numbness, weakness or symptoms in both legs at the morning check-in open the warning-sign questions at once,
and nothing is saved (nothing progresses) until they are answered; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from helpers import MORNING_OK
from sciatica_coach.domain.screening import all_no, load_red_flags
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.models import CheckIn, Screening, utcnow
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import exercise_gate, record_screening

CONTENT = load_red_flags()
HTML = {"accept": "text/html"}
NERVE = {
    "numbness": ({"numbness": True}, "numbness"),
    "weakness": ({"weakness": True}, "weakness"),
    "both-legs": ({"left_reach": "thigh", "right_reach": "buttock"}, "symptoms in both legs"),
}


def count(app: FastAPI, model: type) -> int:
    with app.state.session_factory() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def screened_hours_ago(app: FastAPI, hours: float) -> None:
    with transaction(app.state.session_factory) as db:
        record_screening(db, default_patient(db).id, "full", all_no("full"), at=utcnow() - timedelta(hours=hours))


@pytest.mark.parametrize("sign", list(NERVE))
def test_a_nerve_sign_opens_its_questions_and_nothing_is_saved_until_they_are_answered(
    client: TestClient, app: FastAPI, screened: int, sign: str
) -> None:
    change, words = NERVE[sign]
    opened = [item.id for item in CONTENT.opened_questions([sign])]  # type: ignore[list-item]
    assert "saddle-numbness" in opened and "both-legs" in opened
    body: dict[str, Any] = {**MORNING_OK, **change, "red_flags": {}}
    response = client.post("/api/checkins/morning", json=body)
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert sorted(problems) == sorted(f"red_flags.{item_id}" for item_id in opened)
    assert all(f"asked because you reported {words}" in text for text in problems.values())
    assert count(app, CheckIn) == 0, "nothing progresses until they are answered"
    answered = {**body, "red_flags": dict.fromkeys(opened, False)}
    saved = client.post("/api/checkins/morning", json=answered)
    assert saved.status_code == 201, saved.text
    assert count(app, CheckIn) == 1


def test_without_a_nerve_sign_and_a_fresh_screening_no_safety_question_is_asked(
    client: TestClient, app: FastAPI, screened: int
) -> None:
    response = client.post("/api/checkins/morning", json={**MORNING_OK, "red_flags": {}})
    assert response.status_code == 201, response.text


def test_the_short_re_screen_is_asked_at_the_check_in_when_due(client: TestClient, app: FastAPI) -> None:
    screened_hours_ago(app, 25)
    response = client.post("/api/checkins/morning", json={**MORNING_OK, "red_flags": {}})
    assert response.status_code == 422
    assert sorted(response.json()["problems"]) == sorted(f"red_flags.{i.id}" for i in CONTENT.questions("short"))
    page = client.get("/checkin", headers=HTML)
    for item in CONTENT.questions("short"):
        assert f'name="rf_{item.id}" value="yes" required' in page.text
    assert "nerve-followup" not in page.text


def test_a_yes_to_an_opened_question_locks_at_once_even_with_others_unanswered(
    client: TestClient, app: FastAPI, screened: int
) -> None:
    body = {**MORNING_OK, "weakness": True, "red_flags": {"progressive-weakness": True}}
    response = client.post("/api/checkins/morning", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["red_flag"] and not data["emergency"] and data["saved"]
    with app.state.session_factory() as db:
        gate = exercise_gate(db, screened)
        assert gate is not None and gate.url == "/safety"
        (row,) = db.scalars(select(Screening).where(Screening.form == "nerve-signs")).all()
        assert row.answers == {"progressive-weakness": True}


def test_the_form_shows_the_nerve_questions_at_once_and_after_a_post_that_needs_them(
    client: TestClient, app: FastAPI, screened: int
) -> None:
    page = client.get("/checkin", headers=HTML)
    assert 'class="red-flag-screening nerve-followup"' in page.text, "revealed by CSS when a nerve sign is ticked"
    for item in CONTENT.opened_questions(["numbness"]):
        assert f'name="rf_{item.id}" value="yes">' in page.text, "not required by the browser"
    form = {
        "back_pain": "2",
        "leg_pain": "3",
        "left_reach": "thigh",
        "right_reach": "foot",
        "numbness": "no",
        "weakness": "no",
    }
    response = client.post("/checkin", data=form, headers=HTML, follow_redirects=False)
    assert response.status_code == 422
    assert 'class="red-flag-screening nerve-followup open"' in response.text
    assert CONTENT.nerve_signs["both-legs"] in response.text
    assert 'href="#q-saddle-numbness"' in response.text
    assert count(app, CheckIn) == 0
    answers = {f"rf_{item.id}": "no" for item in CONTENT.opened_questions(["both-legs"])}
    done = client.post("/checkin", data={**form, **answers}, headers=HTML, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/checkin/today"
    assert "Check-in saved" in client.get("/checkin/today", headers=HTML).text
    assert count(app, CheckIn) == 1


def test_the_leg_pain_question_no_longer_treats_both_legs_as_routine(client: TestClient) -> None:
    from sciatica_coach.domain.catalog import load_catalog

    text = next(q.text for q in load_catalog().checkins.questions if q.id == "leg-pain")
    assert "rate the worse one" not in text and "warning sign" in text
