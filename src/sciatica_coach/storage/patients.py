"""Patient profiles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sciatica_coach.storage.models import Patient

DEFAULT_NAME = "Me"


def find_default_patient(db: Session) -> Patient | None:
    """The default local profile, if it exists (never creates it: safe inside a read)."""
    return db.scalars(select(Patient).where(Patient.is_default.is_(True)).limit(1)).first()


def default_patient(db: Session) -> Patient:
    """The default local profile, created on first use (a unique index keeps it to one, however many race).

    A write: call it inside a write transaction. If another transaction created the profile first, the insert
    fails on the unique index inside a savepoint and that profile is returned instead.
    """
    patient = find_default_patient(db)
    if patient is not None:
        return patient
    try:
        with db.begin_nested():
            patient = Patient(display_name=DEFAULT_NAME, is_default=True)
            db.add(patient)
            db.flush()
    except IntegrityError:
        patient = find_default_patient(db)
        if patient is None:  # pragma: no cover - the unique index guarantees one exists
            raise
    return patient
