"""The progress page from stored data: real SVG charts, a table beneath each, centralization in words; 422 on bad
input."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_coach.domain.adaptation import load_rules
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.demo_history import build_demo
from sciatica_coach.storage.demo_load import load_demo
from sciatica_coach.storage.patients import default_patient

HTML = {"accept": "text/html"}


def load(app: FastAPI, library: Library, days: int = 21) -> None:
    history = build_demo(library, load_rules(), datetime.now(UTC).date(), days)
    with app.state.session_factory() as db:
        load_demo(db, default_patient(db).id, history, library, load_rules())
        db.commit()


def test_empty_progress_says_what_to_do(client: TestClient) -> None:
    page = client.get("/progress", headers=HTML)
    assert page.status_code == 200
    assert "Nothing to show yet" in page.text and page.text.count("<svg") >= 4  # empty charts still draw axes


def test_progress_page_draws_charts_and_tables_from_stored_data(
    app: FastAPI, client: TestClient, library: Library
) -> None:
    load(app, library)
    page = client.get("/progress", headers=HTML).text
    for chart_id in ("chart-pain", "chart-reach", "chart-sbi", "chart-adherence"):
        assert re.search(rf'<svg class="chart" id="{chart_id}"[^>]*role="img"', page)
    assert page.count("<table>") == 4 and page.count("<caption") == 4
    assert page.count('class="dot series-leg"') == 21  # one point per morning check-in
    assert "6.5: success threshold" in page and 'class="threshold"' in page
    assert "Centralizing: symptoms retreating toward the back" in page
    assert "Prone press-up</strong>: centralizing" in page
    assert "Stopped early" in page


def test_days_outside_the_allowed_range_are_422(client: TestClient) -> None:
    for days in ("3", "91", "many"):
        response = client.get(f"/progress?days={days}", headers=HTML)
        assert response.status_code == 422
        assert "days" in response.text
    assert client.get("/api/progress?days=3").status_code == 422


def test_progress_json(app: FastAPI, client: TestClient, library: Library) -> None:
    load(app, library, days=14)
    data = client.get("/api/progress?days=7").json()
    assert len(data["adherence"]) == 7 and data["sbi_threshold"] == 6.5
    assert {e["exercise_id"] for e in data["effects"]} >= {"prone-press-up", "hip-hinge"}
    assert all(t["effect"] in ("centralizing", "unchanged", "peripheralizing") for t in data["trends"])
