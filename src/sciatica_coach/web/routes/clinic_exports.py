"""Clinic mode: one patient's downloads for their clinician, linked from `/clinic/patients/{id}`: the PDF report
and the record as JSON, FHIR and a zip of CSV tables (web/downloads.py). Another clinician's patient is 404."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from sciatica_coach.domain.progress import DEFAULT_DAYS
from sciatica_coach.web import downloads
from sciatica_coach.web.auth import ClinicianDep
from sciatica_coach.web.deps import CatalogDep, StoreDep, TemplatesDep
from sciatica_coach.web.routes.exports import Days

router = APIRouter()
BASE = "/clinic/patients/{patient_id}"


@router.get(BASE + "/report.pdf", response_class=Response)
def report(
    patient_id: int,
    who: ClinicianDep,
    store: StoreDep,
    catalog: CatalogDep,
    templates: TemplatesDep,
    days: Days = DEFAULT_DAYS,
) -> Response:
    """The patient's progress report as a PDF."""
    return downloads.pdf_download(store, catalog, templates, patient_id, days, who)


@router.get(BASE + "/export.json", response_class=Response)
def record_json(patient_id: int, who: ClinicianDep, store: StoreDep) -> Response:
    """The patient's whole record as JSON."""
    return downloads.json_download(store, patient_id, who)


@router.get(BASE + "/export.fhir.json", response_class=Response)
def record_fhir(patient_id: int, who: ClinicianDep, store: StoreDep, catalog: CatalogDep) -> Response:
    """The patient's record as a FHIR R4B Bundle."""
    return downloads.fhir_download(store, catalog, patient_id, who)


@router.get(BASE + "/export.csv", response_class=Response)
def record_csv(patient_id: int, who: ClinicianDep, store: StoreDep) -> Response:
    """The patient's record as a zip file of CSV tables."""
    return downloads.csv_download(store, patient_id, who)
