"""The patient's adaptive plan: its saved state, the history that feeds the rules, and the changes they made."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Integer,
    String,
    bindparam,
    cast,
    delete,
    insert,
    literal,
    literal_column,
    null,
    select,
    union_all,
    update,
)
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
from sciatica_coach.storage.held import forget, held, keep
from sciatica_coach.storage.models import (
    SYMPTOM_COLUMNS,
    AuditEntry,
    CheckIn,
    ExerciseSession,
    PlanChange,
    PlanState,
    as_utc,
    table_of,
    utcnow,
)
from sciatica_coach.storage.pipeline import HotStatement, connection_of, fetch, send_later

ACTOR_RULES = "rules"
ACTOR_PATIENT = "patient"
PATIENT_ACTIONS = frozenset({"accept-offer", "decline-offer"})  # plan changes the person made, not the rules
CLINICIAN_PREFIX = "clinician-"  # plan changes a clinician made (domain/prescribing.py), kept like the person's


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


_STATE = table_of(PlanState)
_LOAD_STATE = select(_STATE.c.plan).where(_STATE.c.patient_id == bindparam("patient_id"))
_UPDATE_STATE = HotStatement(
    update(_STATE)
    .where(_STATE.c.patient_id == bindparam("for_patient"))
    .values(plan=bindparam("new_plan"), updated_at=bindparam("at"))
)


def _load_state(db: Session, patient_id: int, library: Library) -> tuple[AdaptivePlan, Cursor]:
    """The patient's saved plan and cursor for writing, the row created when missing (one row per patient).

    Writers hold the patient's lock (`Store.write`), so the row needs no lock of its own. Core statements, built
    once: this runs on every check-in, and the ORM's unit of work would cost more than the rules themselves.
    """
    found = held(db, patient_id, "plan")  # read with the patient's lock (storage/held.py), kept current by _save
    if found is not None and found.plan is not None:
        return _parsed(db, found.plan)
    conn = db.connection()
    data = conn.execute(_LOAD_STATE, {"patient_id": patient_id}).scalar()
    if data is None:
        try:
            with db.begin_nested():
                data = _state_json(AdaptivePlan.start(library), Cursor())
                conn.execute(insert(_STATE).values(patient_id=patient_id, plan=data, updated_at=utcnow()))
        except IntegrityError:
            # another transaction created it first (a writer without the patient's lock): read theirs
            data = conn.execute(_LOAD_STATE, {"patient_id": patient_id}).scalar_one()
    keep(db, patient_id, plan=data)
    return _parse_state(data)


def plan_for_update(db: Session, patient_id: int, library: Library) -> AdaptivePlan:
    """The plan as saved, read inside a write transaction (once: the rules then reuse it)."""
    plan, _ = _load_state(db, patient_id, library)
    return plan


def _state_json(plan: AdaptivePlan, cursor: Cursor) -> dict[str, Any]:
    return {"state": plan.to_dict(), "cursor": cursor.to_dict()}


def _parse_state(data: dict[str, Any]) -> tuple[AdaptivePlan, Cursor]:
    return AdaptivePlan.from_dict(data["state"]), Cursor.from_dict(data.get("cursor"))


_PARSED = "sciatica_parsed_state"  # in the session's info: the held state JSON and what it parses to


def _parsed(db: Session, data: dict[str, Any]) -> tuple[AdaptivePlan, Cursor]:
    """The held state parsed, once for that JSON (a check-in reads the plan twice: before and in the rules). Both
    are immutable, so they can be shared."""
    memo: tuple[dict[str, Any], tuple[AdaptivePlan, Cursor]] | None = db.info.get(_PARSED)
    if memo is not None and memo[0] is data:
        return memo[1]
    parsed = _parse_state(data)
    db.info[_PARSED] = (data, parsed)
    return parsed


def current_plan(db: Session, patient_id: int, library: Library) -> AdaptivePlan:
    """The patient's plan as saved (the starting program until the rules change it). A pure read: the rules run
    when events are saved (`apply_adaptation`), never here."""
    data = db.connection().execute(_LOAD_STATE, {"patient_id": patient_id}).scalar()
    if data is None:
        return AdaptivePlan.start(library)
    plan, _ = _parse_state(data)
    return plan


def current_prescription(db: Session, patient_id: int, library: Library) -> Prescription:
    """What this patient is prescribed today (the default program until the rules change it)."""
    return current_plan(db, patient_id, library).prescription


_CHECKS = table_of(CheckIn)
_SESSIONS = table_of(ExerciseSession)
_EVENT_KINDS = ("post-exercise", "morning", "sbi")  # the check-ins the rules read (in the SQL as literals)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # "since the beginning" for a cursor that has read nothing yet
# Every unread event in one statement (one round trip inside the patient's lock): the quick checks after exercises
# the morning check-ins and the SBIs, then the sessions stopped for pain, in the same columns (`record` only for stops).
_UNREAD = HotStatement(
    union_all(
        select(
            literal("checkin").label("source"),
            _CHECKS.c.id.label("check_id"),
            _CHECKS.c.session_id,
            _CHECKS.c.created_at.label("at"),
            _CHECKS.c.kind,
            _CHECKS.c.exercise_id,
            *(_CHECKS.c[name] for name in SYMPTOM_COLUMNS),
            _CHECKS.c.score,
            # Only the red-flag mark of the answers: a morning's also keep the rules' state of the day before
            # (for a correction), which nothing here reads.
            _CHECKS.c.answers["red_flag"].label("red_flag"),
            cast(null(), JSON).label("record"),
        ).where(
            _CHECKS.c.patient_id == bindparam("patient_id"),
            _CHECKS.c.kind.in_([literal_column(f"'{kind}'") for kind in _EVENT_KINDS]),
            _CHECKS.c.created_at >= bindparam("since"),
        ),
        select(
            literal("stop"),
            cast(null(), Integer),
            _SESSIONS.c.id,
            _SESSIONS.c.finished_at,
            cast(null(), String),
            cast(null(), String),
            cast(null(), Integer),
            cast(null(), Integer),
            cast(null(), String),
            cast(null(), String),
            cast(null(), Boolean),
            cast(null(), Boolean),
            cast(null(), Integer),
            cast(null(), JSON),
            _SESSIONS.c.record,
        ).where(
            _SESSIONS.c.patient_id == bindparam("patient_id"),
            _SESSIONS.c.status == "stopped",
            _SESSIONS.c.finished_at >= bindparam("since"),
        ),
    )
)
_CHECK_BEFORE = (
    select(_CHECKS.c.back_pain, _CHECKS.c.leg_pain, _CHECKS.c.left_reach, _CHECKS.c.right_reach)
    .where(
        _CHECKS.c.patient_id == bindparam("patient_id"),
        _CHECKS.c.kind == "pre-exercise",
        _CHECKS.c.session_id == bindparam("session_id"),
        _CHECKS.c.exercise_id == bindparam("exercise_id"),
        _CHECKS.c.id < bindparam("id"),
    )
    .order_by(_CHECKS.c.id.desc())
    .limit(1)
)


def history_events(db: Session, patient_id: int, cursor: Cursor = Cursor()) -> list[tuple[str, Event]]:
    """Unread events in time order: quick checks after exercises, stops for pain, morning check-ins and SBIs.

    Read with one Core statement built once, over the rows since the cursor only (indexed by patient, kind, time).
    """
    db.flush()  # rows changed through the ORM in this transaction (a session's status, a check) are read too
    conn = connection_of(db)
    params = {"patient_id": patient_id, "since": cursor.at or _EPOCH}
    found: list[tuple[datetime, str, Event]] = []
    for row in fetch(db, _UNREAD, params):
        at = as_utc(row.at)
        if row.source == "stop":
            key = f"stop:{row.session_id}"
            if cursor.unread(key, at):
                found.extend((at, key, event) for event in _stop_events(row.record, at))
            continue
        key = f"checkin:{row.check_id}"
        if not cursor.unread(key, at):
            continue
        event: Event | None
        if row.kind == "sbi":
            event = SbiEvent(at, row.score) if row.score is not None else None
        elif row.kind == "morning":
            event = _morning_event(row, at)
        else:
            event = _outcome_event(conn, patient_id, row, at)
        if event is not None:
            found.append((at, key, event))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(key, event) for _, key, event in found]


def _morning_event(row: Any, at: datetime) -> MorningEvent | None:
    symptoms = checkin_symptoms(row)
    if symptoms is None:
        return None
    red_flag = bool(row.red_flag)  # saved with a warning sign answered "yes"
    return MorningEvent(at, MorningCheck(symptoms, bool(row.numbness), bool(row.weakness)), red_flag)


def _outcome_event(conn: Connection, patient_id: int, row: Any, at: datetime) -> ExerciseOutcome | None:
    after = checkin_symptoms(row)
    if after is None or row.exercise_id is None:
        return None
    before = None
    if row.session_id is not None:
        params = {"patient_id": patient_id, "session_id": row.session_id, "exercise_id": row.exercise_id}
        before_row = conn.execute(_CHECK_BEFORE, {**params, "id": row.check_id}).first()
        before = checkin_symptoms(before_row) if before_row is not None else None
    return ExerciseOutcome(at, row.exercise_id, before, after)


def _stop_events(saved_record: dict[str, Any], at: datetime) -> list[ExerciseOutcome]:
    record = SessionRecord.from_dict(saved_record)
    # The pain given with the stop (if any) is the exercise's check after: a stop with pain after.
    return [
        ExerciseOutcome(
            at,
            item.exercise_id,
            item.pain_before,
            item.pain_after,
            stopped_for_pain=True,
        )
        for item in record.exercises
        if item.stopped_for_pain
    ]


@dataclass(frozen=True)
class Applied:
    """What one run of the rules did: changes (saved), decisions to hold a dose (shown, not saved), the plan as it
    stands afterwards and the advice after the last event read (both None when there was nothing new to read)."""

    changes: tuple[Change, ...] = ()
    holds: tuple[Change, ...] = ()
    plan: AdaptivePlan | None = None
    advice: Advice | None = None


def apply_adaptation(db: Session, patient_id: int, library: Library, book: RuleBook | None = None) -> Applied:
    """Run the rules over history not yet read; save the plan, each change with its reason, and an audit entry."""
    book = book or load_rules()
    plan, cursor = _load_state(db, patient_id, library)
    events = history_events(db, patient_id, cursor)
    if not events:
        return Applied()
    result = adapt(plan, [event for _, event in events], book, library)
    for key, event in events:
        cursor = cursor.advance(key, event.at)
    _save(db, patient_id, result.plan, cursor, result.changes, ACTOR_RULES)
    return Applied(result.changes, result.holds, result.plan, result.advice)


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
    plan, cursor = _load_state(db, patient_id, library)
    respond = accept_offer if accept else decline_offer
    result = respond(plan, rule_id, book, library, at or utcnow())
    _save(db, patient_id, result.plan, cursor, result.changes, ACTOR_PATIENT)
    return result.changes[-1]


_CHANGES = table_of(PlanChange)
_AUDIT = table_of(AuditEntry)
# inline: no RETURNING of the new ids (nothing reads them), so they can wait in the pipeline (storage/pipeline.py)
_INSERT_CHANGES = HotStatement(insert(_CHANGES).inline())
_INSERT_AUDIT = HotStatement(insert(_AUDIT).inline())


def save_plan(
    db: Session,
    patient_id: int,
    library: Library,
    plan: AdaptivePlan,
    changes: Sequence[Change],
    actor: str,
    extra: dict[str, Any],
) -> None:
    """Save a plan changed outside the rules (a clinician), keeping the rules' cursor: each change with `extra`
    (who, their note, the version) kept beside it and an audit row, as the rules' changes are."""
    _, cursor = _load_state(db, patient_id, library)
    _save(db, patient_id, plan, cursor, changes, actor, extra)


