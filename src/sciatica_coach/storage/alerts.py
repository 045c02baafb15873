"""Alerts for the clinician: raising and saving what `domain.alerts` finds (with the e-mail job, in the same
transaction), a patient's open alerts and history, one alert for its clinician, and acknowledging it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sciatica_coach.domain.alerts import EMAILED_TIERS, AlertBook, Observed, Raised, alerts_for
from sciatica_coach.storage.jobs import defer_alert_email, emails_jobs
from sciatica_coach.storage.models import Alert, Patient, User, as_utc

HISTORY_LIMIT = 50


def open_ids(db: Session, patient_id: int, since: datetime | None = None) -> set[str]:
    """The ids (alerts.yaml) of the patient's open alerts, raised at `since` or later when given."""
    stmt = select(Alert.alert_id).where(Alert.patient_id == patient_id, Alert.acknowledged_at.is_(None))
    if since is not None:
        stmt = stmt.where(Alert.raised_at >= since)
    return set(db.scalars(stmt))


def raised_ids(db: Session, patient_id: int, since: datetime) -> set[str]:
    """The ids (alerts.yaml) of every alert raised for the patient at `since` or later, open or acknowledged."""
    return set(db.scalars(select(Alert.alert_id).where(Alert.patient_id == patient_id, Alert.raised_at >= since)))


def day_start(moment: datetime) -> datetime:
    """Midnight (UTC) of `moment`'s day: alerts are not raised twice the same day while open."""
    moment = as_utc(moment)
    return moment - timedelta(
        hours=moment.hour, minutes=moment.minute, seconds=moment.second, microseconds=moment.microsecond
    )


def save_alerts(db: Session, patient_id: int, raised: Sequence[Raised]) -> list[Alert]:
    """Save raised alerts; high and critical ones get their e-mail job in this transaction (PostgreSQL). The caller
    has left out those already open (see `domain.alerts`)."""
    rows = [
        Alert(
            patient_id=patient_id, alert_id=r.alert_id, version=r.version, tier=r.tier, reason=r.reason, raised_at=r.at
        )
        for r in raised
    ]
    if not rows:
        return rows
    db.add_all(rows)
    db.flush()
    if emails_jobs(db):
        for row in rows:
            if row.tier in EMAILED_TIERS:
                defer_alert_email(db, row.id)
    return rows


def raise_alerts(db: Session, book: AlertBook, patient_id: int, seen: Observed) -> list[Raised]:
    """Inside a use case's write transaction: save the alerts `seen` raises (not those of the same id raised the
    same day and still open) with their e-mail jobs."""
    raised = alerts_for(book, seen)
    if not raised:
        return []
    already = open_ids(db, patient_id, since=day_start(seen.at))
    raised = [r for r in raised if r.alert_id not in already]
    save_alerts(db, patient_id, raised)
    return raised


def open_alerts(db: Session, patient_id: int) -> list[Alert]:
    """The patient's open alerts, most recent first."""
    stmt = (
        select(Alert)
        .where(Alert.patient_id == patient_id, Alert.acknowledged_at.is_(None))
        .order_by(Alert.raised_at.desc(), Alert.id.desc())
    )
    return list(db.scalars(stmt))


def alert_history(db: Session, patient_id: int, limit: int = HISTORY_LIMIT) -> list[Alert]:
    """The patient's alerts, open and acknowledged, most recent first."""
    stmt = select(Alert).where(Alert.patient_id == patient_id).order_by(Alert.raised_at.desc(), Alert.id.desc())
    return list(db.scalars(stmt.limit(limit)))


@dataclass(frozen=True)
class AlertFor:
    """One alert with whose it is: the patient's profile and account, and their clinician's account."""

    alert: Alert
    patient: Patient
    patient_name: str
    clinician: User | None


def alert_with_people(db: Session, alert_row_id: int, *, for_update: bool = False) -> AlertFor | None:
    """An alert, the patient it is about and their clinician (None when there is no such alert)."""
    stmt = select(Alert).where(Alert.id == alert_row_id)
    if for_update:
        stmt = stmt.with_for_update()
    alert = db.scalars(stmt).first()
    if alert is None:
        return None
    patient = db.get(Patient, alert.patient_id)
    assert patient is not None  # the foreign key
    account = db.scalars(select(User).where(User.patient_id == patient.id).limit(1)).first()
    clinician = db.get(User, account.clinician_id) if account is not None and account.clinician_id else None
    name = (account.display_name if account is not None else "") or patient.display_name
    return AlertFor(alert, patient, name, clinician)


def patient_of_alert(db: Session, alert_row_id: int) -> int | None:
    """The patient an alert belongs to (to take that patient's write lock first)."""
    return db.scalar(select(Alert.patient_id).where(Alert.id == alert_row_id))


def acknowledge(db: Session, alert: Alert, user: User, note: str, at: datetime) -> None:
    """Record who acknowledged an alert, when, and their note; the row stays as history."""
    alert.acknowledged_by = user.id
    alert.acknowledged_by_name = user.display_name or user.email
    alert.acknowledged_at = at
    alert.note = note or None
    db.flush()


def open_summary(db: Session, patient_ids: Sequence[int]) -> dict[int, list[str]]:
    """For each patient, the tiers of their open alerts (one grouped read over the patients' open rows)."""
    if not patient_ids:
        return {}
    stmt = (
        select(Alert.patient_id, Alert.tier, func.count())
        .where(Alert.patient_id.in_(patient_ids), Alert.acknowledged_at.is_(None))
        .group_by(Alert.patient_id, Alert.tier)
    )
    found: dict[int, list[str]] = {pid: [] for pid in patient_ids}
    for patient_id, tier, count in db.execute(stmt):
        found[patient_id].extend([tier] * count)
    return found
