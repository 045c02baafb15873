"""The light and the dark colour scheme in a real Chromium, at 390x844 and 1280x800: home, the morning check-in,
progress with three weeks of demo history (its charts drawn in the scheme's colours and passing axe), the player
and the locked home, each screenshotted (into $SCREENSHOT_DIR when set, for a person to look at); the page follows
the scheme, and the call buttons of a lock stay white on strong red in both."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from browser.conftest import LiveServer
from browser.player_steps import answer_check
from browser.test_axe import SCHEMES, SIZES, violations
from browser.test_progress import load_demo_into
from helpers import session_factory
from sciatica_coach.domain.screening import all_no, load_red_flags
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.safety import record_screening

pytestmark = pytest.mark.browser

# The WCAG relative luminance of a computed colour, and the contrast of two.
LUMINANCE = """(css) => {
  const [r, g, b] = (css.match(/[\\d.]+/g) || []).map(Number);
  const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}"""


def luminance(page: Page, css: str) -> float:
    value: float = page.evaluate(LUMINANCE, css)
    return value


def contrast(page: Page, a: str, b: str) -> float:
    la, lb = luminance(page, a), luminance(page, b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def style(page: Page, selector: str, prop: str) -> str:
    value: str = page.eval_on_selector(selector, "(el, p) => getComputedStyle(el)[p]", prop)
    return value


def shots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_both_schemes_at_both_sizes(browser: Browser, live_server: LiveServer, cleared: int, tmp_path: Path) -> None:
    load_demo_into(live_server.database_url)
    folder = shots_dir(tmp_path)
    problems: list[str] = []
    player = ""
    for scheme in SCHEMES:
        for size, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
            try:
                page = context.new_page()
                for name, path in (("home", "/"), ("checkin", "/checkin"), ("progress", "/progress")):
                    page.goto(live_server.url + path)
                    page.wait_for_load_state("load")
                    background = luminance(page, style(page, "html", "backgroundColor"))
                    dark = scheme == "dark"
                    assert (background < 0.05) == dark, f"{scheme} {path}: page background luminance {background:.2f}"
                    page.screenshot(path=str(folder / f"{name}-{scheme}-{size}.png"), full_page=True)
                problems += [f"{scheme} {size} /progress: {line}" for line in violations(page)]
                leg = style(page, "svg.chart polyline.series-leg", "stroke")
                band = style(page, "svg.chart rect.band-odd", "fill")
                assert contrast(page, leg, band) >= 3, f"{scheme}: the leg pain line is faint on its chart"
                if not player:
                    page.goto(live_server.url + "/")
                    page.get_by_role("button", name="Start session").click()
                    page.wait_for_url("**/session/*")
                    player = page.url
                page.goto(player)
                page.locator("#player").wait_for()
                page.wait_for_function("() => Boolean(document.getElementById('player').dataset.kind)")
                if (page.locator("#player").get_attribute("data-kind") or "").startswith("check"):
                    page.screenshot(path=str(folder / f"player-check-{scheme}-{size}.png"))
                    answer_check(page, back=1, leg=1)
                page.wait_for_function(
                    "() => !document.getElementById('player').dataset.kind.startsWith('check')"
                    " && !document.getElementById('timed').hidden"
                )
                track, fill = style(page, ".ring-track", "stroke"), style(page, ".ring-fill", "stroke")
                assert (luminance(page, track) < 0.05) == dark, f"{scheme}: the ring's track does not follow"
                assert contrast(page, fill, style(page, "html", "backgroundColor")) >= 3, f"{scheme}: a faint ring"
                page.screenshot(path=str(folder / f"player-{scheme}-{size}.png"))
            finally:
                context.close()
    assert not problems, "\n".join(problems)

    emergency = next(item for item in load_red_flags().questions("full") if item.level == "emergency")
    with session_factory(live_server.database_url) as factory, transaction(factory) as db:
        record_screening(db, cleared, "full", {**all_no("full"), emergency.id: True})
    for scheme in SCHEMES:
        for size, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
            try:
                page = context.new_page()
                page.goto(live_server.url + "/")
                call = "#safety-first a.call"
                background = style(page, call, "backgroundColor")
                assert background == "rgb(192, 31, 42)", f"{scheme}: the call button is {background}"
                assert contrast(page, style(page, call, "color"), background) >= 4.5
                page.screenshot(path=str(folder / f"locked-{scheme}-{size}.png"), full_page=True)
            finally:
                context.close()
