"""A whole guided session in Chromium on an accelerated clock, then found on the history page."""

from __future__ import annotations

import json
import urllib.request
from itertools import pairwise

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer
from .player_steps import UNDO_WAIT, answer_check, events, record_events, start_session

pytestmark = pytest.mark.browser


# The whole session runs once on each database the app supports (PostgreSQL is required under CI=true).
@pytest.mark.parametrize("browser_db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
@pytest.mark.parametrize("live_server", [30.0], indirect=True)
def test_a_whole_session_completes_and_shows_in_history(page: Page, live_server: LiveServer, cleared: int) -> None:
    record_events(page)
    session_id = start_session(page, live_server.url)
    with urllib.request.urlopen(f"{live_server.url}/api/sessions/{session_id}") as response:
        script = json.load(response)["script"]
    checks = [p for p in script if p["duration"] is None]
    # One check before the first exercise, one between each two (after the one, before the next), one at the end.
    assert [p["kind"] for p in checks] == ["check-before", "check-between", "check-between", "check-after"]
    shown_checks = []
    for phase, leg, left in zip(checks, (5, 3, 1, 0), ("thigh", "thigh", "thigh", "buttock"), strict=True):
        expect(page.locator("#player")).to_have_attribute("data-index", str(phase["index"]), timeout=30_000)
        expect(page.locator("#check-form")).to_be_visible()
        shown_checks.append(page.locator("#check-intro").text_content())
        answer_check(page, back=3, leg=leg, left=left)
    assert "also your check before the next exercise" in (shown_checks[1] or "")
    summary = page.locator("#summary")
    expect(summary).to_be_visible(timeout=30_000)
    expect(summary.get_by_role("heading", level=2)).to_have_text("Session complete. Well done!")
    expect(summary).to_contain_text("left 5 of 5, right 5 of 5")
    expect(summary).to_contain_text("10 of 10 (5 s)")
    expect(page.locator("#player")).to_be_hidden()

    seen = events(page)
    phases = [e["index"] for e in seen if e["type"] == "sc:phase"]
    assert phases == list(range(len(script)))  # every phase played once, in order
    # Never two symptom forms in a row: after each check comes a timed phase (or the end).
    kinds = [e["kind"] for e in seen if e["type"] == "sc:phase"]
    assert not any(a.startswith("check") and b.startswith("check") for a, b in pairwise(kinds))
    assert all(e["sessionId"] == session_id for e in seen)
    shown = {e["index"]: e for e in seen if e["type"] == "sc:phase"}
    for phase in script:
        event = shown[phase["index"]]
        assert event["cue"] == phase["cue"]  # the cue of each phase is on screen (and in the live region)
        if phase["duration"] is not None:
            assert event["picture"], phase  # the exercise's drawing for the phase
        if phase["exercise_id"] == "prone-press-up" and phase["kind"] in ("move", "return"):
            assert event["breath"] == ("Breathe out" if phase["kind"] == "move" else "Breathe in")
        else:
            assert event["breath"] is None
    rep_two_right = next(p for p in script if p["kind"] == "hold" and p["rep"] == 2 and p["side"] == "right")
    assert shown[rep_two_right["index"]]["counter"] == "Hold — Rep 2 of 5 · right leg"
    assert [e["status"] for e in seen if e["type"] == "sc:finished"] == ["completed"]
    # Headless Chromium has no voices: cues fall back to a flashing assertive live region and a beep.
    player = page.locator("#player")
    assert player.get_attribute("data-cue-mode") == "visual"
    assert int(player.get_attribute("data-beeps") or 0) >= len(script)
    assert page.locator("#cue").get_attribute("aria-live") == "assertive"

    summary.get_by_role("link", name="See your history").click()
    page.wait_for_url("**/history")
    item = page.locator(f'[data-session-id="{session_id}"]')
    expect(item).to_contain_text("Completed")
    expect(item).to_contain_text("Sciatic nerve glide")
    expect(item).to_contain_text("left 5 of 5, right 5 of 5")
    expect(item).to_contain_text("Pain before: back 3, leg 5; left leg down to the thigh, right leg clear.")
    expect(item).to_contain_text("After: back 3, leg 0; left leg in the buttock, right leg clear.")


@pytest.mark.parametrize("live_server", [30.0], indirect=True)
def test_no_answer_is_prefilled_and_stop_asks_the_pain_and_where(
    page: Page, live_server: LiveServer, cleared: int
) -> None:
    record_events(page)
    session_id = start_session(page, live_server.url)
    form = page.locator("#check-form")
    expect(form).to_be_visible()
    # Nothing is chosen in advance: an unnoticed form cannot save "no leg symptoms".
    assert form.locator("input[type=radio]:checked").count() == 0
    expect(form.locator("#left-reach")).to_have_value("")
    expect(form.locator("#right-reach")).to_have_value("")
    form.locator("label:has(input[name=back][value='2'])").click()
    form.get_by_role("button", name="Save and continue").click()
    expect(form.locator("#check-error")).to_have_text(
        "Please answer every question. Still to answer: leg pain, left leg, right leg."
    )
    state = page.request.get(f"{live_server.url}/api/sessions/{session_id}").json()
    assert state["position"] == 0 and state["record"]["exercises"][0]["pain_before"] is None  # nothing saved
    answer_check(page, back=2, leg=2, left="buttock")
    expect(page.locator("#player")).to_have_attribute("data-kind", "move", timeout=10_000)

    page.get_by_role("button", name="Stop: this hurts").click()
    stop = page.locator("#stop-form")
    expect(stop).to_be_visible()
    expect(page.locator("#player")).to_have_attribute("data-paused", "true")  # everything stops at once
    assert stop.locator("input[type=radio]:checked").count() == 0
    stop.get_by_role("button", name="Save and stop").click()
    expect(stop.locator("#stop-error")).to_contain_text("back pain, leg pain, left leg, right leg")
    state = page.request.get(f"{live_server.url}/api/sessions/{session_id}").json()
    assert state["status"] == "in_progress"  # not saved until every answer is chosen (or declined)
    stop.locator("label:has(input[name=back_pain][value='4'])").click()
    stop.locator("label:has(input[name=leg_pain][value='7'])").click()
    stop.locator("#stop-left-reach").select_option("below-knee")
    stop.locator("#stop-right-reach").select_option("none")
    stop.get_by_role("button", name="Save and stop").click()

    expect(page.locator("#undo")).to_contain_text("Stopping the session.")  # a few seconds to undo, then sent
    summary = page.locator("#summary")
    expect(summary.get_by_role("heading", level=2)).to_have_text("Session stopped because it hurt", timeout=UNDO_WAIT)
    expect(summary).not_to_contain_text("Well done")
    expect(summary).to_contain_text("You stopped the sciatic nerve glide because it hurt.")
    expect(summary).to_contain_text("contact your doctor or physiotherapist")
    expect(summary).to_contain_text("Get emergency care now")
    assert [e["status"] for e in events(page) if e["type"] == "sc:finished"] == ["stopped"]
    state = page.request.get(f"{live_server.url}/api/sessions/{session_id}").json()
    glide = state["record"]["exercises"][0]
    assert glide["stopped_for_pain"] is True
    assert glide["pain_after"] == {"back": 4, "leg": 7, "left_reach": "below-knee", "right_reach": "none"}


@pytest.mark.parametrize("live_server", [30.0], indirect=True)
def test_a_check_that_shows_spreading_leaves_the_exercise_out_with_advice(
    page: Page, live_server: LiveServer, cleared: int
) -> None:
    start_session(page, live_server.url)
    answer_check(page, back=2, leg=3, left="thigh")
    expect(page.locator("#player")).to_have_attribute("data-kind", "get-ready", timeout=10_000)
    page.get_by_role("button", name="Skip exercise").click()
    page.get_by_role("button", name="Yes, skip").click()
    # The skip lands on the one check between the glide and the press-up.
    expect(page.locator("#player")).to_have_attribute("data-kind", "check-between", timeout=UNDO_WAIT)
    answer_check(page, back=2, leg=3, left="foot")  # further down the leg than before the glide
    advice = page.locator("#step-down")
    expect(advice).to_be_visible()
    expect(page.locator("#step-down-title")).to_have_text("Stop the sciatic nerve glide for today")
    expect(page.locator("#step-down-title")).to_be_focused()
    expect(advice).to_contain_text("Your symptoms reached further down your leg than before you started this exercise.")
    expect(advice).to_contain_text("We have switched you to the sciatic nerve glide, bent knee")  # the rules ran
    expect(advice).to_contain_text("contact your doctor or physiotherapist")
    expect(page.locator("#check-form")).to_be_hidden()
    page.reload()  # the advice is still there after a reload
    expect(page.locator("#step-down-title")).to_have_text("Stop the sciatic nerve glide for today")
    page.get_by_role("button", name="Go on to the next exercise").click()
    expect(advice).to_be_hidden()
    # The check between was also the press-up's check before: it starts at once, with no second form.
    expect(page.locator("#player")).to_have_attribute("data-exercise", "prone-press-up")
    expect(page.locator("#player")).to_have_attribute("data-kind", "get-ready")
    expect(page.locator("#check-form")).to_be_hidden()


SPEAKING_BROWSER = """
window.__spoken = [];
const fakeVoice = { name: "Test voice", lang: "en-GB", default: true, localService: true, voiceURI: "test" };
window.speechSynthesis.getVoices = () => [fakeVoice];
window.speechSynthesis.speak = (utterance) => window.__spoken.push(utterance.text);
"""


@pytest.mark.parametrize("live_server", [30.0], indirect=True)
def test_cues_are_spoken_when_a_voice_exists(page: Page, live_server: LiveServer, cleared: int) -> None:
    page.add_init_script(SPEAKING_BROWSER)  # headless Chromium has no voices: give it one that records
    start_session(page, live_server.url)
    player = page.locator("#player")
    expect(player).to_have_attribute("data-cue-mode", "speech")
    answer_check(page, back=1, leg=1)
    expect(player).to_have_attribute("data-kind", "hold", timeout=10_000)
    spoken: list[str] = page.evaluate("window.__spoken")
    assert spoken[0].startswith("Before you start: rate your back and leg pain")
    assert "Lift the straight leg and your head and shoulders together." in spoken
    assert player.get_attribute("data-beeps") == "0"  # no fallback beeps while a voice speaks
    page.get_by_label("Speak the cues aloud").uncheck()
    expect(player).to_have_attribute("data-cue-mode", "visual")
