"""Every session belongs to its patient: someone else's session id answers 404 and is left unchanged.
Exercise is gated until a clean screening, and locked by a red flag: starting or resuming answers 423."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from helpers import Driver
from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.domain.screening import all_no, load_red_flags
from sciatica_coach.storage.models import CheckIn, ExerciseSession, Patient
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import record_screening
from sciatica_coach.storage.sessions import create_session

CHECK = {"index": 0, "back": 1, "leg": 1, "left_reach": "none", "right_reach": "none"}
ACCESS = [
    ("GET", "/session/{id}", None),
    ("GET", "/session/{id}/summary", None),
    ("GET", "/history/{id}", None),
    ("GET", "/api/sessions/{id}", None),
    ("POST", "/api/sessions/{id}/progress", {"completed_index": 0}),
    ("POST", "/api/sessions/{id}/check", CHECK),
    ("POST", "/api/sessions/{id}/skip", None),
    ("POST", "/api/sessions/{id}/stop", None),
]


def _someone_elses_session(app: FastAPI) -> tuple[str, dict[str, Any]]:
    with app.state.session_factory() as db:
        default_patient(db)  # the person using the app exists too
        other = Patient(display_name="Someone else", is_default=False)
        db.add(other)
        db.flush()
        record_screening(db, other.id, "full", all_no("full"))
        prescription = default_prescription(app.state.catalog.library)
        row = create_session(db, other.id, prescription, build_script(prescription, app.state.catalog.library))
        db.commit()
        return row.id, dict(row.record)


@pytest.mark.parametrize(("method", "path", "body"), ACCESS, ids=[f"{m} {p}" for m, p, _ in ACCESS])
def test_another_patients_session_is_not_found(
    client: TestClient, app: FastAPI, screened: int, method: str, path: str, body: dict[str, Any] | None
) -> None:
    session_id, record = _someone_elses_session(app)
    response = client.request(method, path.format(id=session_id), json=body, headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "no session with that id" in response.text
    with app.state.session_factory() as db:
        row = db.get(ExerciseSession, session_id)
        assert row is not None
        assert (row.position, row.status, row.record) == (0, "in_progress", record)
        assert db.query(CheckIn).count() == 0


def test_history_lists_only_your_own_sessions(client: TestClient, app: FastAPI, drive: Driver, screened: int) -> None:
    theirs, _ = _someone_elses_session(app)
    mine = drive.start()
    text = client.get("/history").text
    assert mine in text
    assert theirs not in text


def test_start_before_the_first_screening_is_423_with_the_reason(client: TestClient) -> None:
    response = client.post("/sessions", follow_redirects=False)
    assert response.status_code == 423
    assert response.json() == {
        "detail": "Answer a few safety questions before your first session",
        "url": "/screening",
        "urgent": False,
    }
    page = client.post("/sessions", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 423
    assert "Answer a few safety questions before your first session" in page.text
    assert 'href="/screening"' in page.text
    with client.app.state.session_factory() as db:  # type: ignore[attr-defined]
        assert db.query(ExerciseSession).count() == 0


def test_a_red_flag_locks_the_session_in_progress(
    client: TestClient, app: FastAPI, drive: Driver, screened: int
) -> None:
    session_id = drive.start()
    drive.play(session_id, until=3)
    flags = load_red_flags()
    emergency = next(item for item in flags.questions("full") if item.level == "emergency")
    with app.state.session_factory() as db:
        record_screening(db, screened, "full", {**all_no("full"), emergency.id: True})
        db.commit()
    today = client.get("/", headers={"accept": "text/html"}).text
    # The home page shows only the safety message and the call buttons: no way back into the session from there.
    assert 'id="safety-first" class="urgent' in today
    assert f'href="/session/{session_id}"' not in today and "Resume session" not in today
    for method, path, body in ACCESS[:1] + ACCESS[3:7]:  # the player page and every API call but stop
        response = client.request(method, path.format(id=session_id), json=body, follow_redirects=False)
        assert response.status_code == 423, path
        assert response.json()["urgent"] is True
        assert response.json()["url"] == "/safety"
    page = client.get(f"/session/{session_id}", headers={"accept": "text/html"})
    assert page.status_code == 423 and 'href="/safety"' in page.text
    assert client.post("/sessions", follow_redirects=False).status_code == 423
    # Stopping because it hurts is always allowed, and nothing done so far was lost.
    stop = client.post(f"/api/sessions/{session_id}/stop")
    assert stop.status_code == 200
    assert stop.json()["position"] == 3
    assert stop.json()["record"]["exercises"][0]["pain_before"]["back"] == 2
