"""In Chromium: every page works under the Content-Security-Policy (the `page` fixture fails on any violation), and
a form on another website cannot post to the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, Route, expect
from sqlalchemy import func, select

from browser.conftest import clear_to_exercise
from browser.pages import PERSONAL_PAGES
from browser.player_steps import skip_exercise, start_session
from sciatica_coach.storage.db import make_engine, make_session_factory
from sciatica_coach.storage.models import CheckIn

if TYPE_CHECKING:
    from browser.conftest import LiveServer

pytestmark = pytest.mark.browser

PAGES = [*PERSONAL_PAGES, "/no-such-page"]


def checkins(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            return db.scalar(select(func.count()).select_from(CheckIn)) or 0
    finally:
        engine.dispose()


def test_every_page_and_the_player_keep_to_the_security_policy(live_server: LiveServer, page: Page) -> None:
    clear_to_exercise(live_server.database_url)
    for path in PAGES:
        response = page.goto(live_server.url + path)
        assert response is not None
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("load")
    session_id = start_session(page, live_server.url)  # the player's modules, its API calls and the summary
    skip_exercise(page)
    page.goto(live_server.url + f"/session/{session_id}")
    expect(page.locator("#player")).to_be_visible()
    page.goto(live_server.url + "/history")
    page.wait_for_load_state("load")


def test_a_form_on_another_website_cannot_post_a_check_in(live_server: LiveServer, page: Page) -> None:
    """The attack from the issue: a page elsewhere submits a form to the local server; Chromium marks it cross-site."""
    target = live_server.url + "/checkin"
    fields = "".join(
        f'<input type="hidden" name="{name}" value="{value}">'
        for name, value in {"back_pain": "9", "leg_pain": "9", "left_reach": "foot", "right_reach": "none"}.items()
    )
    evil = f'<!doctype html><form method="post" action="{target}">{fields}<button id="go">Win a prize</button></form>'

    def serve_evil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=evil)

    page.route("http://evil.example/**", serve_evil)
    page.goto("http://evil.example/prize")
    with page.expect_navigation() as navigation:
        page.locator("#go").click()
    response = navigation.value
    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("This request came from another website")
    assert checkins(live_server.database_url) == 0
