"""Clinic mode, messages between a patient and their clinician: sending (either side) and marking read.

Plain text, 1 to 2000 characters. Opening the thread never marks it read (reads never write): the reader marks it
read with an explicit POST, or by replying. The messages are kept in the database only, never logged or e-mailed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from sciatica_coach.storage.messages import Side, add_message, mark_read
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.accounts import Account
from sciatica_coach.usecases.clinic import own_patient
from sciatica_coach.usecases.errors import NOT_THEIR_PATIENT, Invalid, NotFound

MESSAGE_MAX_CHARS = 2000
EMPTY = "Please write a message first."
TOO_LONG = f"Please keep a message to {MESSAGE_MAX_CHARS} characters or fewer."
CONTROL = "The message holds characters that cannot be saved (such as a NUL); please type it again."


def clean_body(body: str) -> str:
    """The message trimmed; Invalid (`body`) when empty, too long or holding control characters."""
    text = body.strip()
    if not text:
        raise Invalid({"body": EMPTY})
    if len(text) > MESSAGE_MAX_CHARS:
        raise Invalid({"body": TOO_LONG})
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise Invalid({"body": CONTROL})
    return text


def _side(db: Session, who: Account, patient_id: int) -> Side:
    """Which side of the patient's thread `who` is on: the patient themselves or their clinician (else NotFound)."""
    if who.role == "patient" and who.patient_id == patient_id:
        return "patient"
    if who.role == "clinician":
        own_patient(db, who, patient_id)
        return "clinician"
    raise NotFound(NOT_THEIR_PATIENT)


def send_message(store: Store, who: Account, patient_id: int, body: str, now: datetime | None = None) -> int:
    """Add a message to the patient's thread (replying also marks the other side's messages read); its id."""
    text = clean_body(body)
    with store.write(patient_id) as db:
        side = _side(db, who, patient_id)
        mark_read(db, patient_id, side, now)
        return add_message(db, patient_id, side, who.id, who.display_name or who.email, text, now).id


def read_thread(store: Store, who: Account, patient_id: int, now: datetime | None = None) -> int:
    """Mark the other side's messages read (an explicit POST); how many were unread."""
    with store.write(patient_id) as db:
        return mark_read(db, patient_id, _side(db, who, patient_id), now)
