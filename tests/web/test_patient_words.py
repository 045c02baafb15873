"""Words for patients (issue 11, part 6): no rule ids or versions on a patient's pages (the clinician's page keeps
them), the weekly SBI result said kindly, and one disclaimer per page. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from helpers import Driver
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.safety import record_screening
from web.clinic_world import clients, make_clinic

HTML = {"accept": "text/html"}
CALM = {"back": 2, "leg": 3, "left_reach": "thigh", "right_reach": "none"}
RULE_ID = re.compile(r"Rule [a-z0-9-]+|version \d|Prescription version")


def spreading_after_the_glide(_exercise: str, when: str) -> dict[str, Any]:
    """Calm before; the leg symptoms reaching further down after: the rules switch the glide to its bent-knee form."""
    return CALM if when == "before" else {**CALM, "left_reach": "below-knee"}


def test_a_patient_sees_a_change_and_its_reason_without_rule_ids(
    drive: Driver, client: TestClient, screened: int
) -> None:
    drive.play_session(check_for=spreading_after_the_glide)
    page = client.get("/plan", headers=HTML).text
    assert "bent knee" in page  # the change and why, in words
    assert not RULE_ID.search(page), RULE_ID.search(page)


def test_the_clinician_page_keeps_rule_ids(clinic_app: FastAPI) -> None:
    clinic = make_clinic(clinic_app)
    assert clinic.patient.patient_id is not None
    with clinic_app.state.session_factory() as db:
        record_screening(db, clinic.patient.patient_id, "full", all_no("full"))
        db.commit()
    with clients(clinic_app, clinic) as made:
        Driver(made["patient"]).play_session(check_for=spreading_after_the_glide)
        patient_page = made["patient"].get("/plan", headers=HTML).text
        clinician_page = made["clinician"].get(f"/clinic/patients/{clinic.patient.patient_id}", headers=HTML).text
    assert not RULE_ID.search(patient_page)
    assert re.search(r"Rule [a-z0-9-]+, version \d", clinician_page)


def test_the_sbi_result_is_a_yardstick_and_progress_is_over_weeks(client: TestClient) -> None:
    high = {"leg-pain": "5", "numbness-tingling": "4", "weakness": "3", "sitting-pain": "4"}  # 16 of 24
    first = client.post("/checkin/sbi", data=high, headers=HTML).text
    assert "16 <span" in first
    assert "above it" not in first  # no distance to a pass mark
    assert "yardstick" in first and "not a pass mark for you" in first and "over the coming weeks" in first
    lower = {**high, "leg-pain": "3"}
    second = client.post("/checkin/sbi", data=lower, headers=HTML).text
    assert "Last time: 16. Lower this week, a step in the right direction." in second
    third = client.post("/checkin/sbi", data=high, headers=HTML).text
    assert "Last time: 14." in third and "the trend over several weeks" in third


# A page's own "Not a clinician" line, or the footer's closing one.
DISCLAIMERS = ('class="not-a-clinician"', "It does not diagnose and does not replace")


def test_one_disclaimer_per_page(client: TestClient, screened: int) -> None:
    for path in ("/", "/checkin", "/checkin/sbi", "/screening", "/safety", "/learn", "/plan", "/history"):
        page = client.get(path, headers=HTML).text
        found = sum(page.count(words) for words in DISCLAIMERS)
        assert found == 1, (path, found)
