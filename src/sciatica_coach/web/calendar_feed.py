"""The calendar feed (iCalendar, through `icalendar`): one daily recurring event per session time and one for the
morning check-in, in the person's time zone. No health details: each event says only "Sciatica Coach session" (or
check-in) and links to the app."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from sciatica_coach.domain.reminders import ReminderKind, reminders_on
from sciatica_coach.storage.models import as_utc
from sciatica_coach.usecases.reminders import Feed

DURATIONS: dict[ReminderKind, timedelta] = {"session": timedelta(minutes=15), "checkin": timedelta(minutes=5)}
PRODID = "-//Sciatica Coach//Reminders//EN"


def calendar_ics(feed: Feed, app_url: str, now: datetime) -> bytes:
    """The feed as iCalendar bytes: daily events from the day the schedule was saved, each with an alarm."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Sciatica Coach")
    first_day = as_utc(feed.since).astimezone(feed.times.zone).date()
    for reminder in reminders_on(feed.times, first_day):
        event = Event()
        event.add("uid", f"{reminder.kind}-{reminder.at:%H%M}-{feed.uid_seed}@sciatica-coach")
        event.add("dtstamp", now)
        event.add("dtstart", reminder.at)
        event.add("duration", DURATIONS[reminder.kind])
        event.add("rrule", {"freq": "daily"})
        event.add("summary", reminder.summary)
        event.add("description", f"Open Sciatica Coach: {app_url}")
        event.add("url", app_url)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", reminder.summary)
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
