"""Installable and offline, in Chromium: the manifest, the service worker controlling the page, content pages with
the network cut, and a session whose saves wait in IndexedDB while offline (and through a reload) and reach the
server in order, each step once, when the network is back."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from helpers import session_factory
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.safety import record_screening

from .conftest import LiveServer
from .player_steps import UNDO_WAIT, answer_check, start_session
from .test_axe import violations

pytestmark = pytest.mark.browser

OFFLINE_WORDS = "Offline: your progress is kept on this device and will be sent when you are back online."
WAITING_SAVES = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("sc-outbox");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("saves").objectStore("saves").getAll();
    all.onsuccess = () => resolve(all.result.map((row) => [row.action, row.body]));
  };
})"""


def _json(url: str) -> Any:
    with urllib.request.urlopen(url) as response:
        return json.load(response)


KEPT_SESSIONS = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) found.push(new URL(request.url).pathname);
  }
  return found.filter((path) => path.startsWith("/session/"));
}"""


def _kept_sessions(page: Page, expected: int) -> list[str]:
    """The player pages the service worker keeps, once there are `expected` of them (or after 5 s)."""
    for _ in range(50):
        kept: list[str] = page.evaluate(KEPT_SESSIONS)
        if len(kept) == expected:
            break
        page.wait_for_timeout(100)
    return kept


def _controlled(page: Page) -> None:
    """Wait until the service worker has installed (precached) and controls the page."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")


def test_the_manifest_names_the_app_and_is_linked_from_every_page(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/learn")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    assert href == "/manifest.webmanifest"
    response = page.request.get(live_server.url + href)
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text())
    assert manifest["name"] == "Sciatica Coach"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    icon = manifest["icons"][0]
    assert icon["type"] == "image/svg+xml"
    assert page.request.get(live_server.url + icon["src"]).ok


