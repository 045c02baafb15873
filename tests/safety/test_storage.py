"""Screenings, locks, the exercise gate and clearing locks, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.domain.screening import (
    FORMS,
    FormName,
    MissingAnswers,
    RedFlagItem,
    RedFlags,
    all_no,
    load_red_flags,
)
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.models import AuditEntry, Patient, SafetyLock, Screening
from sciatica_coach.storage.safety import (
    AFTER_ASSESSMENT_REASON,
    FIRST_SCREENING_REASON,
    RECHECK_REASON,
    acknowledge_advice,
    clear_by_clinician,
    exercise_gate,
    latest_cautions,
    latest_screening,
    open_locks,
    record_assessment,
    record_screening,
)

CONTENT = load_red_flags()
Factory = sessionmaker[Session]
DAY = date(2026, 3, 2)
MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def new_patient(db: Session) -> int:
    patient = Patient(display_name="Test")
    db.add(patient)
    db.flush()
    return patient.id


def with_yes(form: FormName, *ids: str) -> dict[str, bool]:
    return {**all_no(form), **dict.fromkeys(ids, True)}


def audits(db: Session, patient_id: int) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.patient_id == patient_id).order_by(AuditEntry.id)))


def test_exercise_waits_for_a_first_full_screening(factory: Factory) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        gate = exercise_gate(db, patient_id)
        assert gate is not None
        assert (gate.reason, gate.url, gate.urgent) == (FIRST_SCREENING_REASON, "/screening", False)
        record_screening(db, patient_id, "short", all_no("short"))
        assert exercise_gate(db, patient_id) == gate, "a short re-screen does not replace the full one"
        result = record_screening(db, patient_id, "full", all_no("full"))
        assert not result.red_flag
        assert exercise_gate(db, patient_id) is None
        assert audits(db, patient_id) == []
        row = latest_screening(db, patient_id)
        assert row is not None and row.form == "full" and not row.red_flag and row.answers == all_no("full")


def test_an_emergency_sign_locks_with_the_emergency_message_and_is_audited_by_id_only(factory: Factory) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", all_no("full"))
        result = record_screening(db, patient_id, "short", with_yes("short", "saddle-numbness", "fever-unwell"))
        assert result.emergency and result.flags == ["saddle-numbness", "fever-unwell"]
        gate = exercise_gate(db, patient_id)
        assert gate is not None
        assert gate.urgent and gate.url == "/safety"
        assert gate.reason == CONTENT.messages.emergency.summary
        [lock] = open_locks(db, patient_id)
        screening = db.get(Screening, lock.screening_id)
        assert screening is not None and screening.red_flag and screening.emergency and screening.form == "short"
        [entry] = audits(db, patient_id)
        assert (entry.actor, entry.action) == ("patient", "red-flag")
        assert entry.detail["flags"] == ["saddle-numbness", "fever-unwell"]
        assert set(entry.detail) == {"flags", "form", "level", "screening_id", "lock_id"}
        assert entry.detail["level"] == "emergency" and lock.level == "emergency"
        assert entry.detail["lock_id"] == lock.id and entry.detail["screening_id"] == screening.id
        assert not any(item.question in str(entry.detail) for item in CONTENT.items), "no free text in the audit"


def test_an_urgent_sign_locks_without_the_emergency_flag(factory: Factory) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", with_yes("full", "cancer-or-weight-loss"))
        gate = exercise_gate(db, patient_id)
        assert gate is not None and not gate.urgent and gate.url == "/safety"
        assert gate.reason == CONTENT.messages.today.summary


def test_an_emergency_lock_outranks_a_newer_urgent_one(factory: Factory) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", with_yes("full", "both-legs"))
        record_screening(db, patient_id, "short", with_yes("short", "fever-unwell"))
        assert len(open_locks(db, patient_id)) == 2
        gate = exercise_gate(db, patient_id)
        assert gate is not None and gate.urgent and gate.reason == CONTENT.messages.emergency.summary


def test_a_clean_screening_does_not_lift_a_lock(factory: Factory) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", with_yes("full", "recent-trauma"))
        record_screening(db, patient_id, "full", all_no("full"))
        record_screening(db, patient_id, "short", all_no("short"))
        gate = exercise_gate(db, patient_id)
        assert gate is not None and gate.url == "/safety"


def test_assessment_clears_locks_then_only_a_fresh_clean_full_screening_opens_the_gate(factory: Factory) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", with_yes("full", "bladder-trouble"))
        record_screening(db, patient_id, "full", all_no("full"))  # clean, but before the assessment
        assert (
            record_assessment(db, patient_id, "Dr Okafor", DAY, "  Seen in the emergency department; scan normal.  ")
            == 1
        )
        lock = db.scalars(select(SafetyLock).where(SafetyLock.patient_id == patient_id)).one()
        assert lock.cleared_at is not None and lock.cleared_by == "self-assessed"
        assert lock.clearance_note == "Seen in the emergency department; scan normal."
        assert (lock.assessed_by, lock.assessed_on) == ("Dr Okafor", DAY)
        gate = exercise_gate(db, patient_id)
        assert gate is not None and (gate.reason, gate.url, gate.urgent) == (
            AFTER_ASSESSMENT_REASON,
            "/screening",
            False,
        )
        record_screening(db, patient_id, "short", all_no("short"))
        assert exercise_gate(db, patient_id) == gate, "only a full screening reopens exercise"
        record_screening(db, patient_id, "full", with_yes("full", "progressive-weakness"))
        relocked = exercise_gate(db, patient_id)
        assert relocked is not None and relocked.url == "/safety"
        assert record_assessment(db, patient_id, "A&E", DAY) == 1
        record_screening(db, patient_id, "full", all_no("full"))
        assert exercise_gate(db, patient_id) is None
        actions = [(entry.actor, entry.action) for entry in audits(db, patient_id)]
        assert actions == [
            ("patient", "red-flag"),
            ("patient", "assessment-recorded"),
            ("patient", "red-flag"),
            ("patient", "assessment-recorded"),
        ]
        assessment = audits(db, patient_id)[1]
        assert assessment.detail == {"locks": [lock.id], "assessed_on": DAY.isoformat()}, "no note or name in the audit"


def test_recording_an_assessment_without_a_lock_changes_nothing(factory: Factory) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", all_no("full"))
        assert record_assessment(db, patient_id, "Dr A", DAY, "nothing to clear") == 0
        assert exercise_gate(db, patient_id) is None
        assert audits(db, patient_id) == []


def test_a_clinician_can_clear_a_lock_and_is_named_in_the_audit(factory: Factory) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", with_yes("full", "sexual-dysfunction"))
        with pytest.raises(ValueError, match="name is required"):
            clear_by_clinician(db, patient_id, "   ", "note")
        assert open_locks(db, patient_id), "a refused clearance clears nothing"
        assert clear_by_clinician(db, patient_id, "Dr Rivera", "MRI reviewed") == 1
        lock = db.scalars(select(SafetyLock).where(SafetyLock.patient_id == patient_id)).one()
        assert lock.cleared_by == "clinician" and lock.clearance_note == "MRI reviewed"
        entry = audits(db, patient_id)[-1]
        assert (entry.actor, entry.action) == ("clinician", "clinician-cleared")
        assert entry.detail == {"locks": [lock.id], "by": "Dr Rivera"}
        gate = exercise_gate(db, patient_id)
        assert gate is not None and gate.reason == AFTER_ASSESSMENT_REASON


def test_an_incomplete_screening_saves_nothing(factory: Factory) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        with pytest.raises(MissingAnswers):
            record_screening(db, patient_id, "full", {"both-legs": True})
        assert latest_screening(db, patient_id) is None
        assert open_locks(db, patient_id) == []


def test_locks_belong_to_one_patient(factory: Factory) -> None:
    with transaction(factory) as db:
        first, second = new_patient(db), new_patient(db)
        record_screening(db, first, "full", with_yes("full", "both-legs"))
        record_screening(db, second, "full", all_no("full"))
        assert exercise_gate(db, second) is None
        assert record_assessment(db, second, "Dr A", DAY) == 0
        assert exercise_gate(db, first) is not None


def test_no_health_details_reach_the_logs(factory: Factory, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", with_yes("full", "saddle-numbness"))
        record_assessment(db, patient_id, "Dr A", DAY, "private note about my bladder")
        exercise_gate(db, patient_id)
    logged = caplog.text.lower()
    assert "saddle" not in logged and "bladder" not in logged and "private note" not in logged


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.sampled_from(FORMS), data=st.data())
def test_any_yes_locks_exercise_whatever_the_other_answers(
    factory: Factory, form: FormName, data: st.DataObject
) -> None:
    ids = [item.id for item in CONTENT.questions(form)]
    values = data.draw(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids)))
    answers = dict(zip(ids, values, strict=True))
    answers[data.draw(st.sampled_from(ids))] = True
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", all_no("full"))  # exercise was open before
        assert exercise_gate(db, patient_id) is None
        result = record_screening(db, patient_id, form, answers)
        gate = exercise_gate(db, patient_id)
        assert gate is not None and gate.url == "/safety"
        assert gate.urgent == result.emergency == any(CONTENT.item(i).emergency for i in ids if answers[i])
        assert gate.kind == ("lock" if result.level in ("emergency", "today") else "advice")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.sampled_from(FORMS))
def test_all_no_never_locks(factory: Factory, red_flags: RedFlags, form: FormName) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", all_no("full"))
        record_screening(db, patient_id, form, all_no(form), red_flags)
        assert exercise_gate(db, patient_id) is None
        assert open_locks(db, patient_id) == []


@pytest.mark.parametrize("item", CONTENT.items, ids=lambda item: item.id)
def test_each_sign_locks_at_its_level(factory: Factory, item: RedFlagItem) -> None:
    """Emergency and today: locked until an assessment (reading advice does not open it); soon: blocked until the
    advice is read, then open without a new screening."""
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", all_no("full"))
        record_screening(db, patient_id, "full", with_yes("full", item.id))
        [lock] = open_locks(db, patient_id)
        assert lock.level == item.level
        gate = exercise_gate(db, patient_id)
        assert gate is not None and gate.url == "/safety" and gate.urgent is item.emergency
        assert gate.reason == getattr(CONTENT.messages, item.level).summary
        if item.level in ("emergency", "today"):
            assert gate.kind == "lock"
            assert acknowledge_advice(db, patient_id) == 0
            assert exercise_gate(db, patient_id) == gate, "reading advice never clears a lock"
            assert record_assessment(db, patient_id, "Dr Osei", DAY) == 1
            after = exercise_gate(db, patient_id)
            assert after is not None and after.reason == AFTER_ASSESSMENT_REASON
        else:
            assert gate.kind == "advice"
            assert acknowledge_advice(db, patient_id) == 1
            assert exercise_gate(db, patient_id) is None
            assert audits(db, patient_id)[-1].action == "advice-read"


def test_the_short_re_screen_is_due_before_a_session_after_24_hours(factory: Factory) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        record_screening(db, patient_id, "full", all_no("full"), at=MORNING)
        assert exercise_gate(db, patient_id, recheck=True, now=MORNING + timedelta(hours=23, minutes=59)) is None
        due = exercise_gate(db, patient_id, recheck=True, now=MORNING + timedelta(hours=24, minutes=1))
        assert due is not None and (due.kind, due.url, due.reason) == ("recheck", "/screening/check", RECHECK_REASON)
        assert exercise_gate(db, patient_id, now=MORNING + timedelta(days=3)) is None, "only before a new session"
        record_screening(db, patient_id, "short", all_no("short"), at=MORNING + timedelta(hours=30))
        assert exercise_gate(db, patient_id, recheck=True, now=MORNING + timedelta(hours=31)) is None
        assert exercise_gate(db, patient_id, recheck=True, now=MORNING + timedelta(hours=55)) is not None
        # Answers to only the nerve-sign questions are not a re-screen.
        opened = [i.id for i in CONTENT.opened_questions(["numbness"])]
        record_screening(
            db, patient_id, "short", dict.fromkeys(opened, False), required=opened, at=MORNING + timedelta(hours=54)
        )
        assert latest_screening(db, patient_id) is not None
        assert exercise_gate(db, patient_id, recheck=True, now=MORNING + timedelta(hours=55)) is not None


def test_cautions_are_saved_with_the_full_screening(factory: Factory) -> None:
    with transaction(factory) as db:
        patient_id = new_patient(db)
        assert latest_cautions(db, patient_id) == {}
        record_screening(db, patient_id, "full", all_no("full"), cautions={"pregnancy": True, "spinal-stenosis": False})
        record_screening(db, patient_id, "short", all_no("short"))
        assert latest_cautions(db, patient_id) == {"pregnancy": True, "spinal-stenosis": False}
        record_screening(db, patient_id, "full", all_no("full"), cautions={"pregnancy": False, "spinal-stenosis": True})
        assert latest_cautions(db, patient_id) == {"pregnancy": False, "spinal-stenosis": True}
