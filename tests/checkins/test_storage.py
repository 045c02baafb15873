"""Storage of check-ins and the adaptive plan, on SQLite and PostgreSQL (the `database_url` fixture runs both)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.domain.adaptation import OfferError, load_rules
from sciatica_coach.domain.checkins import MorningCheck
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.demo_history import build_demo
from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.domain.instruments.sbi import score_sbi
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.checkins import (
    latest_checkin,
    list_checkins,
    record_exercise_check,
    save_morning_checkin,
    save_sbi,
)
from sciatica_coach.storage.demo_load import DemoError, load_demo
from sciatica_coach.storage.models import AuditEntry, ExerciseSession, PlanState
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.plans import (
    Applied,
    apply_adaptation,
    current_plan,
    current_prescription,
    list_plan_changes,
    respond_to_offer,
)
from sciatica_coach.storage.sessions import create_session, save_progress


def _new_session(db: Session, patient_id: int, library: Library) -> str:
    """A session whose checks the test records; the one before is ended (one session in progress per patient)."""
    for row in db.scalars(select(ExerciseSession).where(ExerciseSession.status == "in_progress")):
        row.status = "completed"
    prescription = current_prescription(db, patient_id, library)
    return create_session(db, patient_id, prescription, build_script(prescription, library)).id


def test_new_patients_follow_the_default_program(factory: sessionmaker[Session], library: Library) -> None:
    with factory.begin() as db:
        patient = default_patient(db)
        assert current_prescription(db, patient.id, library) == default_prescription(library)
        assert db.get(PlanState, patient.id) is None  # reading the plan never creates a row
        assert apply_adaptation(db, patient.id, library).changes == ()


def test_morning_and_sbi_round_trip_in_time_order(factory: sessionmaker[Session]) -> None:
    t0 = datetime(2025, 3, 1, 7, 30, tzinfo=UTC)
    with factory.begin() as db:
        patient_id = default_patient(db).id
        save_morning_checkin(db, patient_id, MorningCheck(SymptomCheck(3, 4, "thigh", "none"), True, False), t0)
        save_morning_checkin(
            db, patient_id, MorningCheck(SymptomCheck(2, 2, "buttock", "none"), False, False), t0 - timedelta(days=1)
        )
        save_sbi(db, patient_id, score_sbi({"leg-pain": 3, "numbness-tingling": 2, "weakness": 1, "sitting-pain": 0}))
    with factory() as db:
        mornings = list_checkins(db, patient_id, ["morning"])
        assert [(m.back_pain, m.leg_pain, m.left_reach, m.numbness) for m in mornings] == [
            (2, 2, "buttock", False),
            (3, 4, "thigh", True),
        ]
        sbi = latest_checkin(db, patient_id, "sbi")
        assert sbi is not None and sbi.score == 6
        assert sbi.answers["items"]["leg-pain"] == 3 and sbi.answers["threshold"] == 6.5
        assert list_checkins(db, patient_id, ["morning"], since=t0 - timedelta(hours=1))[0].leg_pain == 4


def test_a_spreading_glide_changes_the_saved_plan_with_reason_and_audit(
    factory: sessionmaker[Session], library: Library
) -> None:
    with factory.begin() as db:
        patient_id = default_patient(db).id
        session_id = _new_session(db, patient_id, library)
        record_exercise_check(db, patient_id, session_id, "nerve-glide", "before", SymptomCheck(2, 3, "thigh", "none"))
        record_exercise_check(db, patient_id, session_id, "nerve-glide", "after", SymptomCheck(2, 3, "foot", "none"))
        changes = apply_adaptation(db, patient_id, library).changes
        assert [c.rule_id for c in changes] == ["nerve-glide-to-bent-knee"]
        assert apply_adaptation(db, patient_id, library) == Applied()  # nothing is read twice
    with factory() as db:
        assert current_prescription(db, patient_id, library).items[0].exercise_id == "nerve-glide-bent-knee"
        (row,) = list_plan_changes(db, patient_id)
        assert row.rule_id == "nerve-glide-to-bent-knee" and "bent knee" in row.reason
        assert row.before["item"]["exercise_id"] == "nerve-glide"
        assert row.after["item"]["exercise_id"] == "nerve-glide-bent-knee" and row.after["action"] == "switch"
        audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "plan-switch")).one()
        assert audit.actor == "rules" and audit.detail["rule_id"] == "nerve-glide-to-bent-knee"
        assert "reason" not in audit.detail  # symptoms stay out of the audit trail


def test_reading_the_plan_never_runs_the_rules_saving_does(factory: sessionmaker[Session], library: Library) -> None:
    with factory.begin() as db:
        patient_id = default_patient(db).id
        session_id = _new_session(db, patient_id, library)
        record_exercise_check(db, patient_id, session_id, "prone-press-up", "before", SymptomCheck(2, 3, "thigh"))
        record_exercise_check(db, patient_id, session_id, "prone-press-up", "after", SymptomCheck(2, 3, "below-knee"))
    with factory.begin() as db:  # a reader: the plan is as saved, and nothing is written
        ids = [item.exercise_id for item in current_prescription(db, patient_id, library).items]
        assert "prone-press-up" in ids
        assert db.scalars(select(AuditEntry.action)).all() == []
    with factory.begin() as db:  # the write that saves events runs the rules
        apply_adaptation(db, patient_id, library)
    with factory.begin() as db:
        ids = [item.exercise_id for item in current_prescription(db, patient_id, library).items]
        assert "prone-press-up" not in ids
        plan = current_plan(db, patient_id, library)
        assert [r.exercise_id for r in plan.reviews] == ["prone-press-up"]
        actions = set(db.scalars(select(AuditEntry.action)))
        assert {"plan-remove", "clinician-review-flag"} <= actions


def test_a_session_stopped_for_pain_steps_down_at_the_next_morning(
    factory: sessionmaker[Session], library: Library
) -> None:
    with factory.begin() as db:
        patient_id = default_patient(db).id
        prescription = current_prescription(db, patient_id, library)
        row = create_session(db, patient_id, prescription, build_script(prescription, library))
        record = SessionRecord.start(prescription)
        record.exercises[2].stopped_for_pain = True
        record.status = "stopped"
        save_progress(db, row, 3, record)
        morning = MorningCheck(SymptomCheck(2, 2), False, False)
        save_morning_checkin(db, patient_id, morning, at=datetime.now(UTC) + timedelta(seconds=1))
        # The hip hinge starts at its minimum, so it cannot step down: the decision is to hold it there.
        assert apply_adaptation(db, patient_id, library).changes == ()
        assert current_plan(db, patient_id, library).streaks.get("hip-hinge") == 0


def test_offers_are_answered_and_saved(factory: sessionmaker[Session], library: Library) -> None:
    with factory.begin() as db:
        patient_id = default_patient(db).id
        session_id = _new_session(db, patient_id, library)
        record_exercise_check(db, patient_id, session_id, "nerve-glide", "before", SymptomCheck(2, 3, "thigh"))
        record_exercise_check(db, patient_id, session_id, "nerve-glide", "after", SymptomCheck(2, 5, "thigh"))
        calm = MorningCheck(SymptomCheck(2, 3, "thigh"), False, False)
        save_morning_checkin(db, patient_id, calm, at=datetime.now(UTC) + timedelta(hours=12))  # no spread since
        for day in range(1, 4):  # low pain on 3 different days earns the offer
            session_id = _new_session(db, patient_id, library)
            check = SymptomCheck(2, 3, "thigh")
            for when in ("before", "after"):
                row = record_exercise_check(db, patient_id, session_id, "nerve-glide-bent-knee", when, check)
                row.created_at = datetime.now(UTC) + timedelta(days=day)
        apply_adaptation(db, patient_id, library)
        assert [o.to for o in current_plan(db, patient_id, library).offers] == ["nerve-glide"]
        with pytest.raises(OfferError):
            respond_to_offer(db, patient_id, library, "press-up-progress", accept=True)
        later = datetime.now(UTC) + timedelta(days=4)
        change = respond_to_offer(db, patient_id, library, "nerve-glide-offer-straight-leg", accept=True, at=later)
        assert change.action == "accept-offer"
    with factory() as db:
        assert current_prescription(db, patient_id, library).items[0].exercise_id == "nerve-glide"
        assert [c.after["action"] for c in list_plan_changes(db, patient_id)][:2] == ["accept-offer", "offer-switch"]


def test_the_demo_loads_and_storage_reaches_the_generators_plan(
    factory: sessionmaker[Session], library: Library
) -> None:
    book = load_rules()
    history = build_demo(library, book, date.today(), days=14)
    with factory.begin() as db:
        patient_id = default_patient(db).id
        load_demo(db, patient_id, history, library, book)
    with factory.begin() as db:
        assert current_plan(db, patient_id, library) == history.plan
        assert [c.rule_id for c in reversed(list_plan_changes(db, patient_id))] == [c.rule_id for c in history.changes]
        with pytest.raises(DemoError, match="already has"):
            load_demo(db, patient_id, history, library, book)
