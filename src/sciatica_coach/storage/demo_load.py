"""Write a generated demo history into the database, as if the person had used the app day by day."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sciatica_coach.domain.adaptation import AdaptivePlan, RuleBook
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.demo_history import DemoCheck, DemoHistory, DemoMorning, DemoOffer, DemoSbi, DemoSession
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.domain.instruments.sbi import score_sbi
from sciatica_coach.domain.screening import all_no, load_red_flags
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.checkins import record_exercise_check, save_morning_checkin, save_sbi
from sciatica_coach.storage.held import forget
from sciatica_coach.storage.models import MORNING_KIND, SBI_KIND, CheckIn, ExerciseSession, Screening
from sciatica_coach.storage.plans import apply_adaptation, respond_to_offer
from sciatica_coach.storage.safety import latest_screening, record_screening
from sciatica_coach.storage.sessions import create_session

DEMO_SOURCE = "demo"


class DemoError(ValueError):
    """The demo cannot be loaded here (the profile already has data of its own)."""


def has_history(db: Session, patient_id: int) -> bool:
    """Whether the patient already has sessions or check-ins."""
    sessions = select(ExerciseSession.id).where(ExerciseSession.patient_id == patient_id).limit(1)
    checkins = select(CheckIn.id).where(CheckIn.patient_id == patient_id).limit(1)
    return db.scalars(sessions).first() is not None or db.scalars(checkins).first() is not None


def load_demo(db: Session, patient_id: int, history: DemoHistory, library: Library, book: RuleBook) -> int:
    """Save every step in time order, letting the rules run as they would have; returns the number of steps."""
    if has_history(db, patient_id):
        raise DemoError("this profile already has sessions or check-ins; load the demo into an empty database")
    if latest_screening(db, patient_id, "full") is None:
        all_clear = {item.id: False for item in load_red_flags().questions("full")}
        record_screening(db, patient_id, "full", all_clear)
    for step in history.steps:
        if isinstance(step, DemoMorning):
            save_morning_checkin(db, patient_id, step.check, at=step.at)
        elif isinstance(step, DemoSbi):
            save_sbi(db, patient_id, score_sbi(step.answers), at=step.at)
        elif isinstance(step, DemoOffer):
            respond_to_offer(db, patient_id, library, step.rule_id, step.accept, book, at=step.at)
        else:
            _save_session(db, patient_id, step, library)
    apply_adaptation(db, patient_id, library, book)
    return len(history.steps)


def _save_session(db: Session, patient_id: int, session: DemoSession, library: Library) -> None:
    script = build_script(session.prescription, library)
    row = create_session(db, patient_id, session.prescription, script, source=DEMO_SOURCE)
    record = SessionRecord.start(session.prescription)
    for index, check in enumerate(session.checks):
        exercise = record.exercises[index]
        exercise.pain_before = _report(check.before)
        _check_row(db, patient_id, row.id, check, "before")
        if check.stopped_for_pain:
            exercise.stopped_for_pain = True
            continue
        exercise.reps_done = {side: exercise.reps_planned for side in exercise.reps_done}
        exercise.holds_completed = exercise.reps_planned * len(exercise.reps_done) if exercise.hold_seconds else 0
        exercise.pain_after = _report(check.after) if check.after else None
        _check_row(db, patient_id, row.id, check, "after")
    record.status = "completed" if session.status == "completed" else "stopped"
    row.record = record.to_dict()
    row.status = record.status
    row.position = len(script) if record.status == "completed" else 0
    row.started_at = session.started_at
    row.updated_at = row.finished_at = session.finished_at
    db.flush()


def _report(symptoms: SymptomCheck) -> SymptomCheck:
    return SymptomCheck(symptoms.back, symptoms.leg, symptoms.left_reach, symptoms.right_reach)


def _check_row(db: Session, patient_id: int, session_id: str, check: DemoCheck, when: str) -> None:
    symptoms = check.before if when == "before" else check.after
    at = check.before_at if when == "before" else check.after_at
    if symptoms is None or at is None:
        return
    row = record_exercise_check(
        db, patient_id, session_id, check.exercise_id, "before" if when == "before" else "after", _report(symptoms)
    )
    row.created_at = at
    db.flush()


def write_steady_history(db: Session, patient_id: int, library: Library, days: int, today: date | None = None) -> int:
    """`days` days of the same daily routine up to the day before `today`, written in bulk (benches and tests of
    long histories): a morning check-in with its short screening, a weekly SBI, and two completed sessions of the
    starting program with a quick check before and after each exercise. The rules have not read it; returns the
    number of check-ins written."""
    today = today or datetime.now(UTC).date()
    prescription = AdaptivePlan.start(library).prescription
    script = [phase.to_dict() for phase in build_script(prescription, library)]
    record = SessionRecord.start(prescription)
    record.status = "completed"
    record_json, prescription_json = record.to_dict(), prescription.to_dict()
    symptoms = {"back_pain": 3, "leg_pain": 4, "left_reach": "thigh", "right_reach": "none", "answers": {}}
    sbi = {"items": {"leg-pain": 3, "numbness-tingling": 2, "weakness": 1, "sitting-pain": 3}, "threshold": 6.5}
    short = all_no("short")
    checkins: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    screenings: list[dict[str, Any]] = []
    for index in range(days):
        day = today - timedelta(days=days - index)
        morning = datetime.combine(day, time(7, 30), tzinfo=UTC)
        screenings.append(
            {"patient_id": patient_id, "created_at": morning, "form": "short", "answers": short, "red_flag": False}
            | {"emergency": False}
        )
        checkins.append(
            {"patient_id": patient_id, "kind": MORNING_KIND, "created_at": morning, "numbness": False}
            | {"weakness": False}
            | symptoms
        )
        if day.toordinal() % 7 == 0:  # the same weekday whatever the length
            at = morning + timedelta(minutes=5)
            checkins.append({"patient_id": patient_id, "kind": SBI_KIND, "created_at": at, "score": 9, "answers": sbi})
        for hour in (9, 18):
            started = datetime.combine(day, time(hour), tzinfo=UTC)
            finished = started + timedelta(minutes=5 * len(prescription.items))
            session_id = str(uuid.uuid4())
            sessions.append(
                {"id": session_id, "patient_id": patient_id, "started_at": started, "updated_at": finished}
                | {"finished_at": finished, "status": "completed", "source": DEMO_SOURCE, "position": len(script)}
                | {"prescription": prescription_json, "script": script, "record": record_json}
            )
            for number, item in enumerate(prescription.items):
                before = started + timedelta(minutes=5 * number)
                for kind, at in (("pre-exercise", before), ("post-exercise", before + timedelta(minutes=4))):
                    checkins.append(
                        {"patient_id": patient_id, "session_id": session_id, "exercise_id": item.exercise_id}
                        | {"kind": kind, "created_at": at}
                        | symptoms
                    )
    db.execute(insert(Screening), screenings)
    forget(db, patient_id, "screened")
    db.execute(insert(ExerciseSession), sessions)
    db.execute(insert(CheckIn), checkins)
    forget(db, patient_id, "morning", "morning_changes")
    return len(checkins)