def test_after_one_visit_learn_and_an_exercise_page_open_offline(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    _controlled(page)
    # Precached on install: never visited, yet there with the network cut.
    page.context.set_offline(True)
    page.goto(live_server.url + "/learn")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "You are offline" not in page.content()
    page.goto(live_server.url + "/exercises/nerve-glide")
    expect(page.get_by_role("heading", level=1)).to_contain_text("glide")
    page.goto(live_server.url + "/exercises")
    expect(page.locator("main a[href='/exercises/prone-press-up']").first).to_be_visible()
    # A page that was never kept (and is personal) says so plainly instead of the browser's error.
    page.goto(live_server.url + "/history")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    page.context.set_offline(False)


def _sent_posts(page: Page) -> list[tuple[str, dict[str, Any]]]:
    """Every save the server answered (action and body), in the order the answers came."""
    sent: list[tuple[str, dict[str, Any]]] = []

    def arrived(request: Request) -> None:
        response = request.response()
        if request.method == "POST" and "/api/sessions/" in request.url and response and response.ok:
            sent.append((request.url.rsplit("/", 1)[-1], json.loads(request.post_data or "{}")))

    page.on("requestfinished", arrived)
    return sent


def _play_until_check(page: Page, index: int) -> None:
    """Wait until the player shows the symptom check at step `index` (the clock plays the steps before it)."""
    expect(page.locator("#player")).to_have_attribute("data-index", str(index), timeout=20_000)
    expect(page.locator("#check-form")).to_be_visible()


@pytest.mark.parametrize("live_server", [60.0], indirect=True)
def test_a_whole_session_runs_to_its_end_offline_and_reaches_the_server_once_the_network_is_back(
    page: Page, live_server: LiveServer, cleared: int
) -> None:
    sent = _sent_posts(page)
    page.goto(live_server.url + "/")
    _controlled(page)  # one visit with the network: the service worker is in place
    session_id = start_session(page, live_server.url)
    api = f"{live_server.url}/api/sessions/{session_id}"
    script = _json(api)["script"]
    checks = [p["index"] for p in script if p["duration"] is None]
    assert len(checks) == 4  # before, two between, after
    player = page.locator("#player")
    answer_check(page, back=2, leg=3)
    page.wait_for_function("() => Number(document.getElementById('player').dataset.index) >= 4")

    page.context.set_offline(True)  # mid-exercise: everything after this is decided on this device
    expect(page.locator("#save-state")).to_have_text(OFFLINE_WORDS, timeout=10_000)
    _play_until_check(page, checks[1])
    waiting = page.evaluate(WAITING_SAVES)
    assert [body["completed_index"] for _, body in waiting] == sorted({b["completed_index"] for _, b in waiting})
    # The check between two exercises, answered offline: the next exercise starts at once.
    answer_check(page, back=2, leg=2)
    expect(player).to_have_attribute("data-kind", "get-ready")
    page.wait_for_function(f"() => Number(document.getElementById('player').dataset.index) > {checks[1] + 2}")
    assert _json(api)["position"] < checks[1]  # the server has had none of it

    # A reload while offline, in the middle of an exercise: the page from the service worker, the position rebuilt
    # from the state kept on the device and the saves still waiting.
    page.locator("#pause").click()  # the clock stops, so the step under way is known
    at = int(player.get_attribute("data-index") or 0)
    page.reload()
    expect(player).to_have_attribute("data-state", "running")
    expect(page.locator("#save-state")).to_have_text(OFFLINE_WORDS, timeout=10_000)
    expect(page.locator("#status")).to_contain_text("Welcome back")
    rep_start = at
    while script[rep_start]["kind"] in ("hold", "return"):
        rep_start -= 1  # back to the rep's move: an interrupted rep starts again
    expect(player).to_have_attribute("data-index", str(rep_start))
    page.locator("#pause").click()  # Resume: a resumed session waits at the start of the rep
    _play_until_check(page, checks[2])
    answer_check(page, back=1, leg=2)
    _play_until_check(page, checks[3])
    answer_check(page, back=1, leg=1)
    # The end, offline: said plainly, the controls off; nothing has reached the server yet.
    expect(player).to_have_attribute("data-state", "completed")
    expect(page.locator("#ended-offline")).to_contain_text("will be sent when you are back online")
    expect(page.locator("#skip")).to_be_disabled()
    assert _json(api)["position"] < checks[1]
    assert [action for action, _ in page.evaluate(WAITING_SAVES)].count("check") == 3

    page.context.set_offline(False)
    expect(page.locator("#summary-heading")).to_have_text("Session complete. Well done!", timeout=20_000)
    assert page.evaluate(WAITING_SAVES) == []
    state = _json(api)
    assert state["status"] == "completed" and state["position"] == len(script)
    timed = [p["index"] for p in script if p["duration"] is not None]
    assert sorted(b["completed_index"] for a, b in sent if a == "progress") == timed, "each step sent once"
    assert [b["index"] for a, b in sent if a == "check"] == checks, "each check sent once, in order"
    steps = [body.get("index", body.get("completed_index")) for _, body in sent]
    assert steps == sorted(steps), "the saves arrived in the order they were made"
    record = state["record"]["exercises"]
    assert record[0]["reps_done"] == {"left": 5, "right": 5} and record[0]["holds_completed"] == 10
    assert [sum(e["reps_done"].values()) for e in record[1:]] == [5, 5]
    assert [e["pain_after"]["leg"] for e in record] == [2, 2, 1]
    assert not any(e["skipped"] or e["ended"] or e["stopped_for_pain"] for e in record)

    # The player page was kept for offline use; the sign-in page (where signing out lands) forgets it, and the
    # session kept on the device with it.
    assert _kept_sessions(page, 1) == [f"/session/{session_id}"]
    page.goto(live_server.url + "/signin")
    assert _kept_sessions(page, 0) == []
    assert _kept_states(page, 0) == []


KEPT_STATES = """() => new Promise((resolve) => {
  const open = indexedDB.open("sc-outbox");
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("states")) return resolve([]);
    const all = db.transaction("states").objectStore("states").getAllKeys();
    all.onsuccess = () => resolve(all.result);
  };
})"""


def _kept_states(page: Page, expected: int) -> list[str]:
    """The sessions the player keeps in IndexedDB, once there are `expected` of them (or after 5 s)."""
    for _ in range(50):
        kept: list[str] = page.evaluate(KEPT_STATES)
        if len(kept) == expected:
            break
        page.wait_for_timeout(100)
    return kept


@pytest.mark.parametrize("live_server", [60.0], indirect=True)
def test_a_worsening_answer_offline_ends_the_exercise_and_pain_above_the_red_line_stops_the_session_here(
    page: Page, live_server: LiveServer, cleared: int
) -> None:
    page.goto(live_server.url + "/")
    _controlled(page)
    session_id = start_session(page, live_server.url)
    api = f"{live_server.url}/api/sessions/{session_id}"
    script = _json(api)["script"]
    checks = [p["index"] for p in script if p["duration"] is None]
    player = page.locator("#player")
    step_down = page.locator("#step-down")
    answer_check(page, back=2, leg=2)
    page.context.set_offline(True)
    expect(page.locator("#save-state")).to_have_text(OFFLINE_WORDS, timeout=10_000)

    # Symptoms further down the left leg than at the check before: the exercise ends here, with the advice.
    _play_until_check(page, checks[1])
    answer_check(page, back=2, leg=2, left="thigh")
    expect(step_down).to_be_visible()
    expect(step_down).to_contain_text("further down your leg")
    expect(step_down).to_contain_text("will be sent when you are back online")
    expect(page.locator("#step-down-calls")).to_be_hidden()
    page.locator("#step-down-continue").click()
    expect(player).to_have_attribute("data-index", str(checks[1] + 1))

    # Pain above the red line: the session stops here, at once, with the emergency signs and the call buttons.
    _play_until_check(page, checks[2])
    answer_check(page, back=3, leg=7, left="thigh")
    expect(step_down).to_contain_text("Your pain is 7 out of 10.")
    expect(step_down).to_contain_text("Stop exercising for today")
    expect(page.locator("#step-down-continue")).to_be_hidden()
    expect(page.locator("#step-down-calls a[href^='tel:']").first).to_be_visible()
    expect(player).to_have_attribute("data-state", "stopped")
    expect(page.locator("#ended-offline")).to_be_visible()
    for control in ("#pause", "#skip", "#stop"):
        expect(page.locator(control)).to_be_disabled()
    expect(page.locator("#next-cue")).to_be_hidden()
    page.wait_for_timeout(500)  # nothing goes on: no next exercise starts
    expect(player).to_have_attribute("data-kind", "step-down")
    assert player.get_attribute("data-index") == str(checks[2])
    assert _json(api)["status"] == "in_progress"  # the server has not heard yet

    # A reload offline shows the stop again, not a next exercise.
    page.reload()
    expect(player).to_have_attribute("data-state", "stopped")
    expect(step_down).to_contain_text("Your pain is 7 out of 10.")
    expect(page.locator("#step-down-calls a[href^='tel:']").first).to_be_visible()

    # Back online: the server, given the same answers, agrees, and its summary says so.
    page.context.set_offline(False)
    expect(page.locator("#summary-heading")).to_be_visible(timeout=20_000)
    expect(page.locator("#summary-slot")).to_contain_text("the pain was too much")
    state = _json(api)
    assert state["status"] == "stopped"
    ended = [e["ended"]["reasons"] if e["ended"] else None for e in state["record"]["exercises"]]
    assert ended == [["spreading"], ["pain"], None]


@pytest.mark.parametrize("live_server", [30.0], indirect=True)
def test_a_lock_raised_while_offline_wins_over_what_the_player_did_once_the_saves_arrive(
    page: Page, live_server: LiveServer, cleared: int
) -> None:
    page.goto(live_server.url + "/")
    _controlled(page)
    start_session(page, live_server.url)
    player = page.locator("#player")
    answer_check(page, back=2, leg=2)
    page.context.set_offline(True)
    expect(page.locator("#save-state")).to_have_text(OFFLINE_WORDS, timeout=10_000)
    page.wait_for_function("() => Number(document.getElementById('player').dataset.index) >= 3")
    expect(player).to_have_attribute("data-state", "running")
    # Meanwhile a warning sign is answered elsewhere (another device): exercise is locked on the server.
    with session_factory(live_server.database_url) as factory, transaction(factory) as db:
        record_screening(db, cleared, "full", {**all_no("full"), "bladder-trouble": True})
    page.context.set_offline(False)
    expect(player).to_have_attribute("data-state", "gated", timeout=15_000)
    expect(page.locator("#status")).to_contain_text("Find out what to do")
    for control in ("#pause", "#skip", "#stop"):
        expect(page.locator(control)).to_be_disabled()


@pytest.mark.parametrize("live_server", [60.0], indirect=True)
def test_skip_and_stop_offline_on_a_desktop_are_kept_sent_once_and_pass_axe_in_each_offline_state(
    desktop_page: Page, live_server: LiveServer, cleared: int
) -> None:
    page = desktop_page
    sent = _sent_posts(page)
    page.goto(live_server.url + "/")
    _controlled(page)
    session_id = start_session(page, live_server.url)
    api = f"{live_server.url}/api/sessions/{session_id}"
    player = page.locator("#player")
    problems: list[str] = []
    answer_check(page, back=2, leg=2)
    page.context.set_offline(True)
    expect(page.locator("#save-state")).to_have_text(OFFLINE_WORDS, timeout=10_000)
    problems += [f"offline, running: {line}" for line in violations(page)]

    # Skip, offline: asked once, a few seconds to undo, then kept on the device; the check closing the nerve glide
    # (which opens the press-up) comes next.
    page.locator("#skip").click()
    expect(page.locator("#confirm")).to_be_visible()
    problems += [f"offline, asking to skip: {line}" for line in violations(page)]
    page.locator("#confirm").get_by_role("button", name="Yes, skip").click()
    expect(page.locator("#undo")).to_be_visible()
    problems += [f"offline, skip to undo: {line}" for line in violations(page)]
    expect(player).to_have_attribute("data-kind", "check-between", timeout=UNDO_WAIT)
    assert [action for action, _ in page.evaluate(WAITING_SAVES)][-1] == "skip"
    answer_check(page, back=2, leg=3)
    expect(page.locator("#exercise-name")).to_contain_text("press-up")
    expect(player).to_have_attribute("data-state", "running")

    # Stop: this hurts, offline: the answers asked, a few seconds to undo, then the session ends here.
    page.get_by_role("button", name="Stop: this hurts").click()
    stop = page.locator("#stop-form")
    expect(stop).to_be_visible()
    problems += [f"offline, stop form: {line}" for line in violations(page)]
    stop.locator("label:has(input[name=back_pain][value='3'])").click()
    stop.locator("label:has(input[name=leg_pain][value='5'])").click()
    stop.locator("#stop-left-reach").select_option("thigh")
    stop.locator("#stop-right-reach").select_option("none")
    stop.get_by_role("button", name="Save and stop").click()
    expect(page.locator("#undo")).to_contain_text("Stopping the session.")
    expect(player).to_have_attribute("data-state", "stopped", timeout=UNDO_WAIT)
    expect(page.locator("#ended-offline")).to_contain_text("will be sent when you are back online")
    for control in ("#pause", "#skip", "#stop"):
        expect(page.locator(control)).to_be_disabled()
    problems += [f"offline, stopped: {line}" for line in violations(page)]
    assert _json(api)["status"] == "in_progress"  # the server has heard nothing since the network went
    assert [action for action, _ in page.evaluate(WAITING_SAVES)][-2:] == ["check", "stop"]

    # Back online: sent in order, once each; the server's record says what the player did.
    page.context.set_offline(False)
    summary = page.locator("#summary")
    expect(summary.get_by_role("heading", level=2)).to_have_text("Session stopped because it hurt", timeout=20_000)
    assert page.evaluate(WAITING_SAVES) == []
    problems += [f"back online, summary: {line}" for line in violations(page)]
    actions = [action for action, _ in sent]
    assert actions.count("skip") == 1 and actions.count("stop") == 1 and actions[-1] == "stop", actions
    state = _json(api)
    assert state["status"] == "stopped"
    glide, press_up = state["record"]["exercises"][:2]
    assert glide["skipped"] is True and not glide["stopped_for_pain"]
    assert press_up["stopped_for_pain"] is True
    assert press_up["pain_after"] == {"back": 3, "leg": 5, "left_reach": "thigh", "right_reach": "none"}
    assert not problems, "\n".join(problems)
