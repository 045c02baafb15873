"""Exports and import of one patient's record: the JSON file (lossless), FHIR R4B and CSV, shared by CLI and web.

Each export is one `Store.read()`; the import is one `Store.write(...)`: all of the file or nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.fhir_bundle import build_bundle
from sciatica_coach.domain.record_csv import record_csv_zip
from sciatica_coach.domain.record_file import RecordError, check_record
from sciatica_coach.storage.models import Patient
from sciatica_coach.storage.records import has_record, read_record, write_record
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.errors import Invalid, NotFound

NO_SUCH_PATIENT = "There is no patient with that id."
NOT_EMPTY = "This profile already holds a record: import only into an empty profile (nothing was changed)."


def export_record(store: Store, patient_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The patient's whole record as the JSON file's content (NotFound for an unknown id)."""
    with store.read() as db:
        if db.get(Patient, patient_id) is None:
            raise NotFound(NO_SUCH_PATIENT)
        return read_record(db, patient_id, now)


def import_record(store: Store, data: Any, patient_id: int | None = None) -> int:
    """Import a record file into the empty profile `patient_id`, or a new profile when None; returns its id.

    The file is checked first (`RecordError` names each problem); then one write: nothing is half-imported.
    """
    record = check_record(data)
    try:
        return _write(store, record, patient_id)
    except (IntegrityError, DataError) as exc:
        # Rolled back: a row the file checks let through but the database refuses (e.g. two sessions in progress).
        raise RecordError([f"the database refused a row of the file ({exc.__class__.__name__})"]) from None


def _write(store: Store, record: dict[str, Any], patient_id: int | None) -> int:
    if patient_id is None:
        with store.write() as db:
            patient = Patient(display_name=record["patient"]["display_name"], is_default=False)
            db.add(patient)
            db.flush()
            write_record(db, patient.id, record)
            return patient.id
    with store.write(patient_id) as db:
        if db.get(Patient, patient_id) is None:
            raise NotFound(NO_SUCH_PATIENT)
        if has_record(db, patient_id):
            raise Invalid({"patient": NOT_EMPTY})
        write_record(db, patient_id, record)
        return patient_id


def export_fhir(store: Store, catalog: Catalog, patient_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The patient's record as a FHIR R4B Bundle (JSON-ready)."""
    return build_bundle(export_record(store, patient_id, now), catalog.library)


def export_csv(store: Store, patient_id: int, now: datetime | None = None) -> bytes:
    """The patient's record as a zip file of CSV tables, one per list of the JSON file."""
    return record_csv_zip(export_record(store, patient_id, now))
