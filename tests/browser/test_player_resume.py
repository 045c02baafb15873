"""A session survives a page reload and a server restart: it resumes at the start of the same rep."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer, start_server
from .player_steps import answer_check, events, record_events, start_session, wait_for_phase

pytestmark = pytest.mark.browser
SPEED = 5.0  # slow enough that a 5-second hold lasts a full real second, so the test can pause inside it


def _record(server: LiveServer, session_id: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.url}/api/sessions/{session_id}") as response:
        data: dict[str, Any] = json.load(response)
    return data


def _pause_in_the_hold_of_rep_3(page: Page) -> None:
    wait_for_phase(page, "hold", "Rep 3 of 5 · left leg")
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#player")).to_have_attribute("data-paused", "true")


def _expect_resumed_at_rep_3(page: Page) -> None:
    player = page.locator("#player")
    expect(player).to_have_attribute("data-state", "running")
    expect(player).to_have_attribute("data-kind", "move")  # the start of the rep that was under way
    expect(page.locator("#counter")).to_have_text("Move — Rep 3 of 5 · left leg")
    expect(player).to_have_attribute("data-paused", "true")  # waits until the person is in position
    expect(page.locator("#status")).to_contain_text("Welcome back. Picking up at Sciatic nerve glide, Rep 3 of 5")


@pytest.mark.parametrize("live_server", [SPEED], indirect=True)
def test_reload_mid_session_resumes_at_the_same_rep(page: Page, live_server: LiveServer, cleared: int) -> None:
    record_events(page)
    session_id = start_session(page, live_server.url)
    answer_check(page, back=4, leg=5, left="below-knee")
    _pause_in_the_hold_of_rep_3(page)
    saved = _record(live_server, session_id)
    glide = saved["record"]["exercises"][0]
    assert glide["reps_done"] == {"left": 2, "right": 0}
    assert saved["script"][saved["resume"]]["rep"] == 3

    page.reload()
    _expect_resumed_at_rep_3(page)
    assert _record(live_server, session_id)["record"]["exercises"][0]["pain_before"]["leg"] == 5  # nothing lost

    page.get_by_role("button", name="Resume").click()
    assert [e["type"] for e in events(page)][-1] == "sc:resumed"
    wait_for_phase(page, "move", "Rep 4 of 5 · left leg")
    glide = _record(live_server, session_id)["record"]["exercises"][0]
    assert glide["reps_done"]["left"] == 3
    assert glide["holds_completed"] == 3  # the interrupted hold counts once, when redone


@pytest.mark.parametrize("live_server", [SPEED], indirect=True)
def test_server_restart_mid_session_resumes_at_the_same_rep(
    page: Page, live_server: LiveServer, cleared: int, tmp_path: Path
) -> None:
    session_id = start_session(page, live_server.url)
    answer_check(page, back=1, leg=1)
    _pause_in_the_hold_of_rep_3(page)
    live_server.stop()
    restarted = start_server(tmp_path, live_server.database_url, clock_speed=SPEED)
    try:
        page.goto(f"{restarted.url}/session/{session_id}")
        _expect_resumed_at_rep_3(page)
        assert _record(restarted, session_id)["record"]["exercises"][0]["reps_done"]["left"] == 2
    finally:
        restarted.stop()
