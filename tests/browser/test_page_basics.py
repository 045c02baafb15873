"""What every page gets right in a real Chromium: nothing 404s (the favicon included), links meet WCAG AA contrast
on the backgrounds they sit on and no page is wider than a 320 px screen, in the light and the dark colour scheme;
every button, field and choice is a target at least 44 px each way; a wrapped legend stays inside its box, and the
leg map's answers are in reading order (all of the left leg's, then the right leg's), so the keyboard records the
leg that was meant."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from browser.conftest import LiveServer, watch_csp
from browser.pages import PERSONAL_PAGES

pytestmark = pytest.mark.browser

PAGES = PERSONAL_PAGES

# WCAG 2 contrast ratio of the computed colour of every visible link against the first opaque background behind it.
CONTRAST = """() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll('a')].filter((a) => a.checkVisibility()).map((a) => {
    const [l1, l2] = [lum(rgb(getComputedStyle(a).color).slice(0, 3)), lum(behind(a))];
    return [a.textContent.trim().slice(0, 30), (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)];
  });
}"""


# Every visible button, field, select and header link smaller than 44x44 px; a radio or checkbox is measured by
# the label that holds it (its target), and a field a label holds may sit inside a larger target.
SMALL_TARGETS = """() => {
  const small = [];
  const measure = (el, what) => {
    const r = el.getBoundingClientRect();
    if (r.height < 44 || r.width < 44) small.push(`${what} ${Math.round(r.width)}x${Math.round(r.height)}`);
  };
  const seen = (el) => el.checkVisibility() || (el.labels && [...el.labels].some((l) => l.checkVisibility()));
  const name = (el) => (el.getAttribute('aria-label') || el.name || el.id || el.textContent || '').trim().slice(0, 30);
  for (const el of document.querySelectorAll('button, input, select, textarea, .site-header a')) {
    if (el.type === 'hidden' || !seen(el)) continue;
    if (el.type === 'radio' || el.type === 'checkbox') {
      const label = el.closest('label') || (el.labels && el.labels[0]);
      if (!label) { small.push(`${el.type} ${name(el)} without a label`); continue; }
      measure(label, `${el.type} ${name(el)}`);
    } else {
      measure(el, `${el.tagName.toLowerCase()} ${name(el)}`);
    }
  }
  return small;
}"""


@pytest.fixture(params=["light", "dark"])
def narrow(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A 320 px wide page, in the light and then the dark colour scheme."""
    context = browser.new_context(viewport={"width": 320, "height": 720}, color_scheme=request.param)
    try:
        page = context.new_page()
        violations = watch_csp(page)
        yield page
    finally:
        context.close()
    assert not violations, violations


def test_pages_load_everything_meet_contrast_and_fit_320_px(
    narrow: Page, live_server: LiveServer, cleared: int
) -> None:
    missing: list[str] = []
    narrow.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    for path in PAGES:
        narrow.goto(live_server.url + path)
        narrow.wait_for_load_state("load")
        width = narrow.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide in a 320 px viewport"
        low = [(text, round(ratio, 2)) for text, ratio in narrow.evaluate(CONTRAST) if ratio < 4.5]
        assert not low, f"{path}: links below 4.5:1 contrast: {low}"
    assert not missing, f"requests that failed: {missing}"


def test_every_target_is_at_least_44_px(narrow: Page, live_server: LiveServer, cleared: int) -> None:
    small: dict[str, list[str]] = {}
    for path in PAGES:
        narrow.goto(live_server.url + path)
        narrow.wait_for_load_state("load")
        small[path] = narrow.evaluate(SMALL_TARGETS)
    narrow.goto(live_server.url + "/")
    narrow.get_by_role("button", name="Start session").click()
    narrow.wait_for_url("**/session/*")
    narrow.locator("#player").wait_for()
    small["the player"] = narrow.evaluate(SMALL_TARGETS)
    counted = narrow.evaluate("document.querySelectorAll('button, input, select').length")
    assert counted > 3, "the player has no controls: the check proves nothing"
    small = {path: found for path, found in small.items() if found}
    assert not small, f"targets under 44x44 px: {small}"


def test_a_wrapped_legend_stays_inside_its_box(narrow: Page, live_server: LiveServer, cleared: int) -> None:
    narrow.goto(live_server.url + "/checkin")
    boxes = narrow.eval_on_selector_all(
        "fieldset.yes-no",
        "els => els.filter(f => f.checkVisibility()).map(f => [f.getBoundingClientRect().top,"
        " ...(({top, height}) => [top, height])(f.querySelector('legend').getBoundingClientRect())])",
    )
    assert boxes
    for fieldset_top, legend_top, _ in boxes:
        assert legend_top > fieldset_top, "the legend sits across the fieldset's top border"
    assert any(height > 30 for _, _, height in boxes), "no legend wrapped at 320 px: the check proves nothing"


def test_the_leg_map_is_answered_one_leg_at_a_time_by_keyboard(
    page: Page, live_server: LiveServer, cleared: int
) -> None:
    page.goto(live_server.url + "/checkin")
    order = page.eval_on_selector_all("input[name$='_reach']", "els => els.map(e => e.name + ':' + e.value)")
    assert order == [f"left_reach:{v}" for v in ("none", "buttock", "thigh", "below-knee", "foot")] + [
        f"right_reach:{v}" for v in ("none", "buttock", "thigh", "below-knee", "foot")
    ]
    left, right = (
        page.locator(f"input[name='{leg}_reach'][value='thigh']").bounding_box() for leg in ("left", "right")
    )
    assert left is not None and right is not None
    assert abs(left["y"] - right["y"]) < 2 and left["x"] < right["x"]  # still a map: the legs side by side
    page.locator("input[name='left_reach'][value='none']").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # two levels further down the same leg
    page.keyboard.press("Tab")  # on to the right leg
    page.keyboard.press("Space")
    checked = page.eval_on_selector_all("input[name$='_reach']:checked", "els => els.map(e => e.name + ':' + e.value)")
    assert checked == ["left_reach:thigh", "right_reach:none"]


def test_the_target_check_finds_small_ones(page: Page) -> None:
    """The harness itself: a small button, a bare checkbox in a short label and a large labelled radio."""
    page.set_content(
        '<button style="padding:0">x</button><label><input type="checkbox" name="tick">ok</label>'
        '<label style="display:block;height:50px;width:90px"><input type="radio" name="big">big</label>'
    )
    found = page.evaluate(SMALL_TARGETS)
    assert [line.split(" ")[:2] for line in found] == [["button", "x"], ["checkbox", "tick"]]