def _save(
    db: Session,
    patient_id: int,
    plan: AdaptivePlan,
    cursor: Cursor,
    changes: Sequence[Change],
    actor: str,
    extra: dict[str, Any] | None = None,
) -> None:
    now = utcnow()
    data = _state_json(plan, cursor)
    send_later(db, _UPDATE_STATE, {"for_patient": patient_id, "new_plan": data, "at": now})
    keep(db, patient_id, plan=data)
    if not changes:
        return
    rows: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    for change in changes:
        rows.append(
            {
                "patient_id": patient_id,
                "created_at": change.at,
                "rule_id": change.rule_id,
                "exercise_id": change.exercise_id,
                "reason": change.reason,
                "before": {"item": item_dict(change.before)},
                "after": {
                    "item": item_dict(change.after),
                    "action": change.action,
                    "rule_version": change.rule_version,
                    **(extra or {}),
                },
            }
        )
        # Rule ids and exercise ids only: the reasons (which describe symptoms) stay in plan_changes.
        detail = {"rule_id": change.rule_id, "rule_version": change.rule_version, "exercise_id": change.exercise_id}
        audit = {"patient_id": patient_id, "created_at": now, "actor": actor, "detail": detail}
        audits.append({**audit, "action": f"plan-{change.action}"})
        if change.action == "remove" and any(r.rule_id == change.rule_id for r in plan.reviews):
            audits.append({**audit, "action": "clinician-review-flag"})
    send_later(db, _INSERT_CHANGES, rows)
    send_later(db, _INSERT_AUDIT, audits)
    forget(db, patient_id, "morning_changes")


