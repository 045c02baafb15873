"""Clinic-mode accounts and invites: the queries (each one row, or one clinician's patients)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sciatica_coach.storage.models import CheckIn, ExerciseSession, Invite, Patient, User, as_utc


def user_by_email(db: Session, email: str) -> User | None:
    """The account with this (already normalised) e-mail address."""
    return db.scalars(select(User).where(User.email == email).limit(1)).first()


def user_by_id(db: Session, user_id: int) -> User | None:
    """The account with this id."""
    return db.get(User, user_id)


def invite_by_hash(db: Session, token_hash: str, *, for_update: bool = False) -> Invite | None:
    """The invite whose token hashes to `token_hash` (locked for the write that uses it, on PostgreSQL)."""
    stmt = select(Invite).where(Invite.token_hash == token_hash).limit(1)
    if for_update:
        stmt = stmt.with_for_update()
    return db.scalars(stmt).first()


def clinician_patients(db: Session, clinician_id: int) -> list[tuple[User, Patient]]:
    """The patients a clinician invited: their accounts and profiles, in sign-up order."""
    stmt = (
        select(User, Patient)
        .join(Patient, Patient.id == User.patient_id)
        .where(User.clinician_id == clinician_id, User.role == "patient")
        .order_by(User.id)
    )
    return [(user, patient) for user, patient in db.execute(stmt)]


def last_activity(db: Session, patient_id: int) -> datetime | None:
    """When the patient last started a session or saved a check-in (two index-bounded MAX reads)."""
    started = db.scalar(select(func.max(ExerciseSession.started_at)).where(ExerciseSession.patient_id == patient_id))
    checked = db.scalar(select(func.max(CheckIn.created_at)).where(CheckIn.patient_id == patient_id))
    moments = [as_utc(m) for m in (started, checked) if m is not None]
    return max(moments) if moments else None


def clinician_patient(db: Session, clinician_id: int, patient_id: int) -> tuple[User, Patient] | None:
    """One patient of this clinician (their account and profile); None when the profile is not theirs."""
    stmt = (
        select(User, Patient)
        .join(Patient, Patient.id == User.patient_id)
        .where(User.clinician_id == clinician_id, User.role == "patient", User.patient_id == patient_id)
        .limit(1)
    )
    found = db.execute(stmt).first()
    return (found[0], found[1]) if found is not None else None


def patient_account(db: Session, patient_id: int) -> User | None:
    """The account of a patient profile (clinic mode), with the id of their clinician."""
    return db.scalars(select(User).where(User.patient_id == patient_id, User.role == "patient").limit(1)).first()
