"""Installable and offline, in Chromium: the manifest, the service worker controlling the page, content pages with
the network cut, and a session whose saves wait in IndexedDB while offline (and through a reload) and reach the
server in order, each step once, when the network is back."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from .conftest import LiveServer
from .player_steps import answer_check, start_session

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


@pytest.mark.parametrize("live_server", [30.0], indirect=True)
def test_a_session_with_the_network_cut_keeps_its_saves_and_sends_them_in_order(
    page: Page, live_server: LiveServer, cleared: int
) -> None:
    sent: list[int] = []

    def arrived(request: Request) -> None:
        response = request.response()
        if request.method == "POST" and request.url.endswith("/progress") and response and response.ok:
            sent.append(json.loads(request.post_data or "{}")["completed_index"])

    page.on("requestfinished", arrived)
    page.goto(live_server.url + "/")
    _controlled(page)  # one visit with the network: the service worker is in place
    session_id = start_session(page, live_server.url)
    api = f"{live_server.url}/api/sessions/{session_id}"
    script = _json(api)["script"]
    between = next(p["index"] for p in script if p["kind"] == "check-between")
    player = page.locator("#player")
    answer_check(page, back=2, leg=3)
    page.wait_for_function("() => Number(document.getElementById('player').dataset.index) >= 4")

    page.context.set_offline(True)  # mid-exercise: the rest of the first exercise plays with no network
    expect(page.locator("#save-state")).to_have_text(OFFLINE_WORDS, timeout=10_000)
    expect(player).to_have_attribute("data-index", str(between), timeout=30_000)
    expect(page.locator("#check-form")).to_be_visible()
    waiting = page.evaluate(WAITING_SAVES)
    assert waiting, "the saves made offline are kept in IndexedDB"
    assert [body["completed_index"] for _, body in waiting] == sorted({b["completed_index"] for _, b in waiting})
    assert _json(api)["position"] < between  # the server has not had them yet

    # A reload while offline: the player page comes from the service worker, the saves from IndexedDB.
    page.reload()
    expect(page.locator("#player")).to_be_attached()
    expect(page.locator("#save-state")).to_have_text(OFFLINE_WORDS, timeout=10_000)
    assert page.evaluate(WAITING_SAVES) == waiting

    page.context.set_offline(False)
    expect(page.locator("#save-state")).to_have_text("All saved.", timeout=20_000)
    expect(player).to_have_attribute("data-index", str(between), timeout=20_000)
    assert page.evaluate(WAITING_SAVES) == []
    state = _json(api)
    assert state["position"] == between
    assert sent == sorted(set(sent)), "every step was sent once, in order"
    assert set(sent) == set(range(1, between)), "every step of the first exercise reached the server"
    glide = state["record"]["exercises"][0]
    assert glide["reps_done"] == {"left": 5, "right": 5} and glide["holds_completed"] == 10  # each rep once
    # A check answered offline is kept and waits for the network: the server decides whether it ends the exercise.
    page.context.set_offline(True)
    answer_check(page, back=2, leg=2)
    expect(page.locator("#save-state")).to_contain_text("Your answers are kept too", timeout=10_000)
    expect(player).to_have_attribute("data-index", str(between))
    assert [action for action, _ in page.evaluate(WAITING_SAVES)] == ["check"]
    page.context.set_offline(False)
    expect(player).not_to_have_attribute("data-index", str(between), timeout=20_000)
    expect(page.locator("#save-state")).to_have_text("All saved.")
    assert _json(api)["record"]["exercises"][0]["pain_after"]["leg"] == 2

    # The player page was kept for offline use; the sign-in page (where signing out lands) forgets it.
    assert _kept_sessions(page, 1) == [f"/session/{session_id}"]
    page.goto(live_server.url + "/signin")
    assert _kept_sessions(page, 0) == []
