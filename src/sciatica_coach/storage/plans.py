"""The patient's adaptive plan: its saved state, the history that feeds the rules, and the changes they made."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sciatica_coach.domain.adaptation import (
    AdaptivePlan,
    Advice,
    Change,
    Event,
    ExerciseOutcome,
    MorningEvent,
    RuleBook,
    SbiEvent,
    accept_offer,
    adapt,
    decline_offer,
    load_rules,
)
from sciatica_coach.domain.adaptation.plan import item_dict
from sciatica_coach.domain.checkins import MorningCheck
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import Prescription
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.storage.checkins import checkin_symptoms
from sciatica_coach.storage.models import AuditEntry, CheckIn, ExerciseSession, PlanChange, PlanState, utcnow

ACTOR_RULES = "rules"
ACTOR_PATIENT = "patient"


@dataclass(frozen=True)
class Cursor:
    """How far through the history the rules have read: a time, and the events at exactly that time already read."""

    at: datetime | None = None
    keys: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"at": self.at.isoformat() if self.at else None, "keys": list(self.keys)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Cursor:
        """Inverse of `to_dict`."""
        if not data or not data.get("at"):
            return cls()
        return cls(datetime.fromisoformat(data["at"]), tuple(data.get("keys", ())))

    def unread(self, key: str, at: datetime) -> bool:
        """Whether an event has not been read yet."""
        return self.at is None or at > self.at or (at == self.at and key not in self.keys)

    def advance(self, key: str, at: datetime) -> Cursor:
        """The cursor after reading one more event (events arrive in time order)."""
        if self.at is not None and at == self.at:
            return Cursor(at, (*self.keys, key))
        return Cursor(at, (key,))


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _state_row(db: Session, patient_id: int, library: Library) -> PlanState:
    """The patient's plan row for writing, created when missing (one row per patient, however many race).

    Writers hold the patient's lock (`Store.write`), so the row needs no lock of its own; reading it again in the
    same transaction comes from the session's identity map without another query.
    """
    row = db.get(PlanState, patient_id)
    if row is None:
        try:
            with db.begin_nested():
                db.add(PlanState(patient_id=patient_id, plan=_state_json(AdaptivePlan.start(library), Cursor())))
                db.flush()
        except IntegrityError:
            pass  # another transaction created it first: read theirs
        row = db.get(PlanState, patient_id, populate_existing=True)
        assert row is not None
    return row


def _state_json(plan: AdaptivePlan, cursor: Cursor) -> dict[str, Any]:
    return {"state": plan.to_dict(), "cursor": cursor.to_dict()}


def _parse_state(row: PlanState) -> tuple[AdaptivePlan, Cursor]:
    return AdaptivePlan.from_dict(row.plan["state"]), Cursor.from_dict(row.plan.get("cursor"))


def current_plan(db: Session, patient_id: int, library: Library) -> AdaptivePlan:
    """The patient's plan as saved (the starting program until the rules change it). A pure read: the rules run
    when events are saved (`apply_adaptation`), never here."""
    row = db.get(PlanState, patient_id)
    if row is None:
        return AdaptivePlan.start(library)
    plan, _ = _parse_state(row)
    return plan


def current_prescription(db: Session, patient_id: int, library: Library) -> Prescription:
    """What this patient is prescribed today (the default program until the rules change it)."""
    return current_plan(db, patient_id, library).prescription


def history_events(db: Session, patient_id: int, cursor: Cursor = Cursor()) -> list[tuple[str, Event]]:
    """Unread events in time order: quick checks after exercises, stops for pain, morning check-ins and SBIs."""
    found: list[tuple[datetime, str, Event]] = []
    checks = select(CheckIn).where(
        CheckIn.patient_id == patient_id, CheckIn.kind.in_(("post-exercise", "morning", "sbi"))
    )
    if cursor.at is not None:
        checks = checks.where(CheckIn.created_at >= cursor.at)
    for row in db.scalars(checks.order_by(CheckIn.created_at, CheckIn.id)):
        at, key = as_utc(row.created_at), f"checkin:{row.id}"
        if not cursor.unread(key, at):
            continue
        event: Event | None
        if row.kind == "sbi":
            event = SbiEvent(at, row.score) if row.score is not None else None
        elif row.kind == "morning":
            event = _morning_event(row, at)
        else:
            event = _outcome_event(db, row, at)
        if event is not None:
            found.append((at, key, event))
    stops = select(ExerciseSession).where(
        ExerciseSession.patient_id == patient_id,
        ExerciseSession.status == "stopped",
        ExerciseSession.finished_at.is_not(None),
    )
    if cursor.at is not None:
        stops = stops.where(ExerciseSession.finished_at >= cursor.at)
    for session in db.scalars(stops):
        assert session.finished_at is not None
        at, key = as_utc(session.finished_at), f"stop:{session.id}"
        if cursor.unread(key, at):
            found.extend((at, key, event) for event in _stop_events(session, at))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(key, event) for _, key, event in found]


def _morning_event(row: CheckIn, at: datetime) -> MorningEvent | None:
    symptoms = checkin_symptoms(row)
    if symptoms is None:
        return None
    red_flag = bool((row.answers or {}).get("red_flag"))  # saved with a warning sign answered "yes"
    return MorningEvent(at, MorningCheck(symptoms, bool(row.numbness), bool(row.weakness)), red_flag)


def _outcome_event(db: Session, row: CheckIn, at: datetime) -> ExerciseOutcome | None:
    after = checkin_symptoms(row)
    if after is None or row.exercise_id is None:
        return None
    before_row = db.scalars(
        select(CheckIn)
        .where(
            CheckIn.patient_id == row.patient_id,
            CheckIn.kind == "pre-exercise",
            CheckIn.session_id == row.session_id,
            CheckIn.exercise_id == row.exercise_id,
            CheckIn.id < row.id,
        )
        .order_by(CheckIn.id.desc())
        .limit(1)
    ).first()
    before = checkin_symptoms(before_row) if before_row is not None and row.session_id is not None else None
    return ExerciseOutcome(at, row.exercise_id, before, after)


def _stop_events(session: ExerciseSession, at: datetime) -> list[ExerciseOutcome]:
    record = SessionRecord.from_dict(session.record)
    return [
        ExerciseOutcome(
            at,
            item.exercise_id,
            item.pain_before,
            None,
            stopped_for_pain=True,
        )
        for item in record.exercises
        if item.stopped_for_pain and item.pain_after is None
    ]


@dataclass(frozen=True)
class Applied:
    """What one run of the rules did: changes (saved), decisions to hold a dose (shown, not saved), and the advice
    after the last event read (None when there was nothing new to read)."""

    changes: tuple[Change, ...] = ()
    holds: tuple[Change, ...] = ()
    advice: Advice | None = None


def apply_adaptation(db: Session, patient_id: int, library: Library, book: RuleBook | None = None) -> Applied:
    """Run the rules over history not yet read; save the plan, each change with its reason, and an audit entry."""
    book = book or load_rules()
    row = _state_row(db, patient_id, library)
    plan, cursor = _parse_state(row)
    events = history_events(db, patient_id, cursor)
    if not events:
        return Applied()
    result = adapt(plan, [event for _, event in events], book, library)
    for key, event in events:
        cursor = cursor.advance(key, event.at)
    _save(db, row, result.plan, cursor, result.changes, ACTOR_RULES)
    return Applied(result.changes, result.holds, result.advice)


def respond_to_offer(
    db: Session,
    patient_id: int,
    library: Library,
    rule_id: str,
    accept: bool,
    book: RuleBook | None = None,
    at: datetime | None = None,
) -> Change:
    """The person accepts or declines an offer; OfferError when there is no such offer."""
    book = book or load_rules()
    apply_adaptation(db, patient_id, library, book)
    row = _state_row(db, patient_id, library)
    plan, cursor = _parse_state(row)
    respond = accept_offer if accept else decline_offer
    result = respond(plan, rule_id, book, library, at or utcnow())
    _save(db, row, result.plan, cursor, result.changes, ACTOR_PATIENT)
    return result.changes[-1]


def _save(
    db: Session, row: PlanState, plan: AdaptivePlan, cursor: Cursor, changes: Sequence[Change], actor: str
) -> None:
    row.plan = _state_json(plan, cursor)
    row.updated_at = utcnow()
    for change in changes:
        db.add(
            PlanChange(
                patient_id=row.patient_id,
                created_at=change.at,
                rule_id=change.rule_id,
                exercise_id=change.exercise_id,
                reason=change.reason,
                before={"item": item_dict(change.before)},
                after={"item": item_dict(change.after), "action": change.action, "rule_version": change.rule_version},
            )
        )
        # Rule ids and exercise ids only: the reasons (which describe symptoms) stay in plan_changes.
        detail = {"rule_id": change.rule_id, "rule_version": change.rule_version, "exercise_id": change.exercise_id}
        db.add(AuditEntry(patient_id=row.patient_id, actor=actor, action=f"plan-{change.action}", detail=detail))
        if change.action == "remove" and any(r.rule_id == change.rule_id for r in plan.reviews):
            db.add(AuditEntry(patient_id=row.patient_id, actor=actor, action="clinician-review-flag", detail=detail))
    db.flush()


def list_plan_changes(db: Session, patient_id: int, limit: int = 200) -> list[PlanChange]:
    """The patient's plan changes, newest first."""
    stmt = (
        select(PlanChange)
        .where(PlanChange.patient_id == patient_id)
        .order_by(PlanChange.created_at.desc(), PlanChange.id.desc())
        .limit(limit)
    )
    return list(db.scalars(stmt))
