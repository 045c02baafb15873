"""Through the app: the short re-screen asked on Start after 24 hours, a "soon" sign's advice, the cautions
(pregnancy, spinal stenosis) changing the program with their reasons, and the safety-net line on every page."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from helpers import screening_form
from sciatica_coach.domain.content import load_library
from sciatica_coach.domain.screening import all_no, load_red_flags
from sciatica_coach.settings import Settings
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.models import ExerciseSession, utcnow
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import RECHECK_REASON, exercise_gate, latest_cautions, record_screening
from sciatica_coach.web.app import create_app

CONTENT = load_red_flags()
LIBRARY = load_library()
HTML = {"accept": "text/html"}
JSON = {"accept": "application/json"}


def screened_hours_ago(app: FastAPI, hours: float) -> int:
    with transaction(app.state.session_factory) as db:
        patient_id = default_patient(db).id
        record_screening(db, patient_id, "full", all_no("full"), at=utcnow() - timedelta(hours=hours))
        return patient_id


def short_form(*yes: str) -> dict[str, str]:
    return {f"rf_{key}": "yes" if key in yes else "no" for key in all_no("short")}


def test_start_asks_the_short_re_screen_when_the_last_is_over_24_hours_old(client: TestClient, app: FastAPI) -> None:
    screened_hours_ago(app, 25)
    today = client.get("/", headers=HTML)
    assert "disabled" not in today.text.split('action="/sessions"', 1)[1].split("</form>", 1)[0], "Start stays open"
    start = client.post("/sessions", headers=HTML, follow_redirects=False)
    assert start.status_code == 303 and start.headers["location"] == "/screening/check"
    api = client.post("/sessions", headers=JSON, follow_redirects=False)
    assert api.status_code == 423 and api.json()["url"] == "/screening/check"
    assert api.json()["detail"] == RECHECK_REASON
    page = client.get("/screening/check", headers=HTML)
    assert page.status_code == 200
    for item in CONTENT.questions("short"):
        assert str(escape(item.asked("short"))) in page.text
    incomplete = client.post("/screening/check", data={"rf_both-legs": "no"}, headers=HTML, follow_redirects=False)
    assert incomplete.status_code == 422 and 'href="#q-saddle-numbness"' in incomplete.text
    done = client.post("/screening/check", data=short_form(), headers=HTML, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/?checked=1"
    started = client.post("/sessions", headers=HTML, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].startswith("/session/")


def test_a_fresh_screening_needs_no_re_screen_and_a_yes_in_the_re_screen_locks(
    client: TestClient, app: FastAPI
) -> None:
    screened_hours_ago(app, 23)
    assert client.post("/sessions", headers=JSON, follow_redirects=False).status_code == 303
    screened_hours_ago(app, 0)  # a new day's re-screen, answered yes
    done = client.post("/screening/check", data=short_form("urine-retention"), headers=HTML, follow_redirects=False)
    assert done.headers["location"] == "/safety"
    page = client.get("/safety", headers=HTML)
    assert CONTENT.messages.emergency.summary in page.text and 'href="tel:999"' in page.text


def test_a_soon_sign_blocks_until_the_advice_is_read_then_exercise_opens(client: TestClient, app: FastAPI) -> None:
    client.post("/screening", data=screening_form("night-pain"), headers=HTML)
    assert client.post("/sessions", headers=JSON).status_code == 423
    page = client.get("/safety", headers=HTML)
    assert CONTENT.messages.soon.title in page.text and "Who assessed you" not in page.text
    assert 'action="/safety/advice"' in page.text
    refused = client.post("/safety/advice", data={}, headers=HTML, follow_redirects=False)
    assert refused.status_code == 422 and "read the advice" in refused.text
    read = client.post("/safety/advice", data={"read": "yes"}, headers=HTML, follow_redirects=False)
    assert read.status_code == 303
    assert client.post("/sessions", headers=JSON, follow_redirects=False).status_code == 303


def test_the_screening_asks_the_cautions_and_a_missing_one_is_named(client: TestClient, app: FastAPI) -> None:
    data = screening_form()
    del data["ca_pregnancy"]
    response = client.post("/screening", data=data, headers=HTML, follow_redirects=False)
    assert response.status_code == 422 and 'href="#q-pregnancy"' in response.text
    with app.state.session_factory() as db:
        assert exercise_gate(db, default_patient(db).id) is not None, "nothing saved"


def _session_exercises(app: FastAPI) -> list[str]:
    with app.state.session_factory() as db:
        row = db.query(ExerciseSession).one()
        return [item["exercise_id"] for item in row.prescription["items"]]


def test_pregnancy_leaves_out_lying_face_down_with_its_reason_everywhere(client: TestClient, app: FastAPI) -> None:
    client.post("/screening", data=screening_form(cautions={"pregnancy": True}), headers=HTML)
    with app.state.session_factory() as db:
        assert latest_cautions(db, default_patient(db).id) == {"pregnancy": True, "spinal-stenosis": False}
    reason = str(escape(LIBRARY.contraindications.caution("pregnancy").reason))
    for path in ("/", "/plan"):
        page = client.get(path, headers=HTML)
        assert reason in page.text and "Prone press-up: Left out." in page.text, path
    started = client.post("/sessions", headers=HTML, follow_redirects=False)
    assert "prone-press-up" not in _session_exercises(app)
    assert _session_exercises(app), "the other exercises stay"
    player = client.get(started.headers["location"], headers=HTML)
    assert reason in player.text


def test_stenosis_marks_prone_press_ups_check_with_your_clinician(client: TestClient, app: FastAPI) -> None:
    client.post("/screening", data=screening_form(cautions={"spinal-stenosis": True}), headers=HTML)
    reason = str(escape(LIBRARY.contraindications.caution("spinal-stenosis").reason))
    page = client.get("/plan", headers=HTML)
    assert "Prone press-up: Check with your clinician." in page.text and reason in page.text
    client.post("/sessions", headers=HTML)
    assert "prone-press-up" in _session_exercises(app)


def test_the_safety_net_on_every_page_lists_every_cauda_equina_sign(client: TestClient) -> None:
    for path in ("/", "/learn", "/checkin", "/safety", "/screening"):
        footer = client.get(path, headers=HTML).text.split('class="site-footer"', 1)[1]
        for sign in CONTENT.safety_net_signs():
            assert str(escape(sign)) in footer, (path, sign)
        for number in ("112", "999", "911"):
            assert f'href="tel:{number}"' in footer


def test_emergency_numbers_follow_the_country_setting(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"country": "US"}))
    try:
        with TestClient(app) as client:
            footer = client.get("/", headers=HTML).text.split('class="site-footer"', 1)[1]
    finally:
        app.state.engine.dispose()
    assert 'href="tel:911"' in footer and "tel:999" not in footer and "tel:112" not in footer
    assert Settings(country="gb").country == "GB"
