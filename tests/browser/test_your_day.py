"""At 390x844: reminder times chosen on `/reminders` show on the home page's day, and during a safety lock the home
page opens with only the safety message and the call buttons, all in the first screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from helpers import session_factory
from sciatica_coach.domain.screening import all_no, load_red_flags
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.safety import record_screening

from .conftest import LiveServer
from .test_axe import check_pages

pytestmark = pytest.mark.browser


def _shot(page: Page, name: str, tmp_path: Path) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_home_shows_the_day_and_only_safety_when_locked(
    page: Page, live_server: LiveServer, cleared: int, tmp_path: Path
) -> None:
    assert page.viewport_size == {"width": 390, "height": 844}
    page.goto(live_server.url + "/reminders")
    page.fill("#session-time-1", "07:30")
    page.fill("#session-time-2", "23:58")
    page.fill("#checkin-time", "07:00")
    page.select_option("#timezone", "UTC")
    page.get_by_role("button", name="Save my times").click()
    expect(page.locator("#saved")).to_be_visible()
    page.get_by_role("button", name="Make a calendar link").click()
    link = page.locator("#calendar-link").input_value()
    assert link.startswith(live_server.url + "/calendar/") and link.endswith(".ics")
    feed = page.request.get(link)
    assert feed.status == 200 and "RRULE:FREQ=DAILY" in feed.text() and "T233000" not in feed.text()
    assert "T073000" in feed.text() and "T235800" in feed.text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "reminders", tmp_path)

    page.goto(live_server.url + "/")
    day = page.locator("#your-day")
    expect(day).to_be_visible()
    expect(page.locator("#day-sessions")).to_contain_text("0 of 2 done")
    expect(page.locator("#day-checkin")).to_contain_text("due")
    expect(page.locator("#day-reminder")).to_contain_text(":")
    expect(page.locator("#day-reminder")).not_to_contain_text("none set")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "home-day", tmp_path)

    red_flags = load_red_flags()
    emergency = next(item for item in red_flags.questions("full") if item.level == "emergency")
    with session_factory(live_server.database_url) as factory, transaction(factory) as db:
        record_screening(db, cleared, "full", {**all_no("full"), emergency.id: True})
    page.goto(live_server.url + "/")
    first = page.locator("main > *").first
    expect(first).to_have_id("safety-first")
    calls = page.locator("#safety-first a.call")
    expect(calls.first).to_be_visible()
    for n in range(calls.count()):
        box = calls.nth(n).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, f"call button {n} is below the first screen"
        assert box["height"] >= 44
    main = page.locator("main")
    for exercising in ("Start session", "gentle movement", "Today's program", "Your day"):
        expect(main).not_to_contain_text(exercising)
    _shot(page, "home-locked", tmp_path)


def test_the_day_the_reminders_page_and_the_locked_home_pass_axe(
    browser: Browser, live_server: LiveServer, cleared: int
) -> None:
    problems = check_pages(browser, live_server.url, ["/", "/reminders"])
    with session_factory(live_server.database_url) as factory, transaction(factory) as db:
        emergency = next(item for item in load_red_flags().questions("full") if item.level == "emergency")
        record_screening(db, cleared, "full", {**all_no("full"), emergency.id: True})
    problems += check_pages(browser, live_server.url, ["/"])
    assert problems == []
