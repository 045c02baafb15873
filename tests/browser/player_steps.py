"""Steps the player tests share: record the page's sc:* events, start a session, skip an exercise, answer a symptom
check."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

RECORD_EVENTS = """
window.__sc = [];
const text = (id) => (document.getElementById(id) ? document.getElementById(id).textContent : null);
for (const name of ["sc:phase", "sc:paused", "sc:resumed", "sc:finished"]) {
  document.addEventListener(name, (e) => window.__sc.push({
    type: name, sessionId: e.detail.sessionId, index: e.detail.index,
    kind: e.detail.phase ? e.detail.phase.kind : null, status: e.detail.status || null,
    exercise: e.detail.phase ? e.detail.phase.exercise_id : null,
    counter: text("counter"), cue: text("cue"),
    breath: document.getElementById("breath") && !document.getElementById("breath").hidden ? text("breath") : null,
    picture: !!document.querySelector("#phase-illustration svg"),
  }));
}
"""


def record_events(page: Page) -> None:
    """Collect every sc:* event the player dispatches into window.__sc (survives reloads)."""
    page.add_init_script(RECORD_EVENTS)


def events(page: Page) -> list[dict[str, Any]]:
    """The sc:* events seen on the current document."""
    found: list[dict[str, Any]] = page.evaluate("window.__sc")
    return found


def start_session(page: Page, base_url: str) -> str:
    """From the today page, press Start session; returns the session id once the player is running."""
    page.goto(base_url + "/")
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url("**/session/*")
    expect(page.locator("#player")).to_have_attribute("data-state", "running")
    session_id = page.locator("#player").get_attribute("data-session-id")
    assert session_id
    return session_id


UNDO_WAIT = 15_000  # ms: Skip and Stop are sent once their undo time (5 s) has passed


def skip_exercise(page: Page) -> None:
    """Press Skip, confirm, and wait (through the undo time) until the player shows the check that closes the exercise
    or the next exercise (not a fixed time)."""
    player = page.locator("#player")
    index = player.get_attribute("data-index")
    page.locator("#skip").click()
    page.locator("#confirm").get_by_role("button", name="Yes, skip").click()
    expect(page.locator("#undo")).to_be_visible()
    expect(player).not_to_have_attribute("data-index", index or "", timeout=UNDO_WAIT)


def skip_to_next_exercise(page: Page) -> None:
    """Skip the exercise under way and answer the one check between it and the next (a clean one)."""
    name = page.locator("#exercise-name")
    current = name.text_content() or ""
    skip_exercise(page)
    if page.locator("#player").get_attribute("data-kind") == "check-between":
        answer_check(page, back=1, leg=1)
    expect(name).not_to_have_text(current)


def answer_check(page: Page, back: int, leg: int, left: str = "none", right: str = "none") -> None:
    """Fill the inline symptom check and submit it."""
    form = page.locator("#check-form")
    expect(form).to_be_visible()
    form.locator(f"label:has(input[name=back][value='{back}'])").click()
    form.locator(f"label:has(input[name=leg][value='{leg}'])").click()
    form.locator("#left-reach").select_option(left)
    form.locator("#right-reach").select_option(right)
    form.get_by_role("button", name="Save and continue").click()


def wait_for_phase(page: Page, kind: str, counter: str, timeout: float = 30_000) -> None:
    """Wait until the player shows a phase of `kind` whose counter contains `counter` (e.g. 'Rep 3 of 5')."""
    page.wait_for_function(
        "([kind, counter]) => { const p = document.getElementById('player');"
        " return p.dataset.kind === kind && document.getElementById('counter').textContent.includes(counter); }",
        arg=[kind, counter],
        polling=10,
        timeout=timeout,
    )
