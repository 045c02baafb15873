"""Reminders, pure: the times of day a person chose for their sessions (1 to 3) and for the morning check-in, in
their time zone, and when the next one falls. The calendar feed and the home page read the same schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_SESSION_TIMES = 3
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
TIME_WORDS = "a time of day as HH:MM (24-hour clock), for example 08:30"
DEFAULT_SESSION_TIMES = ("09:00", "18:00")
DEFAULT_CHECKIN_TIME = "08:00"
DEFAULT_TIMEZONE = "UTC"

ReminderKind = Literal["session", "checkin"]
# What a reminder says: no health details, so a calendar or a lock screen shows nothing private.
SUMMARIES: dict[ReminderKind, str] = {
    "session": "Sciatica Coach session",
    "checkin": "Sciatica Coach morning check-in",
}

Clock = Annotated[str, Field(pattern=TIME_PATTERN, description=TIME_WORDS)]  # "HH:MM"


def time_zones() -> list[str]:
    """Every IANA time zone name this machine knows, sorted (the form's choices)."""
    return sorted(available_timezones())


class ReminderTimes(BaseModel):
    """A person's reminder schedule: 1 to 3 session times, the check-in time and their IANA time zone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    session_times: tuple[Clock, ...] = Field(min_length=1, max_length=MAX_SESSION_TIMES)
    checkin_time: Clock
    timezone: str = Field(min_length=1, max_length=64, description="an IANA time zone, for example Europe/London")

    @field_validator("session_times")
    @classmethod
    def _once_each(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("each session time may be chosen once")
        return tuple(sorted(value))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"'{value[:64]}' is not a time zone this app knows (for example Europe/London)") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The time zone itself."""
        return ZoneInfo(self.timezone)


def clock_time(value: Clock) -> time:
    """'08:30' as a time of day."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class Reminder:
    """One reminder: what it is for and when it falls (aware, in the person's time zone)."""

    kind: ReminderKind
    at: datetime

    @property
    def summary(self) -> str:
        """What the reminder says."""
        return SUMMARIES[self.kind]


def reminders_on(times: ReminderTimes, day: date) -> list[Reminder]:
    """The day's reminders in the person's time zone, earliest first (the check-in first on a tie)."""
    zone = times.zone
    found = [Reminder("checkin", datetime.combine(day, clock_time(times.checkin_time), zone))]
    found += [Reminder("session", datetime.combine(day, clock_time(item), zone)) for item in times.session_times]
    return sorted(found, key=lambda reminder: (reminder.at, reminder.kind != "checkin"))


def next_reminder(times: ReminderTimes, now: datetime) -> Reminder:
    """The first reminder after `now` (aware): later today or tomorrow, in the person's time zone."""
    today = now.astimezone(times.zone).date()
    for day in (today, today + timedelta(days=1)):
        for reminder in reminders_on(times, day):
            if reminder.at > now:
                return reminder
    raise AssertionError("a day always holds a reminder")  # pragma: no cover: the check-in is on every day
