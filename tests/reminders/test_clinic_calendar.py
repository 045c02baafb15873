"""Clinic mode (SQLite and PostgreSQL): each patient's reminders are their own; the calendar feed is reached only by
its token, whoever asks, and nobody gets another patient's schedule by any other route."""

from __future__ import annotations

from fastapi import FastAPI

from web.clinic_world import ROLES, clients, make_clinic

TIMES = {"session_times": ["10:45"], "checkin_time": "06:50", "timezone": "Asia/Tokyo"}


def test_a_patients_reminders_and_feed_are_theirs_alone(clinic_app: FastAPI) -> None:
    clinic = make_clinic(clinic_app)
    with clients(clinic_app, clinic) as made:
        assert made["patient"].put("/api/reminders", json=TIMES).status_code == 200
        url = made["patient"].post("/api/reminders/calendar-link").json()["url"].removeprefix("http://testserver")
        # the other patient sees only their own (none chosen), never Pat's times
        theirs = made["other_patient"].get("/api/reminders").json()
        assert theirs["chosen"] is False and theirs["timezone"] != "Asia/Tokyo"
        for role in ("clinician", "other_clinician", "admin"):
            assert made[role].get("/api/reminders").status_code == 403, role
            assert made[role].put("/api/reminders", json=TIMES).status_code == 403, role
        assert made["anonymous"].get("/api/reminders").status_code == 401
        # the feed: the token is the key, for everyone (a calendar app has no cookie), and a near miss is nothing
        for role in ROLES:
            feed = made[role].get(url)
            assert feed.status_code == 200 and "T104500" in feed.text, role
            near = made[role].get(url.replace(".ics", "A.ics"))
            assert near.status_code == 404 and "Asia/Tokyo" not in near.text, role
        # Pat makes a new link: the old one is gone for everyone
        assert made["patient"].post("/api/reminders/calendar-link").status_code == 200
        for role in ROLES:
            assert made[role].get(url).status_code == 404, role
