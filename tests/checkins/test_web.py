"""The check-in pages and API: saving, 422 with answers kept, a red flag winning, the SBI, the plan page."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from checkins.conftest import short_no
from helpers import a_day_passes
from sciatica_coach.storage.models import CheckIn, Screening
from sciatica_coach.storage.safety import exercise_gate

HTML = {"accept": "text/html"}
GOOD = {
    "back_pain": "3",
    "leg_pain": "5",
    "left_reach": "thigh",
    "right_reach": "none",
    "numbness": "yes",
    "weakness": "no",
}


def form_with(answers: dict[str, bool], **symptoms: str) -> dict[str, str]:
    """Form fields for the morning check-in and the short safety questions."""
    return {**GOOD, **symptoms, **{f"rf_{k}": "yes" if v else "no" for k, v in answers.items()}}


def checked(page: str, name: str, value: str) -> bool:
    """Whether the radio button `name`=`value` is checked in the page."""
    return re.search(rf'name="{name}" value="{value}"[^>]*\schecked', page) is not None


def rows(app: FastAPI, model: type) -> list:  # type: ignore[type-arg]
    with app.state.session_factory() as db:
        return list(db.scalars(select(model)))


def test_morning_form_shows_every_question_and_the_safety_questions(client: TestClient) -> None:
    page = client.get("/checkin").text
    for name in ("back_pain", "leg_pain", "left_reach", "right_reach", "numbness", "weakness"):
        assert f'name="{name}"' in page
    for item_id in short_no():
        assert f'name="rf_{item_id}"' in page
    assert 'aria-label="Left leg: Below the knee"' in page and 'aria-label="Right leg: Foot or toes"' in page


def test_a_complete_check_in_is_saved_with_its_screening(app: FastAPI, client: TestClient) -> None:
    response = client.post("/checkin", data=form_with(short_no()), headers=HTML)
    assert response.status_code == 200
    assert "Check-in saved" in response.text and "This is your first morning check-in" in response.text
    (row,) = rows(app, CheckIn)
    assert (row.kind, row.back_pain, row.leg_pain, row.left_reach, row.numbness, row.weakness) == (
        "morning",
        3,
        5,
        "thigh",
        True,
        False,
    )
    (screening,) = rows(app, Screening)
    assert screening.form == "short" and not screening.red_flag
    a_day_passes(app.state.session_factory)
    second = client.post("/checkin", data=form_with(short_no(), left_reach="buttock", leg_pain="3"), headers=HTML)
    assert "Centralizing" in second.text and "Symptoms moved up the left leg (thigh → buttock)." in second.text


def test_bad_input_is_422_with_every_answer_kept_and_nothing_saved(app: FastAPI, client: TestClient) -> None:
    data = form_with(short_no(), back_pain="12", left_reach="knee")
    del data["weakness"]
    del data[f"rf_{next(iter(short_no()))}"]
    response = client.post("/checkin", data=data, headers=HTML)
    assert response.status_code == 422
    page = response.text
    assert "Please check these answers" in page and "choose a whole number from 0 to 10" in page
    assert "choose one of: none, buttock, thigh, below-knee, foot" in page and "please answer this question" in page
    assert "Please answer every safety question" in page
    assert checked(page, "leg_pain", "5") and checked(page, "numbness", "yes")  # the valid answers are kept
    assert not checked(page, "back_pain", "3")
    assert rows(app, CheckIn) == [] and rows(app, Screening) == []


def test_a_red_flag_in_the_check_in_wins(app: FastAPI, client: TestClient, screened: int) -> None:
    answers = short_no()
    flagged = next(iter(answers))
    answers[flagged] = True
    response = client.post("/checkin", data=form_with(answers), headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/safety"
    urgent = client.get("/safety", headers=HTML).text
    assert "Exercises are locked" in urgent
    with app.state.session_factory() as db:
        gate = exercise_gate(db, screened)
    assert gate is not None and gate.urgent
    assert [r.kind for r in rows(app, CheckIn)] == ["morning"]  # the symptom answers are kept too
    assert client.post("/sessions", follow_redirects=False).status_code == 423


def test_a_red_flag_wins_even_when_the_symptom_answers_are_bad(app: FastAPI, client: TestClient) -> None:
    answers = {**short_no()}
    answers[list(answers)[-1]] = True
    response = client.post("/checkin", data=form_with(answers, back_pain=""), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/safety"
    assert [s.red_flag for s in rows(app, Screening)] == [True]


def test_json_check_in(app: FastAPI, client: TestClient) -> None:
    body = {
        "back_pain": 2,
        "leg_pain": 4,
        "left_reach": "thigh",
        "right_reach": "none",
        "numbness": False,
        "weakness": False,
        "red_flags": short_no(),
    }
    response = client.post("/api/checkins/morning", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["saved"] and not data["red_flag"] and [i["exercise_id"] for i in data["plan"]["items"]]
    bad = client.post("/api/checkins/morning", json={**body, "leg_pain": 40, "red_flags": {}})
    assert bad.status_code == 422
    problems = bad.json()["problems"]
    assert problems["leg_pain"] == "choose a whole number from 0 to 10"
    assert not any(name.startswith("red_flags.") for name in problems), "re-screened with the first check-in today"
    assert len(rows(app, CheckIn)) == 1
    assert client.post("/api/checkins/morning", content=b"not json").status_code == 422


def test_sbi_page_scores_and_saves(app: FastAPI, client: TestClient) -> None:
    page = client.get("/checkin/sbi").text
    assert "Sciatica Bothersomeness Index" in page and page.count('type="radio"') == 4 * 7
    answers = {"leg-pain": "2", "numbness-tingling": "1", "weakness": "0", "sitting-pain": "3"}
    saved = client.post("/checkin/sbi", data=answers, headers=HTML)
    assert saved.status_code == 200
    assert "6 <span" in saved.text and "at or below 6.5" in saved.text
    (row,) = rows(app, CheckIn)
    assert row.kind == "sbi" and row.score == 6


def test_sbi_bad_input_is_422_with_answers_kept(app: FastAPI, client: TestClient) -> None:
    response = client.post("/checkin/sbi", data={"leg-pain": "9", "weakness": "2"}, headers=HTML)
    assert response.status_code == 422
    assert "choose a whole number from 0 to 6" in response.text and "please answer this question" in response.text
    assert checked(response.text, "weakness", "2")
    assert rows(app, CheckIn) == []
    api = client.post("/api/checkins/sbi", json={"answers": {"leg-pain": 1}})
    assert api.status_code == 422 and "numbness-tingling" in api.json()["problems"]
    ok = client.post(
        "/api/checkins/sbi", json={"answers": {"leg-pain": 6, "numbness-tingling": 6, "weakness": 0, "sitting-pain": 1}}
    )
    assert ok.status_code == 201 and ok.json() == {"total": 13, "threshold": 6.5, "meets_threshold": False}


def test_plan_page_before_any_change(client: TestClient) -> None:
    page = client.get("/plan").text
    assert "Your program now" in page and "Sciatic nerve glide" in page
    assert "Nothing has changed yet" in page


def test_answering_an_offer_that_does_not_exist_is_409(client: TestClient) -> None:
    response = client.post("/plan/offers/nerve-glide-offer-straight-leg", data={"answer": "accept"}, headers=HTML)
    assert response.status_code == 409 and "no open offer" in response.text
    assert client.post("/plan/offers/x", data={"answer": "maybe"}).status_code == 422
