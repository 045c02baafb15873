"""Reminder settings through the page and the JSON API, on SQLite and PostgreSQL: bounds refused with 422 naming the
field; the calendar feed parses with icalendar, repeats daily at the chosen times in the chosen time zone, says
nothing about health, and its link is secret and revocable (only the SHA-256 is kept; the old URL is 404)."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.domain.reminders import ReminderTimes, next_reminder
from sciatica_coach.storage.models import Patient, ReminderSetting

HTML = {"accept": "text/html"}
TIMES = {"session_times": ["18:30", "07:15"], "checkin_time": "07:00", "timezone": "Europe/London"}


def _link(client: TestClient) -> str:
    response = client.post("/api/reminders/calendar-link")
    assert response.status_code == 200, response.text
    url: str = response.json()["url"]
    return url.removeprefix("http://testserver")


def test_the_json_api_saves_and_reads_the_schedule(client: TestClient) -> None:
    assert client.get("/api/reminders").json()["chosen"] is False
    saved = client.put("/api/reminders", json=TIMES)
    assert saved.status_code == 200, saved.text
    data = client.get("/api/reminders").json()
    assert data["chosen"] is True
    assert data["session_times"] == ["07:15", "18:30"]  # kept in order of the day
    assert (data["checkin_time"], data["timezone"], data["calendar_link"]) == ("07:00", "Europe/London", False)
    assert data["next_reminder"]["kind"] in ("session", "checkin")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**TIMES, "session_times": []}, "session_times"),
        ({**TIMES, "session_times": ["08:00", "12:00", "16:00", "20:00"]}, "session_times"),
        ({**TIMES, "session_times": ["08:00", "08:00"]}, "session_times"),
        ({**TIMES, "session_times": ["24:00"]}, "session_times.0"),
        ({**TIMES, "checkin_time": "7am"}, "checkin_time"),
        ({**TIMES, "timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({**TIMES, "timezone": "../../etc/passwd"}, "timezone"),
    ],
)
def test_out_of_bounds_json_is_422_naming_the_field(client: TestClient, body: dict[str, object], field: str) -> None:
    response = client.put("/api/reminders", json=body)
    assert response.status_code == 422
    assert field in response.json()["problems"], response.json()
    assert client.get("/api/reminders").json()["chosen"] is False  # nothing saved


def test_the_page_form_saves_and_a_bad_field_is_422_naming_it(client: TestClient) -> None:
    page = client.get("/reminders", headers=HTML)
    assert page.status_code == 200 and 'name="session_time_1"' in page.text and "Europe/London" in page.text
    form = {"session_time_1": "09:00", "session_time_2": "", "checkin_time": "08:00", "timezone": "Europe/Paris"}
    saved = client.post("/reminders", data=form, headers=HTML, follow_redirects=False)
    assert saved.status_code == 303
    assert client.get("/api/reminders").json()["session_times"] == ["09:00"]
    bad = client.post("/reminders", data={**form, "timezone": "Nowhere/Land"}, headers=HTML)
    assert bad.status_code == 422
    assert "Time zone" in bad.text and "not a time zone this app knows" in bad.text
    assert 'aria-invalid="true"' in bad.text
    assert client.get("/api/reminders").json()["timezone"] == "Europe/Paris"  # unchanged


def test_a_calendar_link_needs_the_times_first(client: TestClient) -> None:
    response = client.post("/api/reminders/calendar-link")
    assert response.status_code == 422
    assert "reminders" in response.json()["problems"]


def test_the_feed_parses_and_repeats_daily_at_the_chosen_times_in_the_time_zone(client: TestClient) -> None:
    client.put("/api/reminders", json=TIMES)
    feed = client.get(_link(client))
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.content)
    events = list(calendar.walk("VEVENT"))
    starts = sorted((event.decoded("dtstart").time(), str(event.get("summary"))) for event in events)
    assert starts == [
        (time(7, 0), "Sciatica Coach morning check-in"),
        (time(7, 15), "Sciatica Coach session"),
        (time(18, 30), "Sciatica Coach session"),
    ]
    for event in events:
        start = event.decoded("dtstart")
        assert str(start.tzinfo) == "Europe/London" or getattr(start.tzinfo, "key", "") == "Europe/London"
        assert event["dtstart"].params["TZID"] == "Europe/London"
        assert event.get("rrule")["FREQ"] == ["DAILY"]
        assert "http://testserver/" in str(event.get("url"))
        assert list(event.walk("VALARM"))
    assert [str(tz.get("tzid")) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert len({str(event.get("uid")) for event in events}) == 3


def test_the_feed_holds_no_health_details_or_name(client: TestClient, screened: int) -> None:
    client.put("/api/reminders", json=TIMES)
    text = client.get(_link(client)).content.decode().lower()
    for private in ("pain", "leg", "numb", "weak", "red flag", "glide", "press-up", "hinge", "local profile", "you"):
        assert private not in text, private


def test_a_new_link_revokes_the_old_one_and_only_its_hash_is_stored(
    client: TestClient, factory: sessionmaker[Session]
) -> None:
    client.put("/api/reminders", json=TIMES)
    old = _link(client)
    assert client.get(old).status_code == 200
    new = _link(client)
    assert new != old
    gone = client.get(old)
    assert gone.status_code == 404 and "BEGIN:VCALENDAR" not in gone.text
    assert client.get(new).status_code == 200
    token = new.removeprefix("/calendar/").removesuffix(".ics")
    with factory() as db:
        stored = db.scalars(select(ReminderSetting.calendar_token_sha256)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert client.get("/api/reminders").json()["calendar_link"] is True


def test_another_patients_token_gives_only_their_feed_and_a_made_up_one_nothing(
    client: TestClient, app: FastAPI, factory: sessionmaker[Session]
) -> None:
    client.put("/api/reminders", json=TIMES)
    mine = _link(client)
    with factory.begin() as db:  # someone else, with their own times
        other = Patient(display_name="Someone else")
        db.add(other)
        db.flush()
        db.add(ReminderSetting(patient_id=other.id, session_times=["12:00"], checkin_time="06:00", timezone="UTC"))
    for wrong in ("/calendar/not-a-real-token.ics", "/calendar/" + "x" * 500 + ".ics", mine.replace(".ics", "x.ics")):
        answer = client.get(wrong, headers=HTML)
        assert answer.status_code == 404, wrong
        assert "VCALENDAR" not in answer.text and "Europe/London" not in answer.text
    # the other person has no link yet: no token (not even the empty hash of nothing) reaches their schedule
    assert client.get("/calendar/.ics").status_code == 404
    feed = client.get(mine).text
    assert "T071500" in feed and "T120000" not in feed and "T060000" not in feed  # mine only


def test_next_reminder_is_in_the_chosen_time_zone() -> None:
    times = ReminderTimes.model_validate(TIMES)
    # 06:30 UTC on a summer day is 07:30 in London: the 07:15 session has passed, 18:30 is next
    coming = next_reminder(times, datetime(2026, 7, 1, 6, 30, tzinfo=UTC))
    assert (coming.kind, coming.at.hour, coming.at.minute) == ("session", 18, 30)
    assert coming.at.astimezone(UTC).hour == 17  # British Summer Time
    # after the last one of the day: tomorrow's check-in
    late = next_reminder(times, datetime(2026, 1, 15, 19, 0, tzinfo=UTC))
    assert (late.kind, late.at.day, late.at.hour) == ("checkin", 16, 7)


def _logged(path: str) -> str:
    """The access-log line uvicorn would write for a GET of `path`, after the app's filters."""
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", path, "1.1", 200),
        None,
    )
    assert all(f.filter(record) for f in logging.getLogger("uvicorn.access").filters)
    return record.getMessage()


def test_the_token_never_reaches_the_access_log(client: TestClient) -> None:
    client.put("/api/reminders", json=TIMES)
    path = _link(client)
    message = _logged(path)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert token not in message and "/calendar/(token hidden).ics" in message


def test_the_page_shows_a_new_link_once_and_keeps_it_out_of_caches(client: TestClient) -> None:
    client.put("/api/reminders", json=TIMES)
    made = client.post("/reminders/calendar-link", headers=HTML)
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    assert 'id="calendar-link" value="http://testserver/calendar/' in made.text
    later = client.get("/reminders", headers=HTML).text
    assert "/calendar/" not in later and "Make a new link" in later  # only its hash is kept: it cannot be shown again


@pytest.mark.parametrize(
    ("path", "secret"),
    [("/invite/Zx81-secret_token", "Zx81-secret_token"), ("/invite/abc?next=/", "abc")],
)
def test_an_invite_token_never_reaches_the_access_log(client: TestClient, path: str, secret: str) -> None:
    message = _logged(path)
    assert secret not in message and "/invite/(token hidden)" in message
