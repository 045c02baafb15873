"""The patient's current program. Until adaptation lands, everyone follows the default program."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import Prescription, default_prescription


def current_prescription(db: Session, patient_id: int, library: Library) -> Prescription:
    """What this patient is prescribed today."""
    del db, patient_id  # the adaptive plan (issue 3) reads the patient's plan state here
    return default_prescription(library)
