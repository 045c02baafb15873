"""Fixtures for check-in web tests: a patient cleared to exercise, and a driver that plays sessions via the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import record_screening

Check = dict[str, Any]
CheckFor = Callable[[str, str], Check]  # (exercise id, "before"/"after") -> the answers


def short_no() -> dict[str, bool]:
    """Every short-form safety question answered no."""
    return all_no("short")


@pytest.fixture
def screened(app: FastAPI) -> int:
    """The default patient, cleared to exercise by a clean full screening; returns their id."""
    with app.state.session_factory() as db:
        patient = default_patient(db)
        record_screening(db, patient.id, "full", all_no("full"))
        db.commit()
        return patient.id


def play_session(client: TestClient, check_for: CheckFor) -> list[str]:
    """Start a session and play it to the end through the API; returns the exercise ids it held."""
    response = client.post("/sessions", follow_redirects=False)
    assert response.status_code == 303, response.text
    session_id = response.headers["location"].removeprefix("/session/")
    state = client.get(f"/api/sessions/{session_id}").json()
    exercises: list[str] = []
    for phase in state["script"]:
        if phase["kind"] in ("check-before", "check-after"):
            when = "before" if phase["kind"] == "check-before" else "after"
            if when == "before":
                exercises.append(phase["exercise_id"])
            body = {"index": phase["index"], **check_for(phase["exercise_id"], when)}
            response = client.post(f"/api/sessions/{session_id}/check", json=body)
        else:
            response = client.post(f"/api/sessions/{session_id}/progress", json={"completed_index": phase["index"]})
        assert response.status_code == 200, response.text
    assert client.get(f"/api/sessions/{session_id}").json()["status"] == "completed"
    return exercises
