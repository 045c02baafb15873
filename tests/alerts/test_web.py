"""The alert page and JSON (on SQLite and PostgreSQL): the clinician sees the alert with the patient's history and
acknowledges it with a note (kept); the dashboard shows today's advice level and the open alerts (count and worst
tier, linked), sortable and filterable."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from helpers import sign_in
from sciatica_coach.domain.alerts import Raised
from sciatica_coach.storage.alerts import save_alerts
from sciatica_coach.storage.models import utcnow
from web.clinic_world import Clinic, make_clinic


def raise_one(app: FastAPI, patient_id: int | None, alert_id: str) -> int:
    assert patient_id is not None
    kind = app.state.catalog.alerts.kind(alert_id)
    with app.state.store.write(patient_id) as db:
        [row] = save_alerts(db, patient_id, [Raised(kind.id, kind.version, kind.tier, kind.reason, utcnow())])
        return row.id


@pytest.fixture
def clinic(clinic_app: FastAPI) -> Clinic:
    return make_clinic(clinic_app)


def test_the_alert_page_acknowledges_with_a_note_and_keeps_the_history(clinic_app: FastAPI, clinic: Clinic) -> None:
    first = raise_one(clinic_app, clinic.patient.patient_id, "leg-pain-high")
    red = raise_one(clinic_app, clinic.patient.patient_id, "red-flag")
    with TestClient(clinic_app) as web:
        sign_in(web, clinic.clinician.email)
        page = web.get(f"/clinic/alerts/{red}")
        assert page.status_code == 200
        assert "Critical</span> alert about Pat One" in page.text
        assert 'action="/clinic/alerts/2/acknowledge"' in page.text
        assert page.text.count("<strong>open</strong>") == 2  # both of Pat's alerts, newest first
        done = web.post(
            f"/clinic/alerts/{red}/acknowledge", data={"note": "Phoned: going to A&E"}, follow_redirects=False
        )
        assert done.status_code == 303 and done.headers["location"] == f"/clinic/alerts/{red}"
        page = web.get(f"/clinic/alerts/{red}").text
        assert "Acknowledged by Dr Lee" in page and "Phoned: going to A&amp;E" in page
        assert "/acknowledge" not in page and page.count("<strong>open</strong>") == 1
        again = web.post(f"/api/clinic/alerts/{red}/acknowledge", json={})
        assert again.status_code == 409 and "acknowledged already (by Dr Lee)" in again.json()["detail"]
        data = web.get(f"/api/clinic/alerts/{red}").json()
        assert data["alert_id"] == "red-flag" and data["tier"] == "critical" and data["version"] == 1
        assert data["acknowledged"]["by"] == "Dr Lee" and data["acknowledged"]["note"] == "Phoned: going to A&E"
        answer = web.post(f"/api/clinic/alerts/{first}/acknowledge", json={"note": "seen"})
        assert answer.status_code == 200 and answer.json()["acknowledged"]["note"] == "seen"
        too_long = web.post(f"/api/clinic/alerts/{first}/acknowledge", json={"note": "x" * 2001})
        assert too_long.status_code == 422 and "problems" in too_long.json()
        assert web.get("/api/clinic/alerts/99").status_code == 404
    with TestClient(clinic_app) as other:
        sign_in(other, clinic.other_clinician.email)
        assert other.get(f"/clinic/alerts/{red}").status_code == 404
        assert other.get(f"/api/clinic/alerts/{red}").status_code == 404


def _rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/clinic/patients/\d+">([^<]+)</a></th>', html)


def test_the_dashboard_shows_advice_and_open_alerts_sorted_and_filtered(clinic_app: FastAPI, clinic: Clinic) -> None:
    red = raise_one(clinic_app, clinic.other_patient.patient_id, "red-flag")  # Sam
    raise_one(clinic_app, clinic.other_patient.patient_id, "spreading")
    raise_one(clinic_app, clinic.patient.patient_id, "inactive-2-days")  # Pat
    with TestClient(clinic_app) as web:
        sign_in(web, clinic.clinician.email)
        html = web.get("/clinic").text
        sam = html[html.index(f'<a href="/clinic/patients/{clinic.other_patient.patient_id}">Sam Two</a>') :]
        sam = sam[: sam.index("</tr>")]
        assert f'href="/clinic/alerts/{red}"' in sam and "Critical</span> 2 open" in sam
        assert 'class="advice advice-continue">Carry on' in sam
        assert "Low</span> 1 open" in html
        assert _rows(web.get("/clinic?sort=alerts&order=desc").text) == ["Sam Two", "Pat One"]
        assert _rows(web.get("/clinic?sort=alerts&order=asc").text) == ["Pat One", "Sam Two"]
        assert _rows(web.get("/clinic?show=alerts").text) == ["Pat One", "Sam Two"]
        assert _rows(web.get("/clinic?show=critical").text) == ["Sam Two"]
        assert _rows(web.get("/clinic?sort=advice&order=desc").text) == ["Pat One", "Sam Two"]  # equal: by name
        web.post(f"/api/clinic/alerts/{red}/acknowledge", json={})
        assert _rows(web.get("/clinic?show=critical").text) == []
