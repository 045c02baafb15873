"""Who is using the app: the default local profile (accounts arrive with clinic mode)."""

from __future__ import annotations

from sciatica_coach.storage.patients import default_patient, find_default_patient
from sciatica_coach.storage.unit_of_work import Store


def local_patient_id(store: Store) -> int:
    """The default local profile's id; created once, in its own write, the first time anything asks."""
    with store.read() as db:
        patient = find_default_patient(db)
        if patient is not None:
            return patient.id
    with store.write() as db:
        return default_patient(db).id
