"""Clinic mode, the clinician's page of one patient and the messages between them (on SQLite and PostgreSQL):
everything the patient recorded is there (charts, sessions with the camera's count beside the reported reps,
check-ins, plan changes with reasons and rule ids, red flags with assessments); another clinician's patient is 404
whatever the id; messages go both ways with unread counts on each side, and only a POST marks them read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.models import AuditEntry, CheckIn, Message, SafetyLock
from sciatica_coach.storage.safety import record_screening
from sciatica_coach.storage.sessions import create_session
from sciatica_coach.usecases.messages import MESSAGE_MAX_CHARS
from web.clinic_world import Clinic, clients, make_clinic

NOW = datetime.now(UTC)
World = tuple[Clinic, dict[str, TestClient]]


@pytest.fixture
def world(clinic_app: FastAPI) -> Iterator[World]:
    """Pat (Dr Lee's): a morning check-in, a session with the camera on, a red flag locked at "today"."""
    clinic = make_clinic(clinic_app)
    pat = clinic.patient.patient_id
    assert pat is not None
    library = clinic_app.state.catalog.library
    with clinic_app.state.session_factory() as db:
        db.add(
            CheckIn(
                patient_id=pat,
                kind="morning",
                created_at=NOW - timedelta(hours=2),
                back_pain=2,
                leg_pain=4,
                left_reach="thigh",
                right_reach="none",
                numbness=False,
                weakness=True,
                answers={},
            )
        )
        prescription = default_prescription(library)
        session = create_session(db, pat, prescription, build_script(prescription, library))
        record = dict(session.record)
        first = dict(record["exercises"][0])
        first["reps_done"] = {"left": 5, "right": 5}
        first["camera"] = {"rep_count": 7, "reps_by_side": {"left": 4, "right": 3}, "holds": [], "faults": {}}
        record["exercises"] = [first, *record["exercises"][1:]]
        session.record = record
        session.status = "completed"
        yes = all_no("full")
        yes[next(iter(yes))] = True
        record_screening(db, pat, "full", yes)
        db.commit()
    with clients(clinic_app, clinic) as made:
        yield clinic, made


def _page(made: dict[str, TestClient], role: str, patient_id: int | None) -> str:
    answer = made[role].get(f"/clinic/patients/{patient_id}")
    assert answer.status_code == 200, answer.text
    return answer.text


def test_the_clinician_sees_everything_their_patient_recorded(world: World) -> None:
    clinic, made = world
    html = _page(made, "clinician", clinic.patient.patient_id)
    assert "Pat One" in html and "pat@example.org" in html
    assert "Camera counted</strong> 7 reps (left 4, right 3)" in html  # beside the reported reps
    assert "<dt>Reps</dt>" in html
    assert "Morning check-ins" in html and "<td>4</td>" in html and "<td>yes</td>" in html  # new weakness
    assert "Red flags and assessments" in html and "open" in html
    assert 'action="/clinic/patients/' in html and "Record the assessment" in html
    assert "Back and leg pain" in html and "<svg" in html  # the patient's own charts
    assert "Edit the prescription" in html


def test_the_dashboard_links_each_name_to_the_patients_page(world: World) -> None:
    clinic, made = world
    html = made["clinician"].get("/clinic").text
    assert f'<a href="/clinic/patients/{clinic.patient.patient_id}">Pat One</a>' in html
    assert f"/clinic/patients/{clinic.third_patient.patient_id}" not in html


def test_another_clinicians_patient_is_not_found_whatever_is_asked(clinic_app: FastAPI, world: World) -> None:
    clinic, made = world
    kaur = made["other_clinician"]
    pat = clinic.patient.patient_id
    for path in (f"/clinic/patients/{pat}", f"/clinic/patients/{pat}/prescription", "/clinic/patients/99999"):
        assert kaur.get(path).status_code == 404, path
    today = date.today().isoformat()
    posts = {
        f"/clinic/patients/{pat}/messages": {"body": "Hello from Dr Kaur"},
        f"/clinic/patients/{pat}/messages/read": {},
        f"/clinic/patients/{pat}/assessment": {"confirm": "yes", "assessed_on": today},
    }
    for path, data in posts.items():
        assert kaur.post(path, data=data, follow_redirects=False).status_code == 404, path
    with clinic_app.state.session_factory() as db:
        assert db.scalar(select(func.count(Message.id))) == 0
        assert db.scalar(select(func.count(SafetyLock.id)).where(SafetyLock.cleared_at.is_(None))) == 1
    # and a patient (even Pat herself) never reaches a clinician's page
    assert made["patient"].get(f"/clinic/patients/{pat}").status_code == 403


def test_the_clinician_records_the_assessment_that_clears_the_lock(clinic_app: FastAPI, world: World) -> None:
    clinic, made = world
    pat = clinic.patient.patient_id
    path = f"/clinic/patients/{pat}/assessment"
    missing = made["clinician"].post(path, data={"assessed_on": date.today().isoformat()})
    assert missing.status_code == 422 and "Tick the box" in missing.text
    future = (date.today() + timedelta(days=2)).isoformat()
    assert made["clinician"].post(path, data={"confirm": "yes", "assessed_on": future}).status_code == 422
    done = made["clinician"].post(
        path, data={"confirm": "yes", "assessed_on": date.today().isoformat(), "note": "Reflexes normal."}
    )
    assert done.status_code == 200  # followed back to the page
    with clinic_app.state.session_factory() as db:
        lock = db.scalars(select(SafetyLock).where(SafetyLock.patient_id == pat)).one()
        assert lock.cleared_by == "clinician" and lock.assessed_by == "Dr Lee"
        assert lock.clearance_note == "Reflexes normal."
        audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "assessment-recorded")).one()
        assert audit.actor == "clinician" and "Reflexes" not in str(audit.detail)
    assert "Assessed by Dr Lee" in done.text and "assessment recorded by a clinician" in done.text
    # the patient is asked the full safety questions again before the next session
    assert made["patient"].get("/safety").status_code == 200


