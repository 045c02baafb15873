"""The downloads of one patient's record, shared by the patient's routes (`routes/exports.py`) and their
clinician's (`routes/clinic_exports.py`): the PDF report, the JSON record, the FHIR bundle and the CSV zip. `who`
is the clinician asking (their own patients only: another's is a 404), or None for the patient themself."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.accounts import Account
from sciatica_coach.usecases.exports import export_csv, export_fhir, export_record, progress_report
from sciatica_coach.web.report_pdf import report_pdf

FILE_STEM = "sciatica-coach"


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return Response(content, media_type=media_type, headers=headers)


def _stem(patient_id: int, who: Account | None) -> str:
    """The file name's start: a clinician's downloads name the patient's id, so several patients' files differ."""
    return FILE_STEM if who is None else f"{FILE_STEM}-patient-{patient_id}"


def _json(data: Any) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def pdf_download(
    store: Store, catalog: Catalog, templates: Jinja2Templates, patient_id: int, days: int, who: Account | None
) -> Response:
    """The PDF progress report over the last `days` days."""
    today = datetime.now(UTC).date()
    report = progress_report(store, catalog, patient_id, today, days, who)
    return _attachment(
        report_pdf(templates, catalog, report, today), "application/pdf", f"{_stem(patient_id, who)}-report.pdf"
    )


def json_download(store: Store, patient_id: int, who: Account | None) -> Response:
    """The whole record as the JSON file `sciatica-coach import` reads."""
    record = export_record(store, patient_id, who=who)
    return _attachment(_json(record), "application/json", f"{_stem(patient_id, who)}-record.json")


def fhir_download(store: Store, catalog: Catalog, patient_id: int, who: Account | None) -> Response:
    """The record as a FHIR R4B Bundle."""
    bundle = export_fhir(store, catalog, patient_id, who=who)
    return _attachment(_json(bundle), "application/fhir+json", f"{_stem(patient_id, who)}-fhir.json")


def csv_download(store: Store, patient_id: int, who: Account | None) -> Response:
    """The record as a zip file of CSV tables."""
    return _attachment(export_csv(store, patient_id, who=who), "application/zip", f"{_stem(patient_id, who)}-csv.zip")
