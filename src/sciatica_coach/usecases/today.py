"""The person's day, as the home page shows it: sessions completed of those planned today, the morning check-in
due or done, the next reminder, the last change to the program. A read: nothing is saved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from sciatica_coach.domain.clock import local_day
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import Prescription
from sciatica_coach.domain.progress import planned_sessions_per_day
from sciatica_coach.domain.reminders import Reminder, next_reminder
from sciatica_coach.storage.checkins import todays_morning
from sciatica_coach.storage.models import PlanChange
from sciatica_coach.storage.today import last_program_change, sessions_completed
from sciatica_coach.usecases.reminders import reminders_of


@dataclass(frozen=True)
class YourDay:
    """Today so far: sessions completed and planned, whether the morning check-in is done, the next reminder (None
    before reminders are chosen) and the newest plan change of the last 90 days (None when there is none)."""

    sessions_done: int
    sessions_planned: int
    checkin_done: bool
    next_reminder: Reminder | None
    last_change: PlanChange | None


def your_day(db: Session, patient_id: int, prescription: Prescription, library: Library, now: datetime) -> YourDay:
    """The person's day at `now` (aware), the day counted as the morning check-in counts it (`local_day`)."""
    start, end = local_day(now)
    times = reminders_of(db, patient_id)
    return YourDay(
        sessions_done=sessions_completed(db, patient_id, start, end),
        sessions_planned=planned_sessions_per_day(prescription, library),
        checkin_done=todays_morning(db, patient_id, start, end) is not None,
        next_reminder=next_reminder(times, now) if times else None,
        last_change=last_program_change(db, patient_id, now),
    )
