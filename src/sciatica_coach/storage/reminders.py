"""Reminder settings rows: a patient's schedule, and finding it by the SHA-256 of a calendar feed token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_coach.domain.reminders import ReminderTimes
from sciatica_coach.storage.models import ReminderSetting, utcnow


def times_of(row: ReminderSetting) -> ReminderTimes:
    """The schedule a saved row holds."""
    return ReminderTimes(
        session_times=tuple(str(item) for item in row.session_times),
        checkin_time=row.checkin_time,
        timezone=row.timezone,
    )


def reminder_row(db: Session, patient_id: int) -> ReminderSetting | None:
    """The patient's reminder settings, if they have chosen any."""
    return db.get(ReminderSetting, patient_id)


def save_times(db: Session, patient_id: int, times: ReminderTimes, now: datetime | None = None) -> ReminderSetting:
    """Save the patient's schedule (a new row, or the one they have, keeping its calendar token)."""
    row = db.get(ReminderSetting, patient_id)
    if row is None:
        row = ReminderSetting(patient_id=patient_id)
        db.add(row)
    row.session_times = list(times.session_times)
    row.checkin_time = times.checkin_time
    row.timezone = times.timezone
    row.updated_at = now or utcnow()
    db.flush()
    return row


def set_token_hash(db: Session, row: ReminderSetting, token_sha256: str, now: datetime | None = None) -> None:
    """Replace the calendar token's hash: the old link stops working at once."""
    row.calendar_token_sha256 = token_sha256
    row.updated_at = now or utcnow()
    db.flush()


def row_by_token_hash(db: Session, token_sha256: str) -> ReminderSetting | None:
    """The reminder settings whose calendar token hashes to `token_sha256`, if any."""
    stmt = select(ReminderSetting).where(ReminderSetting.calendar_token_sha256 == token_sha256).limit(1)
    return db.scalars(stmt).first()
