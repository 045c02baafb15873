"""A player that cannot be mis-pressed, on a 390x844 phone and a 1280x800 desktop: Space pauses wherever focus is,
Skip asks once, Skip and Stop can be undone, Save stays visible above the controls, a lock or a session moved on
elsewhere stops the player with the reason, one tab speaks, and Back after finishing never shows a fresh player."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import LiveServer, watch_csp
from .player_steps import UNDO_WAIT, answer_check, start_session
from .test_safety import answer_full_form

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


@contextmanager
def sized(browser: Browser, size: str) -> Iterator[tuple[BrowserContext, Page]]:
    """A fresh context and page at one of SIZES; closed afterwards; fails on a security-policy violation."""
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        context.set_default_timeout(15_000)
        page = context.new_page()
        violations = watch_csp(page)
        yield context, page
    finally:
        context.close()
    assert not violations, violations


def state(page: Page, base: str, session_id: str) -> dict[str, object]:
    found: dict[str, object] = page.request.get(f"{base}/api/sessions/{session_id}").json()
    return found


def to_first_move(page: Page) -> None:
    answer_check(page, back=2, leg=2, left="buttock")
    expect(page.locator("#player")).to_have_attribute("data-kind", "get-ready", timeout=10_000)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("live_server", [2.0], indirect=True)
def test_space_on_a_focused_button_pauses_and_never_presses_it(
    browser: Browser, live_server: LiveServer, cleared: int, size: str
) -> None:
    with sized(browser, size) as (_context, page):
        session_id = start_session(page, live_server.url)
        to_first_move(page)
        player = page.locator("#player")
        index = player.get_attribute("data-index")
        for name in ("Skip exercise", "Stop: this hurts"):
            page.get_by_role("button", name=name).focus()
            page.keyboard.press("Space")
            expect(player).to_have_attribute("data-paused", "true")
            expect(page.locator("#confirm")).to_be_hidden()
            expect(page.locator("#stop-form")).to_be_hidden()
            page.keyboard.press("Space")
            expect(player).to_have_attribute("data-paused", "false")
        expect(player).to_have_attribute("data-exercise", "nerve-glide")
        assert int(player.get_attribute("data-index") or 0) >= int(index or 0)
        saved = state(page, live_server.url, session_id)
        assert saved["status"] == "in_progress"
        assert not saved["record"]["exercises"][0]["skipped"]  # type: ignore[index]


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("live_server", [2.0], indirect=True)
def test_skip_asks_once_and_can_be_undone(browser: Browser, live_server: LiveServer, cleared: int, size: str) -> None:
    with sized(browser, size) as (_context, page):
        session_id = start_session(page, live_server.url)
        to_first_move(page)
        player = page.locator("#player")
        page.get_by_role("button", name="Skip exercise").click()
        confirm = page.locator("#confirm")
        expect(confirm).to_contain_text("Skip the rest of the sciatic nerve glide?")
        expect(confirm.get_by_role("button", name="Keep going")).to_be_focused()  # Enter keeps going
        page.keyboard.press("Enter")
        expect(confirm).to_be_hidden()
        expect(player).to_have_attribute("data-exercise", "nerve-glide")

        page.get_by_role("button", name="Skip exercise").click()
        confirm.get_by_role("button", name="Yes, skip").click()
        undo = page.locator("#undo")
        expect(undo).to_contain_text("Skipping the rest of the sciatic nerve glide. Undo within")
        expect(undo.get_by_role("button", name="Undo")).to_be_focused()
        held = player.get_attribute("data-index")
        page.wait_for_timeout(1500)
        assert player.get_attribute("data-index") == held  # the clock waits while the skip can be undone
        undo.get_by_role("button", name="Undo").click()
        expect(undo).to_be_hidden()
        page.wait_for_timeout(6000)  # past the undo time: nothing was sent
        saved = state(page, live_server.url, session_id)
        assert not saved["record"]["exercises"][0]["skipped"]  # type: ignore[index]
        expect(player).to_have_attribute("data-exercise", "nerve-glide")
        assert page.locator("#check-form").is_hidden()


@pytest.mark.parametrize("live_server", [2.0], indirect=True)
def test_stop_can_be_undone_and_the_session_goes_on(page: Page, live_server: LiveServer, cleared: int) -> None:
    session_id = start_session(page, live_server.url)
    to_first_move(page)
    page.get_by_role("button", name="Stop: this hurts").click()
    page.get_by_role("button", name="Stop without answering").click()
    undo = page.locator("#undo")
    expect(undo).to_contain_text("Stopping the session. Undo within")
    undo.get_by_role("button", name="Undo").click()
    page.wait_for_timeout(6000)
    assert state(page, live_server.url, session_id)["status"] == "in_progress"
    player = page.locator("#player")
    expect(player).to_have_attribute("data-paused", "true")
    page.get_by_role("button", name="Resume").click()
    expect(player).to_have_attribute("data-paused", "false")
    # Stopping for real, without undo, ends it once the few seconds have passed.
    page.get_by_role("button", name="Stop: this hurts").click()
    page.get_by_role("button", name="Stop without answering").click()
    expect(page.locator("#summary")).to_be_visible(timeout=UNDO_WAIT)
    assert state(page, live_server.url, session_id)["status"] == "stopped"


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("live_server", [2.0], indirect=True)
def test_save_is_visible_above_the_controls(browser: Browser, live_server: LiveServer, cleared: int, size: str) -> None:
    with sized(browser, size) as (_context, page):
        start_session(page, live_server.url)
        _width, height = SIZES[size]
        save = page.get_by_role("button", name="Save and continue")
        page.locator("#check-title").focus()
        for _ in range(30):  # Tab through the form to Save, as a keyboard user does
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "Save and continue":
                break
        expect(save).to_be_focused()
        for scrolled in ("focused", "top"):
            if scrolled == "top":
                page.evaluate("window.scrollTo(0, 0)")
            box, dock = save.bounding_box(), page.locator("#dock").bounding_box()
            assert box is not None and dock is not None
            assert box["y"] >= 0 and box["y"] + box["height"] <= dock["y"] + 1, (scrolled, box, dock)
            assert dock["y"] + dock["height"] <= height + 1
        if size == "phone":
            assert dock["height"] <= 80, dock  # one compact row of controls (it was 134 px)


@pytest.mark.parametrize("live_server", [2.0], indirect=True)
def test_a_lock_raised_in_another_tab_stops_the_player(page: Page, live_server: LiveServer, cleared: int) -> None:
    start_session(page, live_server.url)
    to_first_move(page)
    other = page.context.new_page()
    other.goto(live_server.url + "/screening")
    answer_full_form(other, yes={"bladder-trouble"})
    expect(other).to_have_url(live_server.url + "/safety")
    player = page.locator("#player")
    expect(player).to_have_attribute("data-state", "gated", timeout=10_000)  # seen by the player's poll
    expect(page.locator("#status")).to_contain_text("Find out what to do")
    for name in ("Pause", "Skip exercise", "Stop: this hurts"):
        expect(page.get_by_role("button", name=name)).to_be_disabled()
    expect(page.locator("#check-form")).to_be_hidden()
    index = player.get_attribute("data-index")
    page.wait_for_timeout(1500)
    assert player.get_attribute("data-index") == index  # the clock has stopped


@pytest.mark.parametrize("live_server", [2.0], indirect=True)
def test_a_session_moved_on_elsewhere_stops_this_player(page: Page, live_server: LiveServer, cleared: int) -> None:
    session_id = start_session(page, live_server.url)
    to_first_move(page)
    page.get_by_role("button", name="Pause").click()
    saved = state(page, live_server.url, session_id)
    api = f"{live_server.url}/api/sessions/{session_id}"
    for index in range(int(saved["position"]), int(saved["position"]) + 4):  # type: ignore[call-overload]
        assert page.request.post(f"{api}/progress", data={"completed_index": index}).ok  # another device plays on
    player = page.locator("#player")
    expect(player).to_have_attribute("data-state", "moved", timeout=10_000)
    expect(page.locator("#status")).to_contain_text("moved on in another window or device")
    expect(page.get_by_role("button", name="Resume")).to_be_disabled()
    page.get_by_role("link", name="Carry on from where it is now.").click()
    expect(player).to_have_attribute("data-state", "running")


SPEAKING = """
window.__spoken = [];
const fakeVoice = { name: "Test voice", lang: "en-GB", default: true, localService: true, voiceURI: "test" };
window.speechSynthesis.getVoices = () => [fakeVoice];
window.speechSynthesis.speak = (utterance) => window.__spoken.push(utterance.text);
"""


@pytest.mark.parametrize("live_server", [2.0], indirect=True)
def test_only_one_tab_speaks_and_a_spoken_cue_is_not_also_announced(
    page: Page, live_server: LiveServer, cleared: int
) -> None:
    page.context.add_init_script(SPEAKING)
    start_session(page, live_server.url)
    second = page.context.new_page()
    second.goto(page.url)
    expect(second.locator("#player")).to_have_attribute("data-state", "running")
    expect(second.locator("#player")).to_have_attribute("data-voice", "this-tab")
    expect(page.locator("#player")).to_have_attribute("data-voice", "other-tab")  # the newer tab took the voice
    spoken_first = len(page.evaluate("window.__spoken"))
    spoken_second = len(second.evaluate("window.__spoken"))
    answer_check(second, back=1, leg=1)  # the session moves on in the speaking tab
    expect(second.locator("#player")).to_have_attribute("data-kind", "get-ready")
    second.wait_for_timeout(500)
    assert len(second.evaluate("window.__spoken")) > spoken_second
    assert len(page.evaluate("window.__spoken")) == spoken_first
    # While cues are spoken the live region is off, so a screen reader does not read each cue twice.
    expect(second.locator("#cue")).to_have_attribute("aria-live", "off")
    expect(page.locator("#cue")).to_have_attribute("aria-live", "off")


@pytest.mark.parametrize("live_server", [30.0], indirect=True)
def test_back_after_finishing_never_shows_a_fresh_player(page: Page, live_server: LiveServer, cleared: int) -> None:
    session_id = start_session(page, live_server.url)
    player_url = page.url
    response = page.request.get(player_url)
    assert response.headers["cache-control"] == "no-store"
    assert page.request.get(f"{live_server.url}/api/sessions/{session_id}").headers["cache-control"] == "no-store"
    page.get_by_role("button", name="Stop: this hurts").click()
    page.get_by_role("button", name="Stop without answering").click()
    summary = page.locator("#summary")
    expect(summary).to_be_visible(timeout=UNDO_WAIT)
    summary.get_by_role("link", name="See your history").click()
    page.wait_for_url("**/history")
    page.go_back()
    page.wait_for_url(player_url)
    expect(page.locator("#player")).to_have_count(0)  # the saved session's summary, not a player at 0 %
    expect(page.get_by_text("Session stopped because it hurt").first).to_be_visible()


@pytest.mark.parametrize("live_server", [2.0], indirect=True)
def test_stop_still_works_while_a_skip_waits_to_be_undone(page: Page, live_server: LiveServer, cleared: int) -> None:
    session_id = start_session(page, live_server.url)
    to_first_move(page)
    page.get_by_role("button", name="Skip exercise").click()
    page.get_by_role("button", name="Yes, skip").click()
    expect(page.locator("#undo")).to_be_visible()
    page.get_by_role("button", name="Stop: this hurts").click()  # the skip is dropped for the stop
    expect(page.locator("#undo")).to_be_hidden()
    expect(page.locator("#stop-form")).to_be_visible()
    page.get_by_role("button", name="Back to the session").click()
    page.wait_for_timeout(6000)
    saved = state(page, live_server.url, session_id)
    assert saved["status"] == "in_progress"
    assert not saved["record"]["exercises"][0]["skipped"]  # type: ignore[index]


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("live_server", [30.0], indirect=True)
def test_patient_pages_show_no_rule_ids_and_the_sbi_kindly(
    browser: Browser, live_server: LiveServer, cleared: int, size: str
) -> None:
    with sized(browser, size) as (_context, page):
        session_id = start_session(page, live_server.url)
        api = f"{live_server.url}/api/sessions/{session_id}"
        calm = {"back": 2, "leg": 3, "left_reach": "thigh", "right_reach": "none"}
        for phase in state(page, live_server.url, session_id)["script"]:  # type: ignore[attr-defined]
            if phase["duration"] is None:  # before calm; after the glide further down the leg: the rules change it
                answers = calm if phase["index"] == 0 else {**calm, "left_reach": "below-knee"}
                assert page.request.post(f"{api}/check", data={"index": phase["index"], **answers}).ok
                if phase["kind"] == "check-between":
                    break
            else:
                assert page.request.post(f"{api}/progress", data={"completed_index": phase["index"]}).ok
        page.goto(live_server.url + "/plan")
        expect(page.locator("main")).to_contain_text("bent knee")
        expect(page.locator("main")).not_to_contain_text("Rule ")
        expect(page.locator("body")).not_to_contain_text(", version ")
        page.goto(live_server.url + "/checkin/sbi")
        for item, value in (("leg-pain", 5), ("numbness-tingling", 4), ("weakness", 3), ("sitting-pain", 4)):
            page.locator(f"label:has(input[name='{item}'][value='{value}'])").click()
        page.locator("main form button[type=submit]").click()
        expect(page.locator("main")).to_contain_text("not a pass mark for you")
        expect(page.locator("main")).not_to_contain_text("above it")
