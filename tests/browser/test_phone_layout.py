"""At phone size (390 px wide) no page scrolls sideways and no element sticks out of the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer
from .player_steps import answer_check, start_session

pytestmark = pytest.mark.browser
WIDTH = 390
OVERFLOW = """() => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > window.innerWidth + 1 || r.left < -1) && !el.closest('.visually-hidden, .skip-link'))
      out.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} right=${Math.round(r.right)}`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, offenders: out.slice(0, 5)};
}"""
PAGES = [
    "/",
    "/learn",
    "/exercises",
    "/exercises/nerve-glide",
    "/exercises/nerve-glide-bent-knee",
    "/exercises/prone-press-up",
    "/exercises/hip-hinge",
    "/exercises/no-such-exercise",
    "/history",
]


def _check(page: Page, name: str, shots: Path) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= WIDTH, (name, found)
    assert found["offenders"] == [], (name, found)


def test_every_page_fits_a_phone(page: Page, live_server: LiveServer, cleared: int, tmp_path: Path) -> None:
    assert page.viewport_size == {"width": WIDTH, "height": 844}
    for path in PAGES:
        page.goto(live_server.url + path)
        _check(page, path.strip("/").replace("/", "-") or "today", tmp_path)

    start_session(page, live_server.url)
    _check(page, "player-check", tmp_path)
    answer_check(page, back=2, leg=3, left="below-knee", right="below-knee")
    expect(page.locator("#player")).to_have_attribute("data-kind", "get-ready")
    _check(page, "player-timed", tmp_path)
    page.get_by_role("button", name="Stop: this hurts").click()
    expect(page.locator("#stop-form")).to_be_visible()
    _check(page, "player-stop", tmp_path)
    page.get_by_role("button", name="Stop without answering").click()
    expect(page.locator("#summary")).to_be_visible(timeout=15_000)  # after the few seconds to undo
    _check(page, "player-summary", tmp_path)
    page.goto(live_server.url + "/history")
    _check(page, "history-with-session", tmp_path)
    page.locator(".history-item h2 a").first.click()
    _check(page, "history-detail", tmp_path)
