"""The downloads on the web: the PDF report read back as text (pypdf), the JSON, FHIR and CSV files, for the patient
on `/progress` and for their clinician; another clinician's patient is 404 and a patient only ever gets their own
record (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from exports.records import make_rich_record
from helpers import CLINIC_SECRET, fresh_database
from sciatica_coach.cli.main import app as cli_app
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.fhir_check import check_bundle
from sciatica_coach.usecases.exports import progress_report
from sciatica_coach.web.report_pdf import report_html
from web.clinic_world import Clinic, clients, make_clinic

DOWNLOADS = ("report.pdf", "export.json", "export.fhir.json", "export.csv")
TYPES = {
    "report.pdf": "application/pdf",
    "export.json": "application/json",
    "export.fhir.json": "application/fhir+json",
    "export.csv": "application/zip",
}


def _cli(database_url: str, *args: str, env: dict[str, str] | None = None) -> Result:
    environment = {"DATABASE_URL": database_url, "COLUMNS": "200", "SCIATICA_MODE": "local", **(env or {})}
    return CliRunner().invoke(cli_app, list(args), env=environment)


def _empty(database_url: str, tmp_path: Path) -> AbstractContextManager[str]:
    folder = tmp_path / "other"
    folder.mkdir(exist_ok=True)
    return fresh_database("sqlite" if database_url.startswith("sqlite") else "postgres", folder)


def _text(pdf: bytes) -> str:
    """The PDF's words, whitespace collapsed."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_progress_page_links_every_download(client: TestClient) -> None:
    page = client.get("/progress").text
    for name in DOWNLOADS:
        assert f'href="/progress/{name}' in page


def test_the_pdf_report_says_the_numbers(client: TestClient, database_url: str, catalog: Catalog) -> None:
    make_rich_record(database_url, catalog)
    answer = client.get("/progress/report.pdf?days=28")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    text = _text(answer.content)
    progress = client.get("/api/progress?days=28").json()
    record = client.get("/progress/export.json").json()
    completed = sum(s["status"] == "completed" for s in record["sessions"])
    latest = progress["mornings"][-1]["symptoms"]
    assert "Progress report: Me" in text
    assert "self-management support. It does not replace a clinician" in text
    assert f"Sessions completed, all time: {completed};" in text
    assert f"Check-ins, all time: {len(record['checkins'])}." in text
    assert f"Latest morning: back pain {latest['back']} of 10, leg pain {latest['leg']} of 10." in text
    assert f"Latest SBI: {progress['sbi'][-1]['total']} of 24." in text
    done = sum(a["completed"] for a in progress["adherence"])
    planned = sum(a["planned"] for a in progress["adherence"])
    assert f"Sessions done in this period: {done} of {planned} planned." in text
    # The charts' tables: every morning's pain and every SBI, as on the progress page.
    assert "Back and leg pain each morning, newest first" in text and "Weekly SBI scores, newest first" in text
    mornings = re.findall(r"Day Back Leg Since the day before (.*?) How far down the leg", text)[0]
    for morning in progress["mornings"]:
        assert f" {morning['symptoms']['back']} {morning['symptoms']['leg']}" in f" {mornings}"
    assert "hamstring" not in text.lower()


def test_each_download_is_the_patients_record(client: TestClient, database_url: str, catalog: Catalog) -> None:
    make_rich_record(database_url, catalog)
    for name in DOWNLOADS:
        answer = client.get(f"/progress/{name}")
        assert answer.status_code == 200, name
        assert answer.headers["content-type"].startswith(TYPES[name])
        assert answer.headers["content-disposition"].startswith("attachment;")
        assert answer.headers["cache-control"] == "no-store"
    record = client.get("/progress/export.json").json()
    assert check_bundle(client.get("/progress/export.fhir.json").json()) == []
    tables = zipfile.ZipFile(io.BytesIO(client.get("/progress/export.csv").content))
    checkins = tables.read("checkins.csv").decode().splitlines()
    assert checkins[0].startswith("ref,session,kind,exercise_id,created_at,back_pain,leg_pain")
    assert len(checkins) == 1 + len(record["checkins"])
    assert {"patient.csv", "sessions.csv", "plan_changes.csv", "messages.csv"} <= set(tables.namelist())


def test_a_bad_days_value_is_refused_naming_it(client: TestClient) -> None:
    answer = client.get("/progress/report.pdf?days=5000", headers={"accept": "application/json"})
    assert answer.status_code == 422 and "days" in answer.text


@pytest.fixture
def clinic(clinic_app: FastAPI, database_url: str) -> Iterator[tuple[Clinic, dict[str, TestClient]]]:
    made = make_clinic(clinic_app)
    catalog = clinic_app.state.catalog
    make_rich_record(database_url, catalog, patient_id=made.patient.patient_id)
    make_rich_record(database_url, catalog, days=7, patient_id=made.other_patient.patient_id)
    with clients(clinic_app, made) as signed_in:
        yield made, signed_in


def _record(client: TestClient, path: str) -> dict[str, Any]:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = json.loads(answer.content)
    return data


