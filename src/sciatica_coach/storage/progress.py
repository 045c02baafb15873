"""Read what the progress views need from storage and hand it to the pure progress builder."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_coach.domain.adaptation import RuleBook, load_rules
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.instruments.sbi import load_sbi
from sciatica_coach.domain.progress import (
    ExerciseCheckPair,
    MorningRecord,
    Progress,
    SbiRecord,
    SessionDay,
    build_progress,
    period,
    planned_sessions_per_day,
)
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.checkins import CheckinRow, checkin_symptoms, checkin_window
from sciatica_coach.storage.models import ExerciseSession, as_utc
from sciatica_coach.storage.plans import current_prescription


def _day(moment: datetime) -> date:
    return as_utc(moment).date()


def load_progress(
    db: Session, patient_id: int, library: Library, today: date, days: int, book: RuleBook | None = None
) -> Progress:
    """The patient's progress over the last `days` days up to `today` (UTC days)."""
    book = book or load_rules()
    first, _ = period(today, days, None)
    since_utc = datetime.combine(first, time.min, tzinfo=UTC)
    # Every query here is bounded by the window (see the indexes in storage/models.py), never by the history.
    rows = checkin_window(db, patient_id, ["morning", "sbi", "pre-exercise", "post-exercise"], since_utc)
    mornings = [
        MorningRecord(_day(r.created_at), s) for r in rows if r.kind == "morning" and (s := checkin_symptoms(r))
    ]
    sbi = [SbiRecord(_day(r.created_at), r.score) for r in rows if r.kind == "sbi" and r.score is not None]
    pairs = _pairs(rows)
    stmt = select(ExerciseSession.started_at, ExerciseSession.status).where(
        ExerciseSession.patient_id == patient_id, ExerciseSession.started_at >= since_utc
    )
    sessions = [SessionDay(_day(started), status) for started, status in db.execute(stmt)]
    prescription = current_prescription(db, patient_id, library)
    names = {exercise_id: exercise.name for exercise_id, exercise in library.exercises.items()}
    in_plan = [item.exercise_id for item in prescription.items]
    order = in_plan + [exercise_id for exercise_id in names if exercise_id not in in_plan]
    return build_progress(
        today=today,
        days=days,
        mornings=mornings,
        sbi=sbi,
        sessions=sessions,
        pairs=pairs,
        planned_per_day=planned_sessions_per_day(prescription, library),
        sbi_threshold=load_sbi().threshold.value,
        names={exercise_id: names[exercise_id] for exercise_id in order},
        thresholds=(book.classification.leg_pain_rise, book.classification.leg_pain_fall),
    )


def _pairs(rows: list[CheckinRow]) -> list[ExerciseCheckPair]:
    """Each quick check after an exercise with the latest check before it in the same session."""
    before: dict[tuple[str | None, str | None], SymptomCheck] = {}
    pairs = []
    for row in rows:
        key = (row.session_id, row.exercise_id)
        symptoms = checkin_symptoms(row)
        if symptoms is None or row.session_id is None or row.exercise_id is None:
            continue
        if row.kind == "pre-exercise":
            before[key] = symptoms
        elif row.kind == "post-exercise" and key in before:
            pairs.append(ExerciseCheckPair(_day(row.created_at), row.exercise_id, before.pop(key), symptoms))
    return pairs
