"""The clinic loop in two browsers, on the real server, worker and SMTP server (clinic mode on PostgreSQL).

A clinician (desktop) signs in and makes a sign-up link; the patient (phone, a second browser context) signs up
through it, answers the safety questions and does a morning check-in with a warning sign; the emergency advice is
shown at once; the critical alert appears on the clinician's dashboard and on its own page; the background worker
e-mails the clinician a link to the alert (no health details) through a real local SMTP server within a minute.
Screenshots of each step go to `SCIATICA_SCREENSHOTS` when it is set (looked at by hand)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from alerts.inbox import Inbox, body_of, smtp_inbox
from browser.conftest import LiveServer, start_server, stop_process, watch_csp
from helpers import CLINIC_SECRET, PASSWORD, fresh_database
from sciatica_coach.storage.db import make_engine
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.accounts import create_user

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

CLINICIAN = "lee@clinic.test"
PATIENT = "pat@example.org"
BASE_URL = "https://coach.clinic.test"


def shot(page: Page, name: str) -> None:
    """A full-page screenshot for the closing note, when asked for."""
    folder = os.environ.get("SCIATICA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"clinic-{name}.png"), full_page=True)


@pytest.fixture
def clinic_world(tmp_path: Path) -> Iterator[tuple[LiveServer, str, Inbox]]:
    """PostgreSQL with one clinician; the server in clinic mode; the worker sending to a local SMTP server."""
    with fresh_database("postgres", tmp_path) as url, smtp_inbox() as (inbox, port):
        engine = make_engine(url)
        try:
            create_user(Store(engine), CLINICIAN, PASSWORD, "clinician", "Dr Lee")
        finally:
            engine.dispose()
        env = {
            "SCIATICA_MODE": "clinic",
            "SCIATICA_SECRET_KEY": CLINIC_SECRET,
            "SCIATICA_SMTP_HOST": "127.0.0.1",
            "SCIATICA_SMTP_PORT": str(port),
            "SCIATICA_MAIL_FROM": "alerts@clinic.test",
            "SCIATICA_BASE_URL": BASE_URL,
        }
        server = start_server(tmp_path, url, env=env)
        log = (tmp_path / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "sciatica_coach", "worker"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "DATABASE_URL": url, **env},
        )
        try:
            yield server, url, inbox
        finally:
            stop_process(worker, timeout=15)
            log.close()
            server.stop()


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/signin")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def answer_all(page: Page, prefix: str, value: str) -> None:
    """Tick `value` for every visible radio group whose name starts with `prefix`."""
    selector = f'input[type=radio][name^="{prefix}"]' if prefix else "input[type=radio]"
    names = page.eval_on_selector_all(
        selector, "els => [...new Set(els.filter(e => e.checkVisibility()).map(e => e.name))]"
    )
    for name in names:
        page.locator(f'input[name="{name}"][value="{value}"]').check()


def test_a_clinician_invites_a_patient_whose_red_flag_reaches_the_dashboard_and_the_inbox(
    browser: Browser, clinic_world: tuple[LiveServer, str, Inbox]
) -> None:
    server, _, inbox = clinic_world
    base = server.url
    desk = browser.new_context(viewport={"width": 1280, "height": 800})
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        clinician, patient = desk.new_page(), phone.new_page()
        violations = watch_csp(clinician) + watch_csp(patient)

        # The clinician signs in and makes a one-time sign-up link.
        sign_in(clinician, base, CLINICIAN)
        expect(clinician).to_have_url(f"{base}/clinic")
        clinician.get_by_label("Their name (optional)").fill("Pat One")
        clinician.get_by_role("button", name="Make a sign-up link").click()
        link = clinician.get_by_label("Link").input_value()
        assert "/invite/" in link
        shot(clinician, "1-invite")

        # The patient signs up through it (on their phone: another browser, no shared cookies).
        patient.goto(base + link[link.index("/invite/") :])
        patient.get_by_label("Your name").fill("Pat One")
        patient.get_by_label("E-mail address").fill(PATIENT)
        patient.get_by_label("Password (at least").fill(PASSWORD)
        patient.get_by_label("The same password again").fill(PASSWORD)
        patient.get_by_role("button", name="Create my account").click()
        # First the full safety questions, as for anyone new: all "no".
        expect(patient).to_have_url(f"{base}/screening")
        answer_all(patient, "", "no")
        patient.locator("form[action='/screening'] button[type=submit]").click()
        patient.wait_for_load_state()
        shot(patient, "2-patient-screened")
        expect(patient.locator("h1")).not_to_have_text("Safety questions")

        # The morning check-in: new numbness opens the warning-sign questions it calls for; one is answered "yes".
        patient.goto(f"{base}/checkin")
        for field, value in (("back_pain", "3"), ("leg_pain", "6")):
            patient.locator(f'input[name="{field}"][value="{value}"]').check()
        patient.locator('input[name="left_reach"][value="thigh"]').check()
        patient.locator('input[name="right_reach"][value="none"]').check()
        patient.locator('input[name="numbness"][value="yes"]').check()
        patient.locator('input[name="weakness"][value="no"]').check()
        answer_all(patient, "rf_", "no")
        patient.locator('input[name^="rf_"][value="yes"]:visible').first.check()
        patient.get_by_role("button", name="Save my check-in").click()
        urgent = patient.locator(".urgent, .emergency, [role=alert]").first
        expect(urgent).to_be_visible()
        shot(patient, "3-patient-red-flag")

        # The clinician's dashboard shows the critical alert; its page says which patient and why.
        deadline = time.monotonic() + 30
        while True:
            clinician.goto(f"{base}/clinic")
            row = clinician.locator("tr", has_text="Pat One")
            if row.count() and "critical" in row.first.inner_text().lower():
                break
            assert time.monotonic() < deadline, clinician.content()
            time.sleep(1)
        shot(clinician, "4-dashboard")
        # The alert is in view on a desktop without scrolling sideways, and the nav is the clinician's own.
        box = row.first.locator(".open-alerts").bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280, box
        nav = clinician.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Patients")).to_be_visible()
        for patients_own in ("Today", "Check-in", "Progress", "History"):
            expect(nav.get_by_role("link", name=patients_own, exact=True)).to_have_count(0)
        row.first.locator(".open-alerts a").click()
        expect(clinician.locator("body")).to_contain_text("Pat One")
        alert_url = clinician.url
        assert "/clinic/alerts/" in alert_url
        shot(clinician, "5-alert")

        # The worker e-mails Dr Lee a link to that alert within a minute, and nothing about Pat's health.
        deadline = time.monotonic() + 60
        while not inbox.messages:
            assert time.monotonic() < deadline, "no e-mail within a minute"
            time.sleep(0.5)
        recipients, message = inbox.messages[0]
        assert recipients == [CLINICIAN]
        words = body_of(message) + message["Subject"]
        assert f"{BASE_URL}/clinic/alerts/{alert_url.rsplit('/', 1)[1]}" in words
        for secret in ("Pat One", PATIENT, "pain", "red flag", "warning", "critical", "numb", "bladder", "urine"):
            assert secret.lower() not in words.lower(), secret
        assert not violations, violations
    finally:
        desk.close()
        phone.close()
