"""The screening form, the safety page and the short re-screen partial, through the app."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from starlette.datastructures import FormData

from helpers import assessment_form, screening_form
from sciatica_coach.domain.content import load_library
from sciatica_coach.domain.screening import FormName, all_no, load_red_flags
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import Gate, exercise_gate
from sciatica_coach.web.routes.safety import answers_from_form, short_form_context

CONTENT = load_red_flags()
HTML = {"accept": "text/html"}


def posted(form: FormName, *yes: str) -> dict[str, str]:
    if form == "full":
        return screening_form(*yes)
    answers = {**all_no(form), **dict.fromkeys(yes, True)}
    return {f"rf_{key}": "yes" if value else "no" for key, value in answers.items()}


def gate_of(app: FastAPI) -> Gate | None:
    with app.state.session_factory() as db:
        return exercise_gate(db, default_patient(db).id)


def checked(html: str) -> set[str]:
    """`rf_<id>=<value>` for every radio button rendered as checked."""
    pattern = r'<input type="radio" name="(rf_[a-z0-9-]+)" value="(yes|no)" required checked>'
    return {f"{name}={value}" for name, value in re.findall(pattern, html)}


def test_the_full_form_asks_every_question_with_nothing_preselected(client: TestClient) -> None:
    response = client.get("/screening", headers=HTML)
    assert response.status_code == 200
    html = response.text
    for item in CONTENT.questions("full"):
        assert html.count(f'name="rf_{item.id}"') == 2
        assert item.question in html
    cautions = load_library().contraindications.cautions
    assert html.count('type="radio"') == 2 * (len(CONTENT.items) + len(cautions))
    for caution in cautions:
        assert html.count(f'name="ca_{caution.id}"') == 2 and str(escape(caution.question)) in html
    assert "checked" not in html
    assert "Not a clinician." in html and str(escape(CONTENT.not_a_clinician)) in html
    assert str(escape(CONTENT.forms["full"].intro)) in html


def test_missing_answers_are_named_and_given_answers_kept(client: TestClient, app: FastAPI) -> None:
    data = posted("full", "recent-trauma")
    del data["rf_bowel-control"], data["rf_fever-unwell"]
    data["rf_both-legs"] = "maybe"
    response = client.post("/screening", data=data, headers=HTML, follow_redirects=False)
    assert response.status_code == 422
    summary = response.text.split('class="urgent missing-summary"', 1)[1].split("</section>", 1)[0]
    named = re.findall(r'href="#q-([a-z-]+)"', summary)
    assert named == ["bowel-control", "both-legs", "fever-unwell"]
    kept = checked(response.text)
    assert "rf_recent-trauma=yes" in kept and "rf_bladder-trouble=no" in kept
    assert not any(entry.startswith(("rf_bowel-control", "rf_both-legs", "rf_fever-unwell")) for entry in kept)
    assert gate_of(app) is not None


def test_a_clean_full_screening_goes_back_to_today_and_opens_exercise(client: TestClient, app: FastAPI) -> None:
    assert gate_of(app) is not None
    response = client.post("/screening", data=posted("full"), headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert gate_of(app) is None


def test_an_emergency_sign_shows_the_emergency_message_and_locks_sessions(client: TestClient, app: FastAPI) -> None:
    response = client.post("/screening", data=posted("full", "bowel-control"), headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/safety"
    page = client.get("/safety", headers=HTML)
    assert page.status_code == 200
    alert = page.text.split('role="alert"', 1)[1].split("</section>", 1)[0]
    message = CONTENT.messages.emergency
    assert message.title in alert and message.summary in alert
    assert 'href="tel:112"' in alert
    assert "I have been assessed by a clinician" in page.text
    assert CONTENT.item("bowel-control").message in page.text
    start = client.post("/sessions", headers=HTML, follow_redirects=False)
    assert start.status_code == 423
    assert message.summary in start.text
    assert client.post("/sessions", headers={"accept": "application/json"}).status_code == 423


def test_an_urgent_sign_shows_the_urgent_message_without_emergency_calls(client: TestClient, app: FastAPI) -> None:
    client.post("/screening", data=posted("full", "fever-unwell"), headers=HTML)
    page = client.get("/safety", headers=HTML)
    assert CONTENT.messages.today.summary in page.text
    assert CONTENT.messages.emergency.summary not in page.text
    alert = page.text.split('role="alert"', 1)[1].split("</section>", 1)[0]
    assert "tel:" not in alert and "call-list" not in alert
    assert "Who assessed you" in page.text
    gate = gate_of(app)
    assert gate is not None and not gate.urgent


def test_assessment_needs_the_confirmation_then_asks_the_questions_again(client: TestClient, app: FastAPI) -> None:
    client.post("/screening", data=posted("full", "both-legs"), headers=HTML)
    refused = client.post("/safety/assessment", data={"note": "Seen by my GP"}, headers=HTML, follow_redirects=False)
    assert refused.status_code == 422
    assert "Tick the box" in refused.text and "Seen by my GP" in refused.text, "the note typed is kept"
    for missing, problem in (("assessed_by", "who assessed you"), ("assessed_on", "the day you were assessed")):
        data = {**assessment_form("Seen by my GP"), missing: ""}
        refused = client.post("/safety/assessment", data=data, headers=HTML, follow_redirects=False)
        assert refused.status_code == 422 and problem in refused.text
    tomorrow = datetime.now(UTC).date() + timedelta(days=2)
    refused = client.post("/safety/assessment", data=assessment_form(on=tomorrow), headers=HTML)
    assert refused.status_code == 422 and "cannot be in the future" in refused.text
    assert gate_of(app) is not None
    accepted = client.post(
        "/safety/assessment", data=assessment_form("Seen by my GP"), headers=HTML, follow_redirects=False
    )
    assert accepted.status_code == 303 and accepted.headers["location"] == "/screening?after=assessment"
    form = client.get("/screening?after=assessment", headers=HTML)
    assert "Thank you for recording your assessment" in form.text
    assert str(escape(CONTENT.after_assessment_intro)) in form.text
    gate = gate_of(app)
    assert gate is not None and gate.url == "/screening"
    assert client.post("/sessions", headers=HTML, follow_redirects=False).status_code == 423
    client.post("/screening", data=posted("full"), headers=HTML)
    assert gate_of(app) is None


def test_the_safety_page_without_a_lock_points_to_the_screening(client: TestClient) -> None:
    page = client.get("/safety", headers=HTML)
    assert page.status_code == 200
    assert "Answer a few safety questions before your first session" in page.text
    assert 'href="/screening"' in page.text
    for item in CONTENT.items:
        assert item.sign in page.text
    client.post("/screening", data=posted("full"), headers=HTML)
    assert "are not locked" in client.get("/safety", headers=HTML).text


def test_the_short_partial_renders_inside_another_form_and_reads_back(app: FastAPI) -> None:
    templates = app.state.templates
    answers = {"both-legs": True, "bladder-trouble": False}
    html = templates.get_template("safety/_short_form.html").render(
        short_form_context(CONTENT, answers, missing=["saddle-numbness"])
    )
    assert "<form" not in html
    for item in CONTENT.questions("short"):
        assert f'name="rf_{item.id}"' in html
    assert "age of 50" not in html, "the age question is asked once, in the full form"
    assert CONTENT.item("cancer-or-weight-loss").asked("short") in html, "the re-screen's own wording"
    assert checked(html) == {"rf_both-legs=yes", "rf_bladder-trouble=no"}
    assert 'href="#q-saddle-numbness"' in html
    form = FormData([("rf_both-legs", "yes"), ("rf_fever-unwell", "no"), ("rf_bowel-control", "perhaps")])
    assert answers_from_form(form, "short", CONTENT) == {"both-legs": True, "fever-unwell": False}
    full_only = FormData([("rf_age-onset", "yes")])
    assert answers_from_form(full_only, "short", CONTENT) == {}
    assert answers_from_form(full_only, "full", CONTENT) == {"age-onset": True}
