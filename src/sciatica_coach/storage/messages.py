"""Messages between a patient and their clinician: the thread, unread counts for each side, read marks.

Reading a thread never marks it read: `mark_read` is called by an explicit POST (or when the reader replies)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sciatica_coach.storage.models import Message, User, utcnow

Side = Literal["patient", "clinician"]
THREAD_LIMIT = 200


def other_side(side: Side) -> Side:
    """The side whose messages `side` reads."""
    return "clinician" if side == "patient" else "patient"


def add_message(
    db: Session, patient_id: int, side: Side, sender_id: int, sender_name: str, body: str, at: datetime | None = None
) -> Message:
    """Save one message of the thread of `patient_id`."""
    message = Message(
        patient_id=patient_id,
        sender_role=side,
        sender_id=sender_id,
        sender_name=sender_name[:120],
        body=body,
        created_at=at or utcnow(),
    )
    db.add(message)
    db.flush()
    return message


def thread(db: Session, patient_id: int, limit: int = THREAD_LIMIT) -> list[Message]:
    """The latest `limit` messages of the patient's thread, oldest first."""
    stmt = (
        select(Message)
        .where(Message.patient_id == patient_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    return list(reversed(list(db.scalars(stmt))))


def unread_count(db: Session, patient_id: int, reader: Side) -> int:
    """How many messages from the other side `reader` has not marked read."""
    stmt = select(func.count(Message.id)).where(
        Message.patient_id == patient_id, Message.sender_role == other_side(reader), Message.read_at.is_(None)
    )
    return int(db.scalar(stmt) or 0)


def unread_from_patients(db: Session, patient_ids: Sequence[int]) -> dict[int, int]:
    """Per patient, how many of their messages the clinician has not marked read (patients with none left out)."""
    if not patient_ids:
        return {}
    stmt = (
        select(Message.patient_id, func.count(Message.id))
        .where(
            Message.patient_id.in_(tuple(patient_ids)),
            Message.sender_role == "patient",
            Message.read_at.is_(None),
        )
        .group_by(Message.patient_id)
    )
    return {int(patient_id): int(count) for patient_id, count in db.execute(stmt)}


def unread_for_clinician(db: Session, clinician_id: int) -> int:
    """How many messages from all this clinician's patients are not marked read (the nav badge)."""
    stmt = (
        select(func.count(Message.id))
        .join(User, User.patient_id == Message.patient_id)
        .where(
            User.clinician_id == clinician_id,
            User.role == "patient",
            Message.sender_role == "patient",
            Message.read_at.is_(None),
        )
    )
    return int(db.scalar(stmt) or 0)


def mark_read(db: Session, patient_id: int, reader: Side, at: datetime | None = None) -> int:
    """Mark every message from the other side read; how many were unread is returned."""
    stmt = (
        update(Message)
        .where(
            Message.patient_id == patient_id,
            Message.sender_role == other_side(reader),
            Message.read_at.is_(None),
        )
        .values(read_at=at or utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(db.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]
