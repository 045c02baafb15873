"""Patient profiles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_coach.storage.models import Patient


def default_patient(db: Session) -> Patient:
    """The default local profile, created on first use."""
    patient = db.scalars(select(Patient).where(Patient.is_default.is_(True)).order_by(Patient.id).limit(1)).first()
    if patient is None:
        patient = Patient(display_name="Me", is_default=True)
        db.add(patient)
        db.flush()
    return patient
