"""Tables. Every record belongs to a patient profile."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Timezone-aware now, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored moment in UTC (SQLite hands back naive datetimes: they were stored in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for all tables."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class Patient(Base):
    """A person using the coach. A default local profile exists from the first run."""

    __tablename__ = "patients"
    # One default local profile, however many first requests race to create it.
    __table_args__ = (
        Index(
            "uq_patients_one_default",
            "is_default",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExerciseSession(Base):
    """One guided session, saved as it goes so a reload or restart resumes it."""

    __tablename__ = "exercise_sessions"
    __table_args__ = (
        # At most one session in progress per patient: a database rule, not only a check.
        Index(
            "uq_sessions_one_in_progress",
            "patient_id",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
        # Read by time window (progress, history) and by status (the session under way, stops the rules read).
        Index("ix_exercise_sessions_patient_started", "patient_id", "started_at"),
        Index("ix_exercise_sessions_patient_status_started", "patient_id", "status", "started_at"),
        Index("ix_exercise_sessions_patient_status_finished", "patient_id", "status", "finished_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    # in_progress, completed, stopped (stopped by the person, e.g. for pain)
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    source: Mapped[str] = mapped_column(String(20), default="web")  # web or terminal
    prescription: Mapped[dict[str, Any]] = mapped_column(JSON)
    script: Mapped[list[Any]] = mapped_column(JSON)
    # Index of the first step not yet completed: where a resumed session starts.
    position: Mapped[int] = mapped_column(Integer, default=0)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)


MORNING_KIND = "morning"  # check-ins.kind of the morning check-in
SBI_KIND = "sbi"  # and of the weekly Sciatica Bothersomeness Index
# The columns of a check-in that hold its symptoms (pain, how far down each leg, the nerve signs).
SYMPTOM_COLUMNS = ("back_pain", "leg_pain", "left_reach", "right_reach", "numbness", "weakness")


class CheckIn(Base):
    """Answers to a check-in questionnaire (quick, morning, end of session, weekly SBI)."""

    __tablename__ = "checkins"
    __table_args__ = (
        # Every read is one patient's check-ins of some kinds in a time window, or the latest of a kind.
        Index("ix_checkins_patient_kind_created", "patient_id", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("exercise_sessions.id", ondelete="SET NULL"), default=None, index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    exercise_id: Mapped[str | None] = mapped_column(String(60), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    back_pain: Mapped[int | None] = mapped_column(Integer, default=None)
    leg_pain: Mapped[int | None] = mapped_column(Integer, default=None)
    left_reach: Mapped[str | None] = mapped_column(String(20), default=None)
    right_reach: Mapped[str | None] = mapped_column(String(20), default=None)
    numbness: Mapped[bool | None] = mapped_column(Boolean, default=None)
    weakness: Mapped[bool | None] = mapped_column(Boolean, default=None)
    score: Mapped[int | None] = mapped_column(Integer, default=None)  # questionnaire total, e.g. SBI 0-24
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Screening(Base):
    """A red-flag screening: full before the first session, short at each check-in."""

    __tablename__ = "screenings"
    __table_args__ = (
        # The latest screening of a form; whether a full one came after the last clearance.
        Index("ix_screenings_patient_form_created", "patient_id", "form", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    form: Mapped[str] = mapped_column(String(20))  # full or short
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    red_flag: Mapped[bool] = mapped_column(Boolean)
    emergency: Mapped[bool] = mapped_column(Boolean)
    # Full form only: the cautions answered with it ({caution id: yes/no}, e.g. pregnancy, spinal stenosis).
    cautions: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class SafetyLock(Base):
    """Exercise is locked from a red flag until the person records an assessment or a clinician clears it."""

    __tablename__ = "safety_locks"
    __table_args__ = (
        # Open locks (cleared_at IS NULL) and the latest clearance.
        Index("ix_safety_locks_patient_cleared", "patient_id", "cleared_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    screening_id: Mapped[int | None] = mapped_column(ForeignKey("screenings.id", ondelete="SET NULL"))
    locked_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(200))
    cleared_at: Mapped[datetime | None] = mapped_column(default=None)
    # self-assessed, clinician, or acknowledged (a "soon" lock the person has read)
    cleared_by: Mapped[str | None] = mapped_column(String(30), default=None)
    clearance_note: Mapped[str | None] = mapped_column(Text, default=None)
    # The level of the worst sign behind the lock: emergency, today or soon (see red_flags.yaml).
    level: Mapped[str] = mapped_column(String(20), default="today", server_default="today")
    # A recorded assessment: who assessed the person, and on what day.
    assessed_by: Mapped[str | None] = mapped_column(String(120), default=None)
    assessed_on: Mapped[date | None] = mapped_column(Date, default=None)


class PlanState(Base):
    """The person's current program (variants and dosages), changed only by rules or a clinician."""

    __tablename__ = "plan_states"

    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanChange(Base):
    """Why the program changed: the rule that fired and its plain-language reason."""

    __tablename__ = "plan_changes"
    __table_args__ = (
        # The plan page lists changes newest first.
        Index("ix_plan_changes_patient_created", "patient_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    rule_id: Mapped[str] = mapped_column(String(80))
    exercise_id: Mapped[str | None] = mapped_column(String(60), default=None)
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)


class AuditEntry(Base):
    """Who did what and when, for safety-relevant actions (red flags, locks, clearances, plan changes)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def table_of(model: type[Base]) -> Table:
    """The Core table behind a model, for statements built once at import (the hot writes use Core, not the ORM)."""
    return cast(Table, model.__table__)


class User(Base):
    """A clinic-mode account: an admin, a clinician, or a patient linked to their profile and their clinician."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_clinician", "clinician_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower case
    role: Mapped[str] = mapped_column(String(20))  # admin, clinician, patient
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120), default="")
    # A patient's own profile (unique: one account per profile) and the clinician who invited them.
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), unique=True, default=None
    )
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Invite(Base):
    """A one-time sign-up link a clinician made for a patient: only the SHA-256 of its token is kept."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)


class Message(Base):
    """A plain-text message between a patient and their clinician (either side); `read_at` is set when the other
    side marks the thread read (an explicit POST, or by replying), never by opening a page."""

    __tablename__ = "messages"
    __table_args__ = (
        # The thread newest first, and the unread count of each side (messages from the other side not yet read).
        Index("ix_messages_patient_created", "patient_id", "created_at"),
        Index("ix_messages_patient_sender_read", "patient_id", "sender_role", "read_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    sender_role: Mapped[str] = mapped_column(String(20))  # patient or clinician
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    sender_name: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(default=None)


class PrescriptionVersion(Base):
    """One version of a patient's prescription as a clinician saved it: who, when, the note, the items."""

    __tablename__ = "prescription_versions"
    __table_args__ = (Index("uq_prescription_versions_patient_version", "patient_id", "version", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    clinician_name: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))  # what the clinician did: set, keep, undo, offer, resume
    note: Mapped[str] = mapped_column(Text, default="")
    prescription: Mapped[dict[str, Any]] = mapped_column(JSON)  # the items after this version
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alert(Base):
    """An alert for the clinician (see `content/alerts.yaml`): raised when an event is saved or by the inactivity
    job, acknowledged by a clinician with an optional note, and kept afterwards as history."""

    __tablename__ = "alerts"
    __table_args__ = (
        # A patient's open alerts (acknowledged_at IS NULL) and their history, newest first.
        Index("ix_alerts_patient_acknowledged", "patient_id", "acknowledged_at"),
        Index("ix_alerts_patient_raised", "patient_id", "raised_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    alert_id: Mapped[str] = mapped_column(String(60))  # the id in alerts.yaml
    version: Mapped[int] = mapped_column(Integer)  # that alert's version in alerts.yaml
    tier: Mapped[str] = mapped_column(String(20))  # low, high, critical
    reason: Mapped[str] = mapped_column(String(300))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    acknowledged_by_name: Mapped[str | None] = mapped_column(String(120), default=None)  # kept if the user goes
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class ReminderSetting(Base):
    """A patient's reminder schedule (session times, check-in time, time zone) and the SHA-256 of their calendar
    feed's secret token (the token itself is never stored; a new link replaces the hash, so the old URL stops)."""

    __tablename__ = "reminder_settings"
    __table_args__ = (Index("uq_reminder_settings_calendar_token", "calendar_token_sha256", unique=True),)

    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    session_times: Mapped[list[Any]] = mapped_column(JSON)  # ["09:00", "18:00"]
    checkin_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    calendar_token_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
