"""Alerts for the clinician: viewing and acknowledging one (its clinician only), and the periodic inactivity check
the background worker runs. (The use cases that save events raise theirs with `storage.alerts.raise_alerts`.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from sciatica_coach.domain.alerts import inactivity_alerts
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.storage.accounts import last_activity
from sciatica_coach.storage.alerts import (
    AlertFor,
    acknowledge,
    alert_history,
    alert_with_people,
    patient_of_alert,
    raised_ids,
    save_alerts,
)
from sciatica_coach.storage.models import Alert, User, as_utc, utcnow
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.accounts import Account
from sciatica_coach.usecases.errors import AlreadyDone, Invalid, NotFound
from sciatica_coach.usecases.safety import clean_note

NO_SUCH_ALERT = "There is no alert with that id. It may be about someone who is not your patient."
ACKNOWLEDGED = "This alert was acknowledged already (by {who}); it is kept in the history."


@dataclass(frozen=True)
class AlertView:
    """One alert as the clinician sees it, with the patient's other alerts."""

    alert: Alert
    patient_id: int
    patient_name: str
    history: tuple[Alert, ...]


def _own(found: AlertFor, who: Account) -> bool:
    return found.clinician is not None and found.clinician.id == who.id


def view_alert(store: Store, who: Account, alert_row_id: int) -> AlertView:
    """An alert about one of this clinician's patients; NotFound otherwise (never told apart from a missing one)."""
    with store.read() as db:
        found = alert_with_people(db, alert_row_id)
        if found is None or not _own(found, who):
            raise NotFound(NO_SUCH_ALERT)
        history = alert_history(db, found.patient.id)
        db.expunge_all()  # plain values from here on: the read session rolls back when it closes
        return AlertView(found.alert, found.patient.id, found.patient_name, tuple(history))


def acknowledge_alert(
    store: Store, who: Account, alert_row_id: int, note: str = "", at: datetime | None = None
) -> Alert:
    """The clinician acknowledges an alert about one of their patients: who, when and an optional note (trimmed,
    at most 2000 characters). NotFound for anyone else's; AlreadyDone when it was acknowledged already."""
    if who.role != "clinician":
        raise NotFound(NO_SUCH_ALERT)
    text = clean_note(note)
    with store.read() as db:
        patient_id = patient_of_alert(db, alert_row_id)
    if patient_id is None:
        raise NotFound(NO_SUCH_ALERT)
    with store.write(patient_id) as db:
        found = alert_with_people(db, alert_row_id, for_update=True)
        if found is None or not _own(found, who):
            raise NotFound(NO_SUCH_ALERT)
        if found.alert.acknowledged_at is not None:
            raise AlreadyDone(ACKNOWLEDGED.format(who=found.alert.acknowledged_by_name or "someone"))
        user = db.get(User, who.id)
        if user is None:
            raise Invalid({"who": "Your account no longer exists."})
        acknowledge(db, found.alert, user, text, at or utcnow())
        db.expunge(found.alert)
        return found.alert


def check_inactivity(store: Store, catalog: Catalog, now: datetime | None = None) -> int:
    """Raise the inactivity alerts due now for every patient who has a clinician (the worker's hourly job); one
    write per patient raising one. Returns how many were raised."""
    moment = now or utcnow()
    with store.read() as db:
        patients = [
            (pid, as_utc(created))
            for pid, created in db.execute(
                select(User.patient_id, User.created_at).where(
                    User.role == "patient", User.clinician_id.is_not(None), User.patient_id.is_not(None)
                )
            )
        ]
    count = 0
    for patient_id, joined in patients:
        assert patient_id is not None
        with store.write(patient_id) as db:
            last = last_activity(db, patient_id)
            already = raised_ids(db, patient_id, since=last or joined)
            raised = inactivity_alerts(catalog.alerts, last, joined, moment, already)
            save_alerts(db, patient_id, raised)
            count += len(raised)
    return count