def held_state_json(db: Session, patient_id: int, library: Library) -> dict[str, Any]:
    """The saved state (plan and cursor) as stored, read inside a write transaction: kept with a morning check-in
    so a correction that day can replay the day from it."""
    _load_state(db, patient_id, library)  # read once into the transaction's held facts (no re-serialising)
    found = held(db, patient_id, "plan")
    assert found is not None and found.plan is not None
    return found.plan


_CHANGES_SINCE = select(table_of(PlanChange).c.id, table_of(PlanChange).c.after).where(
    table_of(PlanChange).c.patient_id == bindparam("patient_id"),
    table_of(PlanChange).c.created_at >= bindparam("since"),
)


def _kept_on_rewind(action: str) -> bool:
    return action in PATIENT_ACTIONS or action.startswith(CLINICIAN_PREFIX)


def rewind(db: Session, patient_id: int, state: dict[str, Any], since: datetime, why: str) -> int:
    """Put the rules back where they were before `since` (a morning being corrected): the state restored (held for
    the run of the rules that must follow in the same transaction, which saves it) and the changes the rules made
    since then removed, so that run reads the day again, once. Changes the person
    made (answering an offer) and a clinician's stay. Audited; returns how many changes were removed."""
    found = held(db, patient_id, "morning_changes")  # read with the lock when `since` is the latest morning
    made: Sequence[tuple[int, dict[str, Any] | None]]
    if found is not None and found.morning is not None and as_utc(found.morning["created_at"]) == as_utc(since):
        made = found.morning_changes
    else:
        made = [
            tuple(row) for row in db.connection().execute(_CHANGES_SINCE, {"patient_id": patient_id, "since": since})
        ]
    removed = [change_id for change_id, after in made if not _kept_on_rewind(str((after or {}).get("action", "")))]
    if removed:
        send_later(db, delete(_CHANGES).where(_CHANGES.c.id.in_(removed)), {})
        forget(db, patient_id, "morning_changes")
    now = utcnow()
    # Held, not written: the corrected morning is unread from this state, so the rules' run that follows saves it.
    keep(db, patient_id, plan=state)
    detail = {"reason": why, "changes_replayed": len(removed)}
    audit = {"patient_id": patient_id, "created_at": now, "actor": ACTOR_PATIENT, "action": why, "detail": detail}
    send_later(db, _INSERT_AUDIT, audit)
    return len(removed)


def list_plan_changes(
    db: Session, patient_id: int, limit: int = 200, since: datetime | None = None
) -> list[PlanChange]:
    """The patient's plan changes (made at `since` or later, when given), newest first."""
    stmt = select(PlanChange).where(PlanChange.patient_id == patient_id)
    if since is not None:
        stmt = stmt.where(PlanChange.created_at >= since)
    stmt = stmt.order_by(PlanChange.created_at.desc(), PlanChange.id.desc()).limit(limit)
    return list(db.scalars(stmt))
