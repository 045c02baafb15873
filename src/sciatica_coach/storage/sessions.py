"""Saving guided sessions as they go, and reading them back for resume and history."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_coach.domain.engine.prescription import Prescription
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.domain.engine.script import Phase
from sciatica_coach.storage.models import ExerciseSession, utcnow


def create_session(
    db: Session, patient_id: int, prescription: Prescription, script: Sequence[Phase], source: str = "web"
) -> ExerciseSession:
    """Start and save a new session for a patient."""
    row = ExerciseSession(
        id=str(uuid.uuid4()),
        patient_id=patient_id,
        source=source,
        prescription=prescription.to_dict(),
        script=[phase.to_dict() for phase in script],
        position=0,
        record=SessionRecord.start(prescription).to_dict(),
    )
    db.add(row)
    db.flush()
    return row


SESSION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def get_session(db: Session, patient_id: int, session_id: str, *, for_update: bool = False) -> ExerciseSession | None:
    """A session, only if it belongs to this patient (an id that is not a session id is simply not found)."""
    if not SESSION_ID.fullmatch(session_id):
        return None
    row = db.get(ExerciseSession, session_id, with_for_update=for_update and db.get_bind().dialect.name != "sqlite")
    if row is None or row.patient_id != patient_id:
        return None
    return row


def active_session(db: Session, patient_id: int) -> ExerciseSession | None:
    """The patient's most recent unfinished session, if any."""
    stmt = (
        select(ExerciseSession)
        .where(ExerciseSession.patient_id == patient_id, ExerciseSession.status == "in_progress")
        .order_by(ExerciseSession.started_at.desc())
        .limit(1)
    )
    return db.scalars(stmt).first()


def save_progress(db: Session, row: ExerciseSession, position: int, record: SessionRecord) -> None:
    """Persist where the session is and what has been done; finishing stamps the end time."""
    row.position = position
    row.record = record.to_dict()
    row.status = record.status
    row.updated_at = utcnow()
    if record.status != "in_progress" and row.finished_at is None:
        row.finished_at = row.updated_at
    db.flush()


def list_sessions(db: Session, patient_id: int, limit: int = 100) -> list[ExerciseSession]:
    """The patient's sessions, newest first."""
    stmt = (
        select(ExerciseSession)
        .where(ExerciseSession.patient_id == patient_id)
        .order_by(ExerciseSession.started_at.desc())
        .limit(limit)
    )
    return list(db.scalars(stmt))
