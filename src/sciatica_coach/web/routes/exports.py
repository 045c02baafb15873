"""Routes: the patient's own downloads, linked from `/progress`: the PDF report and the record as JSON, FHIR and a
zip of CSV tables (web/downloads.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sciatica_coach.domain.progress import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS
from sciatica_coach.web import downloads
from sciatica_coach.web.deps import CatalogDep, PatientId, StoreDep, TemplatesDep

router = APIRouter()
Days = Annotated[int, Query(ge=MIN_DAYS, le=MAX_DAYS, description="How many days of charts the report shows")]


@router.get("/progress/report.pdf", response_class=Response)
def report(
    patient_id: PatientId, store: StoreDep, catalog: CatalogDep, templates: TemplatesDep, days: Days = DEFAULT_DAYS
) -> Response:
    """Your progress report as a PDF."""
    return downloads.pdf_download(store, catalog, templates, patient_id, days, None)


@router.get("/progress/export.json", response_class=Response)
def record_json(patient_id: PatientId, store: StoreDep) -> Response:
    """Your whole record as JSON (another install of the app can import it)."""
    return downloads.json_download(store, patient_id, None)


@router.get("/progress/export.fhir.json", response_class=Response)
def record_fhir(patient_id: PatientId, store: StoreDep, catalog: CatalogDep) -> Response:
    """Your record as a FHIR R4B Bundle."""
    return downloads.fhir_download(store, catalog, patient_id, None)


@router.get("/progress/export.csv", response_class=Response)
def record_csv(patient_id: PatientId, store: StoreDep) -> Response:
    """Your record as a zip file of CSV tables."""
    return downloads.csv_download(store, patient_id, None)
