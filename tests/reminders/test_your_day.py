"""The home page knows your day (on SQLite and PostgreSQL): sessions completed of those planned today, the morning
check-in due or done, the next reminder, the last program change in patient words; and during a safety lock, only
the safety message and the call buttons."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from helpers import MORNING_OK, Driver
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.models import AuditEntry, PlanChange, Screening
from sciatica_coach.storage.safety import record_screening

HTML = {"accept": "text/html"}
TIMES = {"session_times": ["00:00", "23:59"], "checkin_time": "00:01", "timezone": "UTC"}


def _day(html: str) -> str:
    found = re.search(r'<section class="card your-day".*?</section>', html, re.S)
    assert found, "no 'Your day' card"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def test_a_fresh_day_shows_nothing_done_the_check_in_due_and_no_reminders(client: TestClient, screened: int) -> None:
    response = client.get("/", headers=HTML)
    assert response.status_code == 200
    day = _day(response.text)
    assert "Sessions today: 0 of 2 done" in day  # the glides ask for twice a day
    assert "Morning check-in: due" in day and 'href="/checkin"' in response.text
    assert "Next reminder: none set" in day and 'href="/reminders"' in response.text
    assert "Last change to your program" not in day


def test_the_day_counts_a_finished_session_the_check_in_and_the_next_reminder(
    client: TestClient, drive: Driver, screened: int
) -> None:
    drive.play_session()
    assert client.post("/api/checkins/morning", json=MORNING_OK).status_code == 201
    assert client.put("/api/reminders", json=TIMES).status_code == 200
    day = _day(client.get("/", headers=HTML).text)
    assert "Sessions today: 1 of 2 done" in day
    assert "Morning check-in: done" in day
    # 00:00, 00:01 and 23:59 UTC: the next one is tonight's 23:59 session (or, in the minutes around midnight, the
    # one after it), never one in the past
    expected = r"Next reminder: (session today at 23:59|session tomorrow at 00:00|morning check-in today at 00:01)"
    assert re.search(expected, day), day


def test_the_last_program_change_is_one_line_without_rule_ids(
    client: TestClient, factory: sessionmaker[Session], screened: int, catalog: Catalog
) -> None:
    with factory.begin() as db:
        item = {"exercise_id": "nerve-glide", "reps": 5, "hold_seconds": 5, "sides": ["left", "right"]}
        db.add(
            PlanChange(
                patient_id=screened,
                rule_id="traffic-light-progress",
                exercise_id="nerve-glide",
                reason="Your leg pain stayed in the green zone.",
                before={"item": item},
                after={"action": "change-reps", "rule_version": 1, "item": {**item, "reps": 6}},
            )
        )
        db.add(  # a newer "hold" changes nothing: it is not the line shown
            PlanChange(
                patient_id=screened,
                rule_id="hold-while-unsettled",
                exercise_id="nerve-glide",
                reason="Kept.",
                before={"item": {**item, "reps": 6}},
                after={"action": "hold", "rule_version": 1, "item": {**item, "reps": 6}},
            )
        )
    page = client.get("/", headers=HTML).text
    day = _day(page)
    glide = catalog.library.exercise("nerve-glide").name
    assert re.search(rf"Last change to your program: \d+ \w+ \d{{4}}: Dose changed · {glide}: 5 reps", day), day
    assert "6 reps" in day
    assert "traffic-light-progress" not in page and "hold-while-unsettled" not in page
    assert "version 1" not in page


def test_a_safety_lock_leaves_only_the_safety_message_and_the_call_buttons(
    client: TestClient, app: FastAPI, factory: sessionmaker[Session], screened: int, catalog: Catalog
) -> None:
    flags = catalog.red_flags
    emergency = next(item for item in flags.questions("full") if item.level == "emergency")
    with factory.begin() as db:
        record_screening(db, screened, "full", {**all_no("full"), emergency.id: True})
    with factory() as db:
        before = (db.scalar(select(func.count()).select_from(Screening)), db.scalar(select(func.count(AuditEntry.id))))
    page = client.get("/", headers=HTML).text
    main = page[page.index('<main id="main"') : page.index("</main>")]
    first = main[main.index(">") + 1 :].lstrip()
    assert first.startswith('<section id="safety-first"'), first[:200]
    assert flags.messages.emergency.title in main
    for line in flags.numbers_for(app.state.settings.country):
        assert f'href="tel:{line.number}"' in main and f"Call {line.number}" in main
    for exercising in ("Start session", "gentle movement", "Today's program", "Your day", "/exercises/", "Resume"):
        assert exercising not in main, exercising
    with factory() as db:  # reading the home page saved nothing
        after = (db.scalar(select(func.count()).select_from(Screening)), db.scalar(select(func.count(AuditEntry.id))))
    assert after == before