def _badge(html: str) -> str | None:
    found = re.search(r'<span class="badge">(\d+)<span class="visually-hidden"> unread', html)
    return found.group(1) if found else None


def test_messages_go_both_ways_with_unread_counts_and_only_a_post_marks_them_read(
    clinic_app: FastAPI, world: World
) -> None:
    clinic, made = world
    pat = clinic.patient.patient_id
    patient, lee = made["patient"], made["clinician"]
    assert _badge(patient.get("/messages").text) is None
    sent = patient.post("/messages", data={"body": "The glide <b>hurts</b> a little.\nIs that OK?"})
    assert sent.status_code == 200 and "Is that OK?" in sent.text
    assert "&lt;b&gt;hurts&lt;/b&gt;" in sent.text  # plain text: never read as markup
    # the clinician's side: the dashboard column and the nav badge count it; opening the page changes nothing
    dashboard = lee.get("/clinic").text
    assert f'href="/clinic/patients/{pat}#messages"><span class="badge">1</span> unread' in dashboard
    assert _badge(dashboard) == "1"
    for _ in range(2):
        page = _page(made, "clinician", pat)
        assert "(1 unread)" in page and "Mark as read" in page
    # replying marks the patient's message read, and counts on the patient's side
    lee.post(f"/clinic/patients/{pat}/messages", data={"body": "That is fine if it settles. Keep it small."})
    page = _page(made, "clinician", pat)
    assert "(1 unread)" not in page and "Keep it small." in page
    assert '#messages"><span class="badge">' not in lee.get("/clinic").text
    html = patient.get("/messages").text
    assert _badge(html) == "1" and "Dr Lee" in html and "Keep it small." in html
    assert _badge(patient.get("/").text) == "1"  # the nav badge on every page
    assert _badge(patient.get("/messages").text) == "1"  # still unread: a read never writes
    patient.post("/messages/read")
    assert _badge(patient.get("/messages").text) is None
    # the other patient and the other clinician see none of it
    assert "Keep it small." not in made["other_patient"].get("/messages").text
    with clinic_app.state.session_factory() as db:
        rows = db.scalars(select(Message).order_by(Message.id)).all()
        assert [(m.sender_role, m.sender_name, m.read_at is not None) for m in rows] == [
            ("patient", "Pat One", True),
            ("clinician", "Dr Lee", True),
        ]


def test_a_message_must_be_plain_text_of_a_bounded_length(world: World) -> None:
    clinic, made = world
    pat = clinic.patient.patient_id
    empty = made["patient"].post("/messages", data={"body": "   "})
    assert empty.status_code == 422 and "Please write a message first." in empty.text
    long = made["patient"].post("/messages", data={"body": "x" * (MESSAGE_MAX_CHARS + 1)})
    assert long.status_code == 422 and f"{MESSAGE_MAX_CHARS} characters or fewer" in long.text
    nul = made["clinician"].post(f"/clinic/patients/{pat}/messages", data={"body": "a\x00b"})
    assert nul.status_code == 422 and "cannot be saved" in nul.text
    assert "No messages yet." in made["patient"].get("/messages").text
