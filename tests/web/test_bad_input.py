"""Ordinary bad input gets a 4xx naming the problem and saves nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from helpers import MORNING_OK, Driver, assessment_form
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.models import CheckIn, SafetyLock, Screening

HTML = {"accept": "text/html"}
GOOD = MORNING_OK
ODD_NUMBERS = ["²", "--5", "9" * 5000, "3.5", "1e1", " ", "٣"]


def _rows(app: FastAPI, model: type[Any]) -> int:
    with app.state.session_factory() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_odd_pain_text_in_the_form_is_named_not_a_500(client: TestClient, app: FastAPI, value: str) -> None:
    form = {**{k: str(v).lower() for k, v in GOOD.items()}, "numbness": "no", "weakness": "no", "back_pain": value}
    form |= {f"rf_{key}": "no" for key in all_no("short")}
    response = client.post("/checkin", data=form, headers=HTML)
    assert response.status_code == 422
    assert "whole number from 0 to 10" in response.text
    assert _rows(app, CheckIn) == 0


@pytest.mark.parametrize("value", [*ODD_NUMBERS, "3", 3.5, True, 11, -1, None, [], {}])
def test_json_pain_must_be_a_whole_number_from_0_to_10(client: TestClient, app: FastAPI, value: object) -> None:
    response = client.post("/api/checkins/morning", json={**GOOD, "leg_pain": value, "red_flags": all_no("short")})
    assert response.status_code == 422, response.text
    assert "leg_pain" in response.json()["problems"]
    assert _rows(app, CheckIn) == 0


def test_unknown_keys_are_refused_and_named(client: TestClient, app: FastAPI) -> None:
    flags = {**all_no("short"), "made-up-sign": False}
    response = client.post("/api/checkins/morning", json={**GOOD, "red_flags": flags})
    assert response.status_code == 422
    assert "red_flags.made-up-sign" in response.json()["problems"]
    response = client.post("/api/checkins/morning", json={**GOOD, "sleep": 4, "red_flags": all_no("short")})
    assert response.status_code == 422
    assert "sleep" in response.json()["detail"]
    response = client.post("/api/checkins/sbi", json={"answers": {"leg-pain": 2}, "extra": 1})
    assert response.status_code == 422 and "extra" in response.json()["detail"]
    assert _rows(app, CheckIn) == 0 and _rows(app, Screening) == 0


def test_a_red_flag_still_wins_over_a_bad_pain_score(client: TestClient, app: FastAPI) -> None:
    flags = {**all_no("short"), "bladder-trouble": True}
    response = client.post("/api/checkins/morning", json={**GOOD, "back_pain": "²", "red_flags": flags})
    assert response.status_code == 201
    assert response.json()["red_flag"] is True and response.json()["saved"] is False
    assert _rows(app, SafetyLock) == 1


@pytest.mark.parametrize("value", ["²", "--5", "9" * 5000, "true"])
def test_odd_sbi_answers_are_named(client: TestClient, app: FastAPI, value: str) -> None:
    response = client.post("/checkin/sbi", data={"leg-pain": value}, headers=HTML)
    assert response.status_code == 422
    response = client.post("/api/checkins/sbi", json={"answers": {"leg-pain": value}})
    assert response.status_code == 422
    assert _rows(app, CheckIn) == 0


def test_a_nul_byte_in_a_path_or_a_note_is_a_clear_4xx(
    drive: Driver, client: TestClient, app: FastAPI, screened: int
) -> None:
    for path in ["/session/abc%00def", "/api/sessions/abc%00def", "/history/%00"]:
        assert client.get(path).status_code == 404, path
    response = client.post("/api/sessions/a%00b/progress", json={"completed_index": 0})
    assert response.status_code == 404
    client.post("/api/checkins/morning", json={**GOOD, "red_flags": {**all_no("short"), "both-legs": True}})
    response = client.post("/safety/assessment", data=assessment_form("seen by GP\x00today"), headers=HTML)
    assert response.status_code == 422
    assert "cannot be saved" in response.text
    with app.state.session_factory() as db:
        assert db.scalars(select(SafetyLock.cleared_at)).all() == [None]


def test_session_bodies_are_bounded_and_strict(drive: Driver, client: TestClient, screened: int) -> None:
    session_id = drive.start()
    url = f"/api/sessions/{session_id}"
    for body in [{"completed_index": "1"}, {"completed_index": -1}, {"completed_index": 10**9}, {"index": 0}]:
        assert client.post(f"{url}/progress", json=body).status_code == 422, body
    for body in [{"index": 0, "back": "2", "leg": 1}, {"index": 0, "back": 2, "leg": 1, "mood": "ok"}]:
        assert client.post(f"{url}/check", json=body).status_code == 422, body
    assert drive.state(session_id)["position"] == 0
