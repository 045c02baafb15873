"""Exports and import of one patient's record: the JSON file (lossless), FHIR R4B and CSV, shared by CLI and web.

Each export is one `Store.read()`; the import is one `Store.write(...)`: all of the file or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.fhir_bundle import build_bundle
from sciatica_coach.domain.progress import Progress
from sciatica_coach.domain.record_contents import content_problems
from sciatica_coach.domain.record_csv import record_csv_zip
from sciatica_coach.domain.record_file import RecordError, check_record
from sciatica_coach.storage.models import Patient
from sciatica_coach.storage.progress import load_progress
from sciatica_coach.storage.records import has_record, read_record, session_counts, write_record
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.accounts import Account
from sciatica_coach.usecases.clinic import own_patient
from sciatica_coach.usecases.errors import Invalid, NotFound

NO_SUCH_PATIENT = "There is no patient with that id."
NOT_EMPTY = "This profile already holds a record: import only into an empty profile (nothing was changed)."


def _allowed(db: Session, patient_id: int, who: Account | None) -> str:
    """The patient's name; NotFound for an unknown id or, when a clinician asks, someone else's patient."""
    if who is not None:
        return own_patient(db, who, patient_id)
    patient = db.get(Patient, patient_id)
    if patient is None:
        raise NotFound(NO_SUCH_PATIENT)
    return patient.display_name


def export_record(
    store: Store, patient_id: int, now: datetime | None = None, who: Account | None = None
) -> dict[str, Any]:
    """The patient's whole record as the JSON file's content; `who`: the clinician asking (their patients only)."""
    with store.read() as db:
        _allowed(db, patient_id, who)
        return read_record(db, patient_id, now)


@dataclass(frozen=True)
class Report:
    """What the PDF progress report shows: whose it is, the progress over the period, and the record's counts."""

    name: str
    progress: Progress
    days: int
    sessions_completed: int
    sessions_stopped: int
    checkins: int


def progress_report(
    store: Store, catalog: Catalog, patient_id: int, today: date, days: int, who: Account | None = None
) -> Report:
    """The report's data in one read (a clinician: their own patients only, NotFound otherwise)."""
    with store.read() as db:
        name = _allowed(db, patient_id, who)
        progress = load_progress(db, patient_id, catalog.library, today, days, catalog.rules)
        completed, stopped, checkins = session_counts(db, patient_id)
    return Report(name, progress, days, completed, stopped, checkins)


def import_record(store: Store, library: Library, data: Any, patient_id: int) -> int:
    """Import a record file into the empty profile `patient_id`; returns its id.

    The file is checked first, its shape and then what the app reads back from it (`RecordError` names each
    problem); then one write: nothing is half-imported.
    """
    record = check_record(data)
    problems = content_problems(record, library)
    if problems:
        raise RecordError(problems)
    try:
        with store.write(patient_id) as db:
            if db.get(Patient, patient_id) is None:
                raise NotFound(NO_SUCH_PATIENT)
            if has_record(db, patient_id):
                raise Invalid({"patient": NOT_EMPTY})
            write_record(db, patient_id, record)
            return patient_id
    except (IntegrityError, DataError) as exc:
        # Rolled back: a row the file checks let through but the database refuses (e.g. two sessions in progress).
        raise RecordError([f"the database refused a row of the file ({exc.__class__.__name__})"]) from None


def export_fhir(
    store: Store, catalog: Catalog, patient_id: int, now: datetime | None = None, who: Account | None = None
) -> dict[str, Any]:
    """The patient's record as a FHIR R4B Bundle (JSON-ready)."""
    return build_bundle(export_record(store, patient_id, now, who), catalog.library, catalog.sbi)


def export_csv(store: Store, patient_id: int, now: datetime | None = None, who: Account | None = None) -> bytes:
    """The patient's record as a zip file of CSV tables, one per list of the JSON file."""
    return record_csv_zip(export_record(store, patient_id, now, who))
