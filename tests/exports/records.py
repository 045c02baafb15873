"""A rich record to export: a few weeks of demo history, a red flag with its lock cleared after an assessment, and
the clinic's rows (a message, a prescription version, an alert, a clinician's decision on a rules' change)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.demo_history import build_demo
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.db import make_engine
from sciatica_coach.storage.demo_load import load_demo
from sciatica_coach.storage.models import (
    Alert,
    AuditEntry,
    Message,
    PlanChange,
    PrescriptionVersion,
    ReminderSetting,
    SafetyLock,
)
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import record_screening
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.checkins import morning_checkin


def make_rich_record(database_url: str, catalog: Catalog, days: int = 14, patient_id: int | None = None) -> int:
    """Fill a profile (the default one unless given) with a whole record of every kind, up to yesterday; returns
    its id."""
    engine = make_engine(database_url)
    try:
        store = Store(engine)
        if patient_id is None:
            with store.write() as db:
                patient_id = default_patient(db).id
        history = build_demo(catalog.library, catalog.rules, datetime.now(UTC).date(), days)
        with store.write(patient_id) as db:
            load_demo(db, patient_id, history, catalog.library, catalog.rules)
            answers = all_no("full") | {"bladder-trouble": True}
            record_screening(db, patient_id, "full", answers, at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
            lock = db.scalars(select(SafetyLock).where(SafetyLock.patient_id == patient_id)).one()
            lock.cleared_at = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
            lock.cleared_by = "clinician"
            lock.clearance_note = "Seen in clinic, no sign of cauda equina."
            lock.assessed_by, lock.assessed_on = "Dr Lee", date(2026, 11, 30)
            change = db.scalars(select(PlanChange).where(PlanChange.patient_id == patient_id).limit(1)).one()
            at = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
            db.add_all(
                [
                    PlanChange(
                        patient_id=patient_id,
                        created_at=at,
                        rule_id="clinician",
                        reason="Kept after review.",
                        before={},
                        after={"action": "clinician-keep", "decides": change.id},
                    ),
                    AuditEntry(
                        patient_id=patient_id,
                        created_at=at,
                        actor="clinician:7",
                        action="prescription-version",
                        detail={"version": 1, "action": "keep", "clinician_id": 7, "decides": change.id},
                    ),
                    PrescriptionVersion(
                        patient_id=patient_id,
                        version=1,
                        clinician_id=None,
                        clinician_name="Dr Lee",
                        action="keep",
                        note="Kept.",
                        prescription={"items": []},
                        created_at=at,
                    ),
                    ReminderSetting(
                        patient_id=patient_id,
                        session_times=["08:30", "18:00"],
                        checkin_time="07:45",
                        timezone="Europe/London",
                        calendar_token_sha256=f"{patient_id:064d}",  # one per patient (unique)
                        updated_at=at,
                    ),
                    Message(
                        patient_id=patient_id,
                        sender_role="clinician",
                        sender_name="Dr Lee",
                        body="How are the glides going?",
                        created_at=at,
                    ),
                    Alert(
                        patient_id=patient_id,
                        alert_id="red-flag",
                        version=1,
                        tier="critical",
                        reason="A warning sign was answered yes.",
                        raised_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
                        acknowledged_by_name="Dr Lee",
                        acknowledged_at=at,
                        note="Called.",
                    ),
                ]
            )
        # Today's morning through the real use case, then corrected: it keeps the rules' state from before it (whose
        # cursor names an earlier check-in by id).
        morning = {"back_pain": 2, "leg_pain": 3, "left_reach": "thigh", "right_reach": "none"}
        morning |= {"numbness": False, "weakness": False}
        now = datetime.now(UTC)
        morning_checkin(store, catalog, patient_id, morning, all_no("short"), strict=True, at=now - timedelta(hours=2))
        morning_checkin(store, catalog, patient_id, morning | {"leg_pain": 2}, all_no("short"), strict=True, at=now)
        return patient_id
    finally:
        engine.dispose()
