"""In the browser: the progress page's download links give the PDF report and the JSON record as files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from browser.test_progress import load_demo_into

if TYPE_CHECKING:
    from browser.conftest import LiveServer


@pytest.mark.browser
def test_the_progress_page_downloads_the_report_and_the_record(
    live_server: LiveServer, page: Page, tmp_path: Path
) -> None:
    load_demo_into(live_server.database_url)
    page.goto(live_server.url + "/progress")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Progress report (PDF)").click()
    assert pdf.value.suggested_filename == "sciatica-coach-report.pdf"
    report = tmp_path / "report.pdf"
    pdf.value.save_as(report)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(report).pages).split())
    assert "Progress report: Me" in text and "does not replace a clinician" in text
    with page.expect_download() as record:
        page.get_by_role("link", name="Whole record (JSON)").click()
    saved = tmp_path / "record.json"
    record.value.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["format"] == "sciatica-coach-record" and len(data["checkins"]) > 20
