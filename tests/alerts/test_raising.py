"""Alerts raised when events are saved (on SQLite and PostgreSQL): a red flag at a check-in or a screening, leg pain,
its rise and spreading at a morning or after an exercise, a stop for pain, an escalation of the rules; not twice the
same day while open; the inactivity check; acknowledging (its clinician only, with who, when and a note; kept)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from helpers import Driver, sign_in
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.models import Alert, utcnow
from sciatica_coach.storage.safety import record_screening
from sciatica_coach.usecases.alerts import acknowledge_alert, check_inactivity, view_alert
from sciatica_coach.usecases.checkins import morning_checkin
from sciatica_coach.usecases.errors import AlreadyDone, Invalid, NotFound
from sciatica_coach.usecases.safety import screen
from web.clinic_world import Clinic, make_clinic


def answers(back: int = 2, leg: int = 2, left: str = "thigh", **more: Any) -> dict[str, Any]:
    return {"back_pain": back, "leg_pain": leg, "left_reach": left, "right_reach": "none", "numbness": False,
            "weakness": False, **more}  # fmt: skip


def short(yes: bool = False) -> dict[str, bool]:
    flags = all_no("short")
    if yes:
        flags[next(iter(flags))] = True
    return flags


def alerts(app: FastAPI, patient_id: int) -> list[tuple[str, str, bool]]:
    """(alert id, tier, open) for each of the patient's alerts, oldest first."""
    with app.state.session_factory() as db:
        rows = db.scalars(select(Alert).where(Alert.patient_id == patient_id).order_by(Alert.id))
        return [(row.alert_id, row.tier, row.acknowledged_at is None) for row in rows]


@pytest.fixture
def clinic(clinic_app: FastAPI) -> Clinic:
    made = make_clinic(clinic_app)
    with clinic_app.state.session_factory() as db:
        for account in (made.patient, made.other_patient, made.third_patient):
            assert account.patient_id is not None
            record_screening(db, account.patient_id, "full", all_no("full"))
        db.commit()
    return made


def pid(clinic: Clinic) -> int:
    assert clinic.patient.patient_id is not None
    return clinic.patient.patient_id


def morning(app: FastAPI, patient_id: int, at: datetime, flags: dict[str, bool] | None = None, **given: Any) -> None:
    morning_checkin(
        app.state.store, app.state.catalog, patient_id, answers(**given), flags or short(), strict=True, at=at
    )


def test_a_red_flag_at_a_check_in_is_critical(clinic_app: FastAPI, clinic: Clinic) -> None:
    morning(clinic_app, pid(clinic), utcnow(), short(yes=True))
    assert alerts(clinic_app, pid(clinic)) == [("red-flag", "critical", True)]


def test_a_red_flag_at_a_screening_is_critical(clinic_app: FastAPI, clinic: Clinic) -> None:
    flags = all_no("full")
    flags[next(iter(flags))] = True
    screen(clinic_app.state.store, clinic_app.state.catalog, pid(clinic), "full", flags, strict=True)
    assert alerts(clinic_app, pid(clinic)) == [("red-flag", "critical", True)]
    screen(clinic_app.state.store, clinic_app.state.catalog, pid(clinic), "full", all_no("full"), strict=True)
    assert len(alerts(clinic_app, pid(clinic))) == 1  # a clear screening raises nothing


def test_a_worse_morning_raises_leg_pain_its_rise_spreading_and_new_numbness_once_a_day(
    clinic_app: FastAPI, clinic: Clinic
) -> None:
    today = utcnow().replace(hour=8, minute=0, second=0, microsecond=0)
    morning(clinic_app, pid(clinic), today - timedelta(days=1), leg=3)
    assert alerts(clinic_app, pid(clinic)) == []
    morning(clinic_app, pid(clinic), today, leg=8, left="foot", numbness=True)
    raised = alerts(clinic_app, pid(clinic))
    assert [(a, t) for a, t, _ in raised][:4] == [
        ("leg-pain-high", "high"),
        ("leg-pain-rise", "high"),
        ("spreading", "high"),
        ("new-nerve-signs", "high"),
    ]
    # The same morning corrected (one check-in a day): the open alerts of today are not raised again.
    morning(clinic_app, pid(clinic), today + timedelta(minutes=30), leg=8, left="foot")
    assert alerts(clinic_app, pid(clinic)) == raised


