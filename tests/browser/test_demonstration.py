"""In Chromium: the exercise page's figure moves at the prescribed timing, can be paused, stands still under
reduced motion, and breaks no Content-Security-Policy; /learn shows the nerve's path with its description."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect

from browser.conftest import watch_csp
from browser.player_steps import answer_check

if TYPE_CHECKING:
    from browser.conftest import LiveServer

pytestmark = pytest.mark.browser

SNAPSHOT = """() => [...document.querySelectorAll('figure.demo line.bone, figure.demo circle.demo-head')]
  .map((el) => ['x1', 'y1', 'x2', 'y2', 'cx', 'cy'].map((a) => el.getAttribute(a)).join(',')).join(' ')"""


def snapshots(page: Page, seconds: float, every: float = 0.25) -> list[str]:
    """The figure's coordinates sampled over `seconds`."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.append(page.evaluate(SNAPSHOT))
        page.wait_for_timeout(every * 1000)
    return seen


def test_the_nerve_glide_figure_moves_through_a_rep_and_pauses(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/exercises/nerve-glide")
    figure = page.locator("figure.demo")
    expect(figure).to_have_attribute("data-state", "playing")
    expect(figure.locator("figcaption")).to_contain_text("Hold for 5 seconds")
    expect(page.get_by_role("img", name="A figure seen from the side shows one repetition")).to_be_visible()
    # The rep starts with 3 s of rest, then the leg and head rise over 3 s: many different poses in 5 s.
    seen = snapshots(page, 5.0)
    assert len(set(seen)) >= 6, "the figure should move through the lift"
    expect(figure.locator(".demo-phase")).to_contain_text("Hold")  # 5 s in: the hold has begun
    page.get_by_role("button", name="Pause the demonstration").click()
    expect(figure).to_have_attribute("data-state", "paused")
    paused = snapshots(page, 1.0)
    assert len(set(paused)) == 1, "a paused figure stays still"
    page.get_by_role("button", name="Play the demonstration").click()
    expect(figure).to_have_attribute("data-state", "playing")


def test_the_hold_really_lasts_the_prescribed_seconds(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/exercises/nerve-glide")
    label = page.locator("figure.demo .demo-phase")
    expect(label).to_have_text("Hold · 5 s", timeout=10_000)
    started = time.monotonic()
    expect(label).to_contain_text("Return", timeout=10_000)
    held = time.monotonic() - started
    assert 4.5 < held < 5.8, f"the hold lasted {held:.1f} s"


def test_under_reduced_motion_the_figure_shows_a_still_key_frame(live_server: LiveServer, browser: Browser) -> None:
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        violations = watch_csp(page)
        page.goto(live_server.url + "/exercises/hip-hinge")
        page.wait_for_load_state("load")
        figure = page.locator("figure.demo")
        expect(figure).to_have_attribute("data-state", "still")
        still = snapshots(page, 2.5)
        assert len(set(still)) == 1, "nothing moves under prefers-reduced-motion"
        expect(page.get_by_role("button", name="Pause the demonstration")).to_be_hidden()
        expect(figure.locator("figcaption")).to_contain_text("Push your hips back")
        assert not violations, violations
    finally:
        context.close()


@pytest.mark.parametrize("exercise_id", ["nerve-glide-bent-knee", "prone-press-up", "hip-hinge"])
def test_every_exercise_page_animates(live_server: LiveServer, page: Page, exercise_id: str) -> None:
    page.goto(live_server.url + f"/exercises/{exercise_id}")
    expect(page.locator("figure.demo")).to_have_attribute("data-state", "playing")
    assert len(set(snapshots(page, 4.5))) >= 4


def test_learn_shows_the_nerve_path_with_its_description(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/learn")
    drawing = page.get_by_role("img", name="The sciatic nerve on each side, seen from behind")
    expect(drawing).to_be_visible()
    box = drawing.bounding_box()
    assert box is not None and box["width"] > 250 and box["height"] > 250
    caption = page.locator("#nerve-path-figure figcaption")
    for words in ("lower back", "buttock", "back of the thigh", "knee it splits", "foot"):
        expect(caption).to_contain_text(words)
    assert page.locator("#nerve-path-figure path.nerve").count() >= 12  # both legs, trunk to foot


FOLLOWER = """async () => {
  const original = document.querySelector('figure.demo');
  const copy = original.cloneNode(true);
  copy.id = 'follower';
  copy.dataset.sync = 'player';
  copy.dataset.speed = '20';
  const box = document.createElement('div');
  box.append(copy);
  original.after(box);
  const module = await import('/static/js/demo.js');
  module.attachDemos(box);
}"""
FOLLOWER_POINTS = SNAPSHOT.replace("figure.demo line", "#follower line").replace(
    "figure.demo circle", "#follower circle"
)


def send(page: Page, name: str, phase: dict[str, object] | None = None) -> None:
    detail = {"sessionId": 1, "index": 0, "phase": phase} if phase else {"sessionId": 1}
    page.evaluate("([name, detail]) => document.dispatchEvent(new CustomEvent(name, { detail }))", [name, detail])


def test_a_figure_in_the_player_follows_its_phases(live_server: LiveServer, page: Page) -> None:
    """What the player will do: include `_demo.html` with sync on and send its usual events."""
    page.goto(live_server.url + "/exercises/nerve-glide")
    page.evaluate(FOLLOWER)
    follower = page.locator("#follower")
    expect(follower).to_have_attribute("data-state", "still")
    expect(follower).to_be_hidden()  # until the player reaches its exercise
    rest = page.evaluate(FOLLOWER_POINTS)
    assert len(set(snapshots_of(page, 1.0))) == 1, "without a phase the figure waits at rest"
    # A 3 s move at the player's clock speed 20 takes 0.15 s; the figure ends at the top and waits there.
    send(page, "sc:phase", {"kind": "move", "exercise_id": "nerve-glide", "side": "left", "duration": 3.0})
    expect(follower).to_be_visible()
    page.wait_for_timeout(600)
    top = page.evaluate(FOLLOWER_POINTS)
    assert top != rest
    assert len(set(snapshots_of(page, 0.8))) == 1
    send(page, "sc:phase", {"kind": "return", "exercise_id": "nerve-glide", "side": "left", "duration": 80.0})
    moving = snapshots_of(page, 1.5)  # 80 s at speed 20 = 4 s: still lowering
    assert len(set(moving)) >= 3
    send(page, "sc:paused")
    assert len(set(snapshots_of(page, 0.8))) == 1, "paused with the player"
    send(page, "sc:phase", {"kind": "rest", "exercise_id": "nerve-glide", "side": "left", "duration": 3.0})
    assert page.evaluate(FOLLOWER_POINTS) == rest
    send(page, "sc:phase", {"kind": "move", "exercise_id": "hip-hinge", "side": "", "duration": 3.0})
    page.wait_for_timeout(400)
    assert page.evaluate(FOLLOWER_POINTS) == rest, "another exercise's phase is not this figure's"
    expect(follower).to_be_hidden()


def snapshots_of(page: Page, seconds: float) -> list[str]:
    """The follower's coordinates sampled over `seconds`."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.append(page.evaluate(FOLLOWER_POINTS))
        page.wait_for_timeout(200)
    return seen


def test_the_player_shows_the_moving_figure_of_the_exercise_under_way(
    live_server: LiveServer, page: Page, cleared: int
) -> None:
    """The real player, at its own dose: beside the countdown, only the figure of the exercise under way shows, and it
    moves during the exercise."""
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url("**/session/*")
    expect(page.locator("#player")).to_have_attribute("data-state", "running")
    figures = page.locator(".player-demos figure.demo")
    assert figures.count() >= 3  # one per exercise of the session
    answer_check(page, 2, 3)  # the check before the first exercise
    first = page.locator(".player-demos figure.demo:visible")
    expect(first).to_have_count(1, timeout=30_000)  # the exercise under way, once its phases start
    shown = first.get_attribute("data-demo")
    points = """(id) => [...document.querySelectorAll(`#demo-${id} line.bone`)]
      .map((el) => ['x1', 'y1', 'x2', 'y2'].map((a) => el.getAttribute(a)).join(',')).join(' ')"""
    seen = set()
    deadline = time.monotonic() + 20
    while len(seen) < 3 and time.monotonic() < deadline:
        seen.add(page.evaluate(points, shown))
        page.wait_for_timeout(150)
    assert len(seen) >= 3, "the figure beside the countdown does not move"
    assert page.locator("#phase-illustration").is_hidden()
