"""Keyboard alone: Tab to Start session, Enter, answer the symptom check, Space to pause and resume."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer
from .player_steps import events, record_events

pytestmark = pytest.mark.browser


def _tab_to(page: Page, text: str, limit: int = 30) -> None:
    """Press Tab until the focused element's text is `text`; fail if it never gets focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"'{text}' was not reached with Tab")


def _focus_is_visible(page: Page) -> bool:
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    return bool(style[0] != "none" and style[1] >= 2)


@pytest.mark.parametrize("live_server", [5.0], indirect=True)
def test_start_pause_and_resume_by_keyboard_only(page: Page, live_server: LiveServer, cleared: int) -> None:
    record_events(page)
    page.goto(live_server.url + "/")
    _tab_to(page, "Start session")
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/session/*")
    player = page.locator("#player")
    expect(player).to_have_attribute("data-kind", "check-before")
    expect(page.locator("#check-title")).to_be_focused()

    page.keyboard.press("Tab")  # the back-pain scale: Space picks 0, the arrow moves to 1
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")  # the leg-pain scale
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")  # left leg reach: nothing is chosen until the person picks (Choose… -> none -> buttock)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # right leg reach
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # Save and continue
    expect(page.locator(":focus")).to_have_text("Save and continue")
    page.keyboard.press("Enter")

    expect(player).to_have_attribute("data-kind", "get-ready")
    expect(page.locator("#pause")).to_be_focused()
    assert _focus_is_visible(page)
    page.keyboard.press("Space")
    expect(player).to_have_attribute("data-paused", "true")
    expect(page.locator("#pause")).to_have_text("Resume")
    page.keyboard.press("Space")
    expect(player).to_have_attribute("data-paused", "false")

    # Space also works as a shortcut when no control has focus.
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Space")
    expect(player).to_have_attribute("data-paused", "true")
    page.keyboard.press("Space")
    expect(player).to_have_attribute("data-paused", "false")
    assert [e["type"] for e in events(page) if e["type"] in ("sc:paused", "sc:resumed")] == [
        "sc:paused",
        "sc:resumed",
        "sc:paused",
        "sc:resumed",
    ]
    session_id = player.get_attribute("data-session-id")
    before = page.request.get(f"{live_server.url}/api/sessions/{session_id}").json()
    assert before["record"]["exercises"][0]["pain_before"] == {
        "back": 1,
        "leg": 2,
        "left_reach": "buttock",
        "right_reach": "none",
    }

    # Every control of the player is reachable with Tab.
    for name in ("Pause", "Skip exercise", "Stop: this hurts"):
        page.evaluate("document.activeElement.blur()")
        _tab_to(page, name)
        assert _focus_is_visible(page)
