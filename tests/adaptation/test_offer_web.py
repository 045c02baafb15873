"""The straight-leg offer through the web: earned by low-pain bent-knee sessions on 3 different days (saved with
their dates), shown on the plan page, and accepted there (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.domain.checkins import MorningCheck
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.checkins import record_exercise_check, save_morning_checkin
from sciatica_coach.storage.plans import apply_adaptation, current_prescription
from sciatica_coach.storage.sessions import create_session


def _check(db: Session, patient_id: int, library: Library, exercise_id: str, before, after, at: datetime) -> None:  # type: ignore[no-untyped-def]
    prescription = current_prescription(db, patient_id, library)
    session = create_session(db, patient_id, prescription, build_script(prescription, library))
    for when, symptoms in (("before", before), ("after", after)):
        row = record_exercise_check(db, patient_id, session.id, exercise_id, when, symptoms)
        row.created_at = at
    session.status, session.finished_at = "completed", at
    apply_adaptation(db, patient_id, library)


def test_the_offer_is_earned_on_three_days_shown_and_accepted(
    client: TestClient, factory: sessionmaker[Session], screened: int, library: Library
) -> None:
    start = datetime.now(UTC) - timedelta(days=5)
    calm = SymptomCheck(2, 2, "thigh")
    with factory.begin() as db:
        save_morning_checkin(db, screened, MorningCheck(calm, False, False), at=start)
        _check(db, screened, library, "nerve-glide", calm, SymptomCheck(2, 2, "foot"), start + timedelta(hours=2))
        for day in (1, 2, 3):
            at = start + timedelta(days=day)
            save_morning_checkin(db, screened, MorningCheck(calm, False, False), at=at)
            _check(db, screened, library, "nerve-glide-bent-knee", calm, calm, at + timedelta(hours=2))
    page = client.get("/plan").text
    assert "Try the sciatic nerve glide again?" in page
    assert "on 3 different days, with no worse morning in between" in page
    accepted = client.post(
        "/plan/offers/nerve-glide-offer-straight-leg", data={"answer": "accept"}, follow_redirects=False
    )
    assert accepted.status_code == 303
    items = {i["exercise_id"]: i["reps"] for i in client.get("/api/plan").json()["plan"]["items"]}
    assert items["nerve-glide"] == 5 and "nerve-glide-bent-knee" not in items
