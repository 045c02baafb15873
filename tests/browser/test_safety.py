"""In the browser: a red-flag answer shows the urgent message and disables the start button on the today page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from sciatica_coach.domain.screening import load_red_flags

if TYPE_CHECKING:
    from browser.conftest import LiveServer

CONTENT = load_red_flags()


def answer_full_form(page: Page, yes: set[str]) -> None:
    """Tick one radio per question, as a person would, and submit."""
    for item in CONTENT.questions("full"):
        value = "yes" if item.id in yes else "no"
        page.locator(f'input[name="rf_{item.id}"][value="{value}"]').check()
    for caution in ("pregnancy", "spinal-stenosis"):
        page.locator(f'input[name="ca_{caution}"][value="no"]').check()
    page.get_by_role("button", name="Save my answers").click()


@pytest.mark.browser
def test_a_red_flag_shows_the_emergency_message_and_locks_the_start_button(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/")
    start = page.get_by_role("button", name="Start session")
    expect(start).to_be_disabled()  # no screening yet
    page.get_by_role("link", name="Find out what to do").click()
    expect(page).to_have_url(live_server.url + "/screening")
    expect(page.locator('input[type="radio"]:checked')).to_have_count(0)

    answer_full_form(page, yes={"bladder-trouble"})

    expect(page).to_have_url(live_server.url + "/safety")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(CONTENT.messages.emergency.title)
    expect(alert).to_contain_text(CONTENT.messages.emergency.summary)
    call = page.get_by_role("link", name="Call 112")
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:112")
    assert call.bounding_box() is not None and call.bounding_box()["height"] >= 44  # type: ignore[index]

    page.goto(live_server.url + "/")  # only the safety message and the call buttons: nothing to start
    expect(page.locator("#safety-first")).to_contain_text(CONTENT.messages.emergency.summary)
    expect(page.locator("#safety-first").get_by_role("link", name="Call 112")).to_be_visible()
    expect(page.get_by_role("button", name="Start session")).to_have_count(0)


@pytest.mark.browser
def test_an_urgent_sign_then_an_assessment_and_a_clean_screening_unlock_the_start_button(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(live_server.url + "/screening")
    answer_full_form(page, yes={"progressive-weakness"})
    expect(page.get_by_role("alert")).to_contain_text(CONTENT.messages.today.summary)
    expect(page.get_by_role("link", name="Call 112")).to_have_count(0)
    page.goto(live_server.url + "/")
    expect(page.locator("#safety-first")).to_contain_text(CONTENT.messages.today.summary)
    expect(page.get_by_role("button", name="Start session")).to_have_count(0)

    page.goto(live_server.url + "/safety")
    page.get_by_label("Who assessed you").fill("Dr Lee, Riverside GP")
    page.get_by_label("When").fill(datetime.now(UTC).date().isoformat())
    page.get_by_label("I have been assessed by a clinician").check()
    page.get_by_label("Note (optional)").fill("Seen by my GP")
    page.get_by_role("button", name="Record my assessment").click()
    expect(page).to_have_url(live_server.url + "/screening?after=assessment")

    answer_full_form(page, yes=set())
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("button", name="Start session")).to_be_enabled()
