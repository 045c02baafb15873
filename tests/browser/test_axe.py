"""axe-core (from npm, `node_modules/axe-core`) over every page in a real Chromium, at 390x844 and 1280x800, in the
light and the dark colour scheme, with the WCAG 2.0/2.1/2.2 A and AA rules: no violations. The personal app's pages
(and the player when it opens and when paused), then clinic mode's: sign-in, the dashboard, a patient's page, the
prescription editor, an alert, the account page and the sign-up form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from playwright.sync_api import Browser, Page

from browser.conftest import DESKTOP, PHONE, LiveServer, start_server
from browser.pages import PERSONAL_PAGES
from helpers import CLINIC_SECRET, PASSWORD, PROJECT_ROOT, fresh_database
from sciatica_coach.domain.alerts import Raised
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.alerts import save_alerts
from sciatica_coach.storage.db import make_engine
from sciatica_coach.storage.models import utcnow
from sciatica_coach.storage.safety import record_screening
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.accounts import accept_invite, create_user, make_invite

pytestmark = pytest.mark.browser

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SIZES = {"phone": PHONE, "desktop": DESKTOP}
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")


def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make assets` (npm ci installs axe-core)")
    return AXE.read_text()


def violations(page: Page) -> list[str]:
    """axe's violations on the page as it is now, one line each (rule, impact, the first elements)."""
    page.evaluate(axe_source())  # through the DevTools protocol: the page's own CSP is left as it is
    found: list[dict[str, Any]] = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        TAGS,
    )
    return [f"{v['id']} ({v['impact']}): {', '.join(v['nodes'])}" for v in found]


def check_pages(browser: Browser, base: str, paths: list[str], sign_in_as: str | None = None) -> list[str]:
    problems: list[str] = []
    for scheme, (size, (width, height)) in ((s, z) for s in SCHEMES for z in SIZES.items()):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
        try:
            page = context.new_page()
            if sign_in_as:
                page.goto(f"{base}/signin")
                page.get_by_label("E-mail address").fill(sign_in_as)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state()
            for path in paths:
                page.goto(base + path)
                page.wait_for_load_state("load")
                problems += [f"{scheme} {size} {path}: {line}" for line in violations(page)]
        finally:
            context.close()
    return problems


def test_the_personal_app_has_no_axe_violations(browser: Browser, live_server: LiveServer, cleared: int) -> None:
    problems = check_pages(browser, live_server.url, list(PERSONAL_PAGES))
    player = ""
    for scheme in SCHEMES:
        context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
        try:
            page = context.new_page()
            if not player:  # started once, then the same session opened again in the other scheme
                page.goto(live_server.url + "/")
                page.get_by_role("button", name="Start session").click()
                page.wait_for_url("**/session/*")
                player = page.url
            page.goto(player)
            page.locator("#player").wait_for()
            problems += [f"{scheme} player: {line}" for line in violations(page)]
            page.keyboard.press("Space")  # paused
            problems += [f"{scheme} player paused: {line}" for line in violations(page)]
        finally:
            context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def clinic_server(tmp_path: Path) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    """Clinic mode on SQLite: Dr Lee with one patient, Pat, who has an open alert."""
    with fresh_database("sqlite", tmp_path) as url:
        engine = make_engine(url)
        try:
            store = Store(engine)
            lee = create_user(store, "lee@clinic.test", PASSWORD, "clinician", "Dr Lee")
            pat = accept_invite(store, make_invite(store, lee.id, "Pat One"), "pat@example.org", PASSWORD)
            invite = make_invite(store, lee.id, "Sam Two")
            assert pat.patient_id is not None
            with store.write(pat.patient_id) as db:
                record_screening(db, pat.patient_id, "full", all_no("full"))
                save_alerts(
                    db, pat.patient_id, [Raised("leg-pain-high", 1, "high", "Leg pain of 7 or more.", utcnow())]
                )
        finally:
            engine.dispose()
        env = {"SCIATICA_MODE": "clinic", "SCIATICA_SECRET_KEY": CLINIC_SECRET}
        server = start_server(tmp_path, url, env=env)
        try:
            yield server, {"patient": str(pat.patient_id), "invite": invite}
        finally:
            server.stop()


def test_axe_finds_what_it_should(page: Page) -> None:
    """The harness itself: a picture without a text alternative and an unlabelled field are found."""
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"><input id="q"></main></html>')
    found = " ".join(violations(page))
    assert "image-alt" in found and "label" in found


def test_clinic_pages_have_no_axe_violations(
    browser: Browser, clinic_server: tuple[LiveServer, dict[str, str]]
) -> None:
    server, ids = clinic_server
    patient = f"/clinic/patients/{ids['patient']}"
    problems = check_pages(browser, server.url, ["/signin", f"/invite/{ids['invite']}"])
    problems += check_pages(
        browser,
        server.url,
        ["/clinic", patient, f"{patient}/prescription", "/clinic/alerts/1", "/account"],
        sign_in_as="lee@clinic.test",
    )
    problems += check_pages(browser, server.url, ["/", "/messages", "/account"], sign_in_as="pat@example.org")
    assert not problems, "\n".join(problems)