def test_a_check_after_an_exercise_and_a_stop_for_pain_raise_their_alerts(clinic_app: FastAPI, clinic: Clinic) -> None:
    with TestClient(clinic_app) as web:
        sign_in(web, clinic.patient.email)
        drive = Driver(web)
        session_id = drive.start()

        def worse_after(_exercise: str, when: str) -> dict[str, Any]:
            calm = {"back": 2, "leg": 3, "left_reach": "thigh", "right_reach": "none"}
            return calm if when == "before" else {**calm, "leg": 8, "left_reach": "foot"}

        first_after = next(p["index"] for p in drive.state(session_id)["script"] if p["kind"] == "check-between")
        drive.play(session_id, until=first_after + 1, check_for=worse_after)
        raised = alerts(clinic_app, pid(clinic))
        assert {a for a, _, _ in raised} >= {"leg-pain-high", "leg-pain-rise", "spreading"}
        assert all(tier == "high" for _, tier, _ in raised)

    with TestClient(clinic_app) as web:  # Sam stops a session for pain with leg pain 9
        sign_in(web, clinic.other_patient.email)
        session_id = Driver(web).start()
        stop = {"back_pain": 3, "leg_pain": 9, "left_reach": "thigh", "right_reach": "none"}
        answer = web.post(f"/session/{session_id}/stop", data=stop, follow_redirects=False)
        assert answer.status_code == 303, answer.text
    assert clinic.other_patient.patient_id is not None
    assert ("leg-pain-high", "high", True) in alerts(clinic_app, clinic.other_patient.patient_id)


def test_inactivity_is_checked_for_patients_with_a_clinician(clinic_app: FastAPI, clinic: Clinic) -> None:
    store, catalog = clinic_app.state.store, clinic_app.state.catalog
    assert check_inactivity(store, catalog) == 0  # they all joined just now
    assert check_inactivity(store, catalog, utcnow() + timedelta(days=3)) == 3
    assert alerts(clinic_app, pid(clinic)) == [("inactive-2-days", "low", True)]
    assert check_inactivity(store, catalog, utcnow() + timedelta(days=4)) == 0  # once per quiet spell
    assert check_inactivity(store, catalog, utcnow() + timedelta(days=15)) == 3
    assert alerts(clinic_app, pid(clinic))[-1] == ("inactive-14-days", "high", True)


@pytest.fixture
def red(clinic_app: FastAPI, clinic: Clinic) -> Iterator[int]:
    """Pat's critical alert (id 1)."""
    morning(clinic_app, pid(clinic), utcnow(), short(yes=True))
    with clinic_app.state.session_factory() as db:
        [alert_id] = db.scalars(select(Alert.id))
    yield alert_id


def test_only_the_patients_clinician_sees_and_acknowledges_it_and_it_stays(
    clinic_app: FastAPI, clinic: Clinic, red: int
) -> None:
    store = clinic_app.state.store
    for nobody in (clinic.other_clinician, clinic.admin, clinic.patient):
        with pytest.raises(NotFound):
            view_alert(store, nobody, red)
        with pytest.raises(NotFound):
            acknowledge_alert(store, nobody, red)
    with pytest.raises(NotFound):
        view_alert(store, clinic.clinician, red + 100)
    with pytest.raises(Invalid):
        acknowledge_alert(store, clinic.clinician, red, "x" * 2001)
    before = datetime.now(UTC)
    done = acknowledge_alert(store, clinic.clinician, red, "  Phoned her; seen in A&E.  ")
    assert done.acknowledged_by == clinic.clinician.id and done.acknowledged_by_name == "Dr Lee"
    assert done.note == "Phoned her; seen in A&E."
    assert done.acknowledged_at is not None and done.acknowledged_at >= before
    with pytest.raises(AlreadyDone, match="by Dr Lee"):
        acknowledge_alert(store, clinic.clinician, red)
    view = view_alert(store, clinic.clinician, red)
    assert [a.id for a in view.history] == [red] and view.patient_name == "Pat One"
    assert alerts(clinic_app, pid(clinic)) == [("red-flag", "critical", False)]  # kept as history