def test_the_clinician_downloads_their_patients_record(clinic: tuple[Clinic, dict[str, TestClient]]) -> None:
    world, made = clinic
    base = f"/clinic/patients/{world.patient.patient_id}"
    page = made["clinician"].get(base).text
    for name in DOWNLOADS:
        assert f'href="{base}/{name}' in page
    named = made["clinician"].get(f"{base}/export.csv").headers["content-disposition"]
    assert named == f'attachment; filename="sciatica-coach-patient-{world.patient.patient_id}-csv.zip"'
    theirs = _record(made["clinician"], f"{base}/export.json")
    own = _record(made["patient"], "/progress/export.json")
    assert theirs["patient"]["display_name"] == own["patient"]["display_name"] == "Pat One"
    assert {k: v for k, v in theirs.items() if k != "exported_at"} == {
        k: v for k, v in own.items() if k != "exported_at"
    }
    text = _text(made["clinician"].get(f"{base}/report.pdf").content)
    assert "Progress report: Pat One" in text and "does not replace a clinician" in text
    assert check_bundle(_record(made["clinician"], f"{base}/export.fhir.json")) == []


def test_no_one_reads_another_patients_record_through_exports(clinic: tuple[Clinic, dict[str, TestClient]]) -> None:
    world, made = clinic
    base = f"/clinic/patients/{world.patient.patient_id}"
    for name in DOWNLOADS:
        # Another clinician's patient, and a made-up id: the same 404.
        assert made["other_clinician"].get(f"{base}/{name}").status_code == 404
        assert made["clinician"].get(f"/clinic/patients/999999/{name}").status_code == 404
        assert made["patient"].get(f"{base}/{name}").status_code == 403
        assert made["admin"].get(f"{base}/{name}").status_code == 403
        anonymous = made["anonymous"].get(f"/progress/{name}", follow_redirects=False)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/signin")
    # Each patient's own download is theirs alone: Sam's 7 days are not in Pat's file, nor Pat's in Sam's.
    pat = _record(made["patient"], "/progress/export.json")
    sam = _record(made["other_patient"], "/progress/export.json")
    assert pat["patient"]["display_name"] == "Pat One" and sam["patient"]["display_name"] == "Sam Two"
    assert len(sam["checkins"]) < len(pat["checkins"])
    assert "Sam Two" not in json.dumps(pat) and "Pat One" not in json.dumps(sam)
    assert "Pat One" not in _text(made["other_patient"].get("/progress/report.pdf").content)


def test_the_report_charts_carry_the_pages_colours(app: FastAPI, database_url: str, catalog: Catalog) -> None:
    """WeasyPrint draws an inline SVG with its own styles only: each chart carries app.css's chart rules, in the light
    scheme's colours."""
    patient_id = make_rich_record(database_url, catalog)
    today = datetime.now(UTC).date()
    report = progress_report(app.state.store, catalog, patient_id, today, 28)
    html = report_html(app.state.templates, catalog, report, today)
    charts = re.findall(r'<svg class="chart".*?</svg>', html, re.DOTALL)
    assert len(charts) == 4
    for chart in charts:
        assert "<style>svg.chart text" in chart and "svg.chart .series-leg { stroke: #cf222e; }" in chart
        assert "var(" not in chart and "#ff7b72" not in chart  # paper is light: not the dark scheme


def test_a_personal_record_brought_to_the_clinic(
    clinic_app: FastAPI, database_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    """Exported from the personal app, imported into the empty profile of a patient who just signed up: their
    clinician then sees the history, and the other clinician still cannot."""
    with _empty(database_url, tmp_path) as personal:
        make_rich_record(personal, catalog)
        out = tmp_path / "mine.json"
        assert _cli(personal, "export", "-o", str(out)).exit_code == 0
    world = make_clinic(clinic_app)
    target = str(world.patient.patient_id)
    clinic_env = {"SCIATICA_MODE": "clinic", "SCIATICA_SECRET_KEY": CLINIC_SECRET}
    result = _cli(database_url, "import", str(out), "--patient", target, env=clinic_env)
    assert result.exit_code == 0, result.output
    again = _cli(database_url, "import", str(out), "--patient", str(world.other_patient.patient_id), env=clinic_env)
    assert again.exit_code == 0, again.output  # Sam's profile was empty too
    assert _cli(database_url, "import", str(out), "--patient", target, env=clinic_env).exit_code == 2
    mine = json.loads(out.read_text())
    with clients(clinic_app, world) as made:
        base = f"/clinic/patients/{target}"
        seen = _record(made["clinician"], f"{base}/export.json")
        assert len(seen["checkins"]) == len(mine["checkins"]) and len(seen["sessions"]) == len(mine["sessions"])
        assert made["clinician"].get(base).status_code == 200
        assert made["other_clinician"].get(f"{base}/export.json").status_code == 404


def test_clinic_mode_import_asks_whose_profile(clinic_app: FastAPI, database_url: str, tmp_path: Path) -> None:
    out = tmp_path / "any.json"
    out.write_text("{}")
    clinic_env = {"SCIATICA_MODE": "clinic", "SCIATICA_SECRET_KEY": CLINIC_SECRET}
    result = _cli(database_url, "import", str(out), env=clinic_env)
    assert result.exit_code == 2 and "--patient ID" in result.output
    result = _cli(database_url, "export", "-o", str(tmp_path / "x.json"), env=clinic_env)
    assert result.exit_code == 2 and "--patient ID" in result.output and not (tmp_path / "x.json").exists()


def test_an_empty_record_makes_a_report(client: TestClient) -> None:
    text = _text(client.get("/progress/report.pdf").content)
    assert "No morning check-ins yet." in text and "Sessions completed, all time: 0;" in text
    assert "does not replace a clinician" in text
