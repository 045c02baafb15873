"""In the browser: the progress page draws charts (SVG) and tables from demo data; a morning check-in on a phone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from helpers import session_factory
from sciatica_coach.domain.adaptation import load_rules
from sciatica_coach.domain.content import load_library
from sciatica_coach.domain.demo_history import build_demo
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.demo_load import load_demo
from sciatica_coach.storage.patients import default_patient

if TYPE_CHECKING:
    from browser.conftest import LiveServer


def load_demo_into(database_url: str) -> None:
    """The demo history, written straight into the live server's database."""
    library, book = load_library(), load_rules()
    history = build_demo(library, book, datetime.now(UTC).date(), 21)
    with session_factory(database_url) as factory, transaction(factory) as db:
        load_demo(db, default_patient(db).id, history, library, book)


@pytest.mark.browser
def test_progress_page_shows_charts_and_tables(live_server: LiveServer, page: Page) -> None:
    load_demo_into(live_server.database_url)
    page.goto(live_server.url + "/progress")
    for name in (
        "Back and leg pain each morning",
        "How far down each leg symptoms reach",
        "Sciatica Bothersomeness Index each week",
        "Sessions done and planned each day",
    ):
        chart = page.get_by_role("img", name=name)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and 300 <= box["width"] <= 390 and box["height"] > 120  # fits the phone
    expect(page.locator("svg.chart circle.series-leg")).to_have_count(21)
    expect(page.locator("svg.chart line.threshold")).to_have_count(1)
    tables = page.get_by_role("table")
    expect(tables).to_have_count(4)
    expect(page.get_by_role("table", name="Weekly SBI scores, newest first").get_by_role("row")).to_have_count(5)
    expect(page.get_by_text("Centralizing: symptoms retreating toward the back").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone


@pytest.mark.browser
def test_a_morning_check_in_on_a_phone(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/checkin")
    page.locator('input[name="back_pain"][value="3"]').check(force=True)
    page.locator('input[name="leg_pain"][value="5"]').check(force=True)
    page.get_by_role("radio", name="Left leg: Below the knee").check()
    page.get_by_role("radio", name="Right leg: No leg symptoms").check()
    page.locator('input[name="numbness"][value="yes"]').check()
    page.locator('input[name="weakness"][value="no"]').check()
    # Numbness "yes" opens its warning-sign questions at once (the whole short re-screen when it is due).
    for item_id in all_no("short"):
        answer = page.locator(f'input[name="rf_{item_id}"][value="no"]')
        if answer.count():
            answer.check()
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_role("heading", name="Check-in saved")).to_be_visible()
    expect(page.get_by_text("This is your first morning check-in")).to_be_visible()
    page.goto(live_server.url + "/progress")
    expect(
        page.get_by_role("table", name="How far down each leg symptoms reached each morning, newest first")
    ).to_contain_text("Below the knee")
