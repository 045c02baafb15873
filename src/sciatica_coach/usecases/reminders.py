"""Reminders: saving a person's schedule, making a new calendar link (the old one stops), and finding the schedule
behind a calendar feed's token. Only the token's SHA-256 is stored; a wrong or old token is NotFound."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from sciatica_coach.domain.reminders import ReminderTimes
from sciatica_coach.storage.reminders import reminder_row, row_by_token_hash, save_times, set_token_hash, times_of
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.errors import Invalid, NotFound

NO_FEED = "There is no calendar at this address."
CHOOSE_FIRST = "Please choose and save your reminder times first."
TOKEN_MAX_CHARS = 100  # tokens are 43 characters; anything much longer is not worth hashing


@dataclass(frozen=True)
class Feed:
    """What a calendar feed shows: the schedule, a stable id for its events and the day they start."""

    times: ReminderTimes
    uid_seed: str
    since: datetime


def token_sha256(token: str) -> str:
    """The SHA-256 (hex) of a calendar token: all the database keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def reminders_of(db: Session, patient_id: int) -> ReminderTimes | None:
    """The patient's schedule, if they have chosen one (a read)."""
    row = reminder_row(db, patient_id)
    return times_of(row) if row is not None else None


def has_calendar_link(db: Session, patient_id: int) -> bool:
    """Whether the patient has a calendar link that works (a read)."""
    row = reminder_row(db, patient_id)
    return row is not None and row.calendar_token_sha256 is not None


def save_reminders(store: Store, patient_id: int, times: ReminderTimes, now: datetime | None = None) -> ReminderTimes:
    """Save the person's reminder times and time zone (their calendar link, if any, keeps working)."""
    with store.write(patient_id) as db:
        return times_of(save_times(db, patient_id, times, now))


def new_calendar_link(store: Store, patient_id: int, now: datetime | None = None) -> str:
    """A new secret token for the person's calendar feed; the old link, if any, stops working in the same write.
    Invalid (`reminders`) until reminder times are saved."""
    token = secrets.token_urlsafe(32)
    with store.write(patient_id) as db:
        row = reminder_row(db, patient_id)
        if row is None:
            raise Invalid({"reminders": CHOOSE_FIRST})
        set_token_hash(db, row, token_sha256(token), now)
    return token


def calendar_feed(store: Store, token: str) -> Feed:
    """The schedule behind a calendar token; NotFound for a wrong, old or malformed one (never told apart)."""
    if not token or len(token) > TOKEN_MAX_CHARS:
        raise NotFound(NO_FEED)
    digest = token_sha256(token)
    with store.read() as db:
        row = row_by_token_hash(db, digest)
        if row is None:
            raise NotFound(NO_FEED)
        return Feed(times_of(row), hashlib.sha256(f"uid:{digest}".encode()).hexdigest()[:20], row.updated_at)
