"""Helpers for the web tests: set the default patient up to exercise, start a session, play it through the API."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import record_screening


def screen_clean(app: FastAPI) -> int:
    """Record a full screening with every answer 'no' for the default patient; returns their id."""
    with app.state.session_factory() as db:
        patient = default_patient(db)
        record_screening(db, patient.id, "full", all_no("full"))
        db.commit()
        return patient.id


# A complete, calm set of morning check-in answers (JSON), without the safety questions.
MORNING_OK: dict[str, Any] = {
    "back_pain": 2,
    "leg_pain": 3,
    "left_reach": "thigh",
    "right_reach": "none",
    "numbness": False,
    "weakness": False,
}


class Driver:
    """Drives sessions through the HTTP API the way the player does."""

    clean_check: ClassVar[dict[str, Any]] = {"back": 2, "leg": 3, "left_reach": "thigh", "right_reach": "none"}

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def start(self) -> str:
        """Start a session through the form endpoint; returns its id."""
        response = self.client.post("/sessions", follow_redirects=False)
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        assert location.startswith("/session/")
        return location.removeprefix("/session/")

    def state(self, session_id: str) -> dict[str, Any]:
        """The session's state from the API."""
        response = self.client.get(f"/api/sessions/{session_id}")
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def progress(self, session_id: str, index: int) -> tuple[int, dict[str, Any]]:
        """POST /progress; returns status and JSON body."""
        response = self.client.post(f"/api/sessions/{session_id}/progress", json={"completed_index": index})
        return response.status_code, response.json()

    def play(self, session_id: str, until: int | None = None) -> None:
        """Complete phases in order from the saved position up to (not including) `until`, answering checks."""
        data = self.state(session_id)
        stop = data["total"] if until is None else until
        for phase in data["script"][data["position"] : stop]:
            if phase["duration"] is None:
                body = {"index": phase["index"], **self.clean_check}
                response = self.client.post(f"/api/sessions/{session_id}/check", json=body)
            else:
                response = self.client.post(
                    f"/api/sessions/{session_id}/progress", json={"completed_index": phase["index"]}
                )
            assert response.status_code == 200, response.text


@pytest.fixture
def screened(app: FastAPI, client: TestClient) -> int:
    """The default patient, cleared to exercise by a clean screening."""
    return screen_clean(app)


@pytest.fixture
def drive(client: TestClient) -> Driver:
    """A driver for the session API."""
    return Driver(client)
