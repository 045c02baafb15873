"""The clinician's dashboard (on SQLite and PostgreSQL): their own patients only, with last activity, sessions done
of planned over 7 days, latest back and leg pain with the trend, how far down each leg, latest SBI and open red
flags; sorted and filtered by the query string. And the pure row building and arranging behind it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from helpers import sign_in
from sciatica_coach.domain.dashboard import Row, arrange
from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.domain.screening import all_no
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.models import CheckIn
from sciatica_coach.storage.safety import record_screening
from sciatica_coach.storage.sessions import create_session
from web.clinic_world import Clinic, make_clinic

NOW = datetime.now(UTC)


def _morning(patient_id: int, at: datetime, back: int, leg: int, left: str = "none") -> CheckIn:
    return CheckIn(
        patient_id=patient_id,
        kind="morning",
        created_at=at,
        back_pain=back,
        leg_pain=leg,
        left_reach=left,
        right_reach="none",
        numbness=False,
        weakness=False,
        answers={},
    )


@pytest.fixture
def clinic(clinic_app: FastAPI) -> Clinic:
    """Pat: two mornings (leg 3 then 6, reaching the thigh then below the knee), an SBI of 14, one session done today.
    Sam: a red flag (locked), nothing else. Kim (the other clinician's): a morning with leg 9."""
    made = make_clinic(clinic_app)
    pat, sam, kim = (p.patient_id for p in (made.patient, made.other_patient, made.third_patient))
    assert pat and sam and kim
    library = clinic_app.state.catalog.library
    with clinic_app.state.session_factory() as db:
        db.add(_morning(pat, NOW - timedelta(days=1), 2, 3, "thigh"))
        db.add(_morning(pat, NOW - timedelta(minutes=5), 2, 6, "below-knee"))
        db.add(CheckIn(patient_id=pat, kind="sbi", created_at=NOW - timedelta(days=2), score=14, answers={}))
        db.add(_morning(kim, NOW - timedelta(hours=1), 1, 9))
        record_screening(db, pat, "full", all_no("full"))
        prescription = default_prescription(library)
        session = create_session(db, pat, prescription, build_script(prescription, library))
        session.status = "completed"
        yes = dict.fromkeys(all_no("full"), False)
        yes[next(iter(yes))] = True
        record_screening(db, sam, "full", yes)
        db.commit()
    return made


def _rows(html: str) -> list[str]:
    """The names in the table, in order."""
    return re.findall(r'<th scope="row"><a href="/clinic/patients/\d+">([^<]+)</a></th>', html)


def _row(html: str, name: str) -> str:
    start = html.index(f">{name}</a></th>")
    return html[start : html.index("</tr>", start)]


def test_the_dashboard_shows_the_clinicians_own_patients_with_their_figures(
    clinic_app: FastAPI, clinic: Clinic
) -> None:
    with TestClient(clinic_app) as web:
        sign_in(web, clinic.clinician.email)
        page = web.get("/clinic")
    assert page.status_code == 200
    html = page.text
    assert _rows(html) == ["Pat One", "Sam Two"]  # Kim is Dr Kaur's
    assert "Kim" not in html
    pat = _row(html, "Pat One")
    cells = re.findall(r"<td>(.*?)</td>", pat, flags=re.S)
    assert NOW.strftime("%d %b %Y") in cells[0] and "inactive" not in cells[0]
    assert re.fullmatch(r"1 of \d+", cells[1])  # one session done of those planned over 7 days
    assert cells[2].startswith("2 ") and "the same as the check-in before" in cells[2]
    assert cells[3].startswith("6 ") and "higher than the check-in before" in cells[3]
    assert cells[4] == "left: Below the knee; right: No leg symptoms"
    assert cells[5] == "14 / 24"
    assert cells[6] == "none"
    sam = _row(html, "Sam Two")
    assert "1 open (" in sam and "none yet" in sam


def test_the_other_clinician_sees_only_theirs(clinic_app: FastAPI, clinic: Clinic) -> None:
    with TestClient(clinic_app) as web:
        sign_in(web, clinic.other_clinician.email)
        html = web.get("/clinic").text
    assert _rows(html) == ["Kim Three"]
    assert "9 " in _row(html, "Kim Three")


def test_sorting_and_filtering_through_the_query_string(clinic_app: FastAPI, clinic: Clinic) -> None:
    with TestClient(clinic_app) as web:
        sign_in(web, clinic.clinician.email)
        assert _rows(web.get("/clinic?sort=name&order=desc").text) == ["Sam Two", "Pat One"]
        assert _rows(web.get("/clinic?sort=locks&order=desc").text) == ["Sam Two", "Pat One"]
        assert _rows(web.get("/clinic?sort=leg&order=asc").text) == ["Pat One", "Sam Two"]  # no score: last
        assert _rows(web.get("/clinic?sort=leg&order=desc").text) == ["Pat One", "Sam Two"]  # still last
        assert _rows(web.get("/clinic?show=locked").text) == ["Sam Two"]
        assert _rows(web.get("/clinic?show=worse").text) == ["Pat One"]
        assert _rows(web.get("/clinic?show=inactive").text) == ["Sam Two"]
        assert _rows(web.get("/clinic?q=pat").text) == ["Pat One"]
        assert "No patients match these filters" in web.get("/clinic?q=nobody").text
        assert web.get("/clinic?sort=password").status_code == 422
        page = web.get("/clinic?sort=sbi&order=asc").text
    assert 'aria-sort="ascending"' in page  # the sorted column says so to screen readers
    assert 'href="/clinic?sort=sbi&amp;order=desc' in page  # its header link reverses the order


def test_a_clinician_can_make_an_invite_link_that_signs_a_patient_up(clinic_app: FastAPI, clinic: Clinic) -> None:
    with TestClient(clinic_app) as web:
        sign_in(web, clinic.clinician.email)
        page = web.post("/clinic/invites", data={"name": "Alex Four"})
    link = re.search(r'value="http://testserver(/invite/[^"]+)"', page.text)
    assert page.status_code == 200 and link is not None
    with TestClient(clinic_app) as newcomer:
        password = "a long enough password"
        signed = newcomer.post(
            link.group(1),
            data={"email": "alex@example.org", "password": password, "confirm": password},
            follow_redirects=False,
        )
        assert signed.status_code == 303
    with TestClient(clinic_app) as web:
        sign_in(web, clinic.clinician.email)
        assert "Alex Four" in _rows(web.get("/clinic").text)


def _row_of(name: str, **values: object) -> Row:
    base: dict[str, object] = {
        "patient_id": 1,
        "name": name,
        "last_activity": None,
        "done": 0,
        "planned": 0,
        "latest": None,
        "latest_day": None,
        "back_trend": "none",
        "leg_trend": "none",
        "sbi": None,
        "sbi_day": None,
        "locks": (),
    }
    return Row(**{**base, **values})  # type: ignore[arg-type]


def test_arrange_keeps_rows_without_a_value_last_and_ties_in_name_order() -> None:
    today = date(2026, 3, 10)
    rows = [
        _row_of("Cy", sbi=None),
        _row_of("Bo", sbi=10, latest=SymptomCheck(1, 4)),
        _row_of("Al", sbi=10, latest=SymptomCheck(1, 7), leg_trend="up"),
        _row_of("Di", sbi=3, last_activity=datetime(2026, 3, 9, 20, tzinfo=UTC), done=2, planned=4),
    ]
    assert [r.name for r in arrange(rows, today, "sbi", False, "all")] == ["Di", "Al", "Bo", "Cy"]
    assert [r.name for r in arrange(rows, today, "sbi", True, "all")] == ["Al", "Bo", "Di", "Cy"]
    assert [r.name for r in arrange(rows, today, "leg", True, "all")] == ["Al", "Bo", "Cy", "Di"]
    assert [r.name for r in arrange(rows, today, "adherence", True, "all")] == ["Di", "Al", "Bo", "Cy"]
    assert [r.name for r in arrange(rows, today, "name", False, "inactive")] == ["Al", "Bo", "Cy"]  # Di: yesterday
    assert [r.name for r in arrange(rows, today, "name", False, "worse")] == ["Al"]
    assert rows[3].adherence == 0.5 and rows[0].adherence is None
