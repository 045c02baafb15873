"""Replay a clinical scenario through the real rules and the real saving path, day by day.

Each scenario runs in a throwaway SQLite database: the morning check-in goes through `checkins.morning_checkin`
(with its safety questions), each session is saved with the storage functions the app uses and the rules run on it
(`storage/plans.apply_adaptation`) and the clinician's alerts are raised as the app raises them (the worker's
inactivity check at each day's end), all with the times of the scenario's days. So the web, the terminal and the
simulator cannot disagree about what a history leads to.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from sciatica_coach.domain.adaptation import AdaptivePlan, Advice, advice_of, worst
from sciatica_coach.domain.adaptation.scenario import Day, Done, Scenario, ScenarioError, level_at_least
from sciatica_coach.domain.alerts import inactivity_alerts
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.cautions import CautionNote
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.accounts import last_activity
from sciatica_coach.storage.alerts import raised_ids, save_alerts
from sciatica_coach.storage.checkins import record_exercise_check
from sciatica_coach.storage.db import make_engine
from sciatica_coach.storage.migrate import upgrade
from sciatica_coach.storage.models import Alert, PlanChange
from sciatica_coach.storage.plans import apply_adaptation, current_plan
from sciatica_coach.storage.safety import cautioned, exercise_gate, open_locks, record_screening
from sciatica_coach.storage.sessions import create_session
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.checkins import lock_advice, morning_checkin
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.usecases.patients import local_patient_id
from sciatica_coach.usecases.sessions import alerts_after_exercise

MORNING_AT = time(8, 0)
FIRST_SESSION_AT = time(10, 0)
SESSION_GAP = timedelta(hours=3)
EXERCISE_MINUTES = 5
SIMULATED = "simulated"


@dataclass(frozen=True)
class DayOutcome:
    """One day replayed: the plan at its end, the day's advice, the plan changes made that day, whether exercise is
    locked, and any exercise of the scenario that could not be done (not in the plan, or exercise locked)."""

    day: date
    plan: dict[str, dict[str, Any]]
    advice: Advice
    changes: tuple[dict[str, str], ...]
    locked: bool
    not_done: tuple[str, ...] = field(default=())
    alerts: tuple[dict[str, str], ...] = field(default=())  # the clinician's alerts the day raised

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: {date, plan, advice: {level, text}, changes: [{rule, exercise_id, reason}], locked,
        alerts: [{alert, tier, reason}]}."""
        return {
            "date": self.day.isoformat(),
            "plan": self.plan,
            "advice": self.advice.to_dict(),
            "changes": list(self.changes),
            "locked": self.locked,
            "alerts": list(self.alerts),
        }


def simulate(scenario: Scenario, catalog: Catalog) -> list[DayOutcome]:
    """Replay `scenario` from a fresh start (a person cleared to exercise by a clean first screening)."""
    with tempfile.TemporaryDirectory(prefix="sciatica-simulate-") as folder:
        url = f"sqlite:///{Path(folder) / 'simulate.db'}"
        upgrade(url)
        engine = make_engine(url)
        try:
            store = Store(engine)
            patient_id = local_patient_id(store)
            known = {caution.id for caution in catalog.library.contraindications.cautions}
            unknown = sorted(set(scenario.cautions) - known)
            if unknown:
                raise ScenarioError(f"field 'cautions': unknown caution {', '.join(unknown)} (known: {sorted(known)})")
            with store.write(patient_id) as db:
                answers = all_no("full", catalog.red_flags)
                record_screening(db, patient_id, "full", answers, catalog.red_flags, cautions=scenario.cautions)
            return [
                _replay_day(store, catalog, patient_id, scenario.start + timedelta(days=n), day, n, scenario.start)
                for n, day in enumerate(scenario.days)
            ]
        finally:
            engine.dispose()


def _replay_day(
    store: Store, catalog: Catalog, patient_id: int, today: date, day: Day, number: int, started: date
) -> DayOutcome:
    with store.read() as db:
        last_change = _last_change_id(db, patient_id)
        last_alert = db.scalars(
            select(func.coalesce(func.max(Alert.id), 0)).where(Alert.patient_id == patient_id)
        ).one()
    advices: list[Advice | None] = []
    if day.morning is not None:
        morning = day.morning
        answers: dict[str, object] = {
            "back_pain": morning.back_pain,
            "leg_pain": morning.leg_pain,
            "left_reach": morning.left_reach,
            "right_reach": morning.right_reach,
            "numbness": morning.numbness,
            "weakness": morning.weakness,
        }
        flags = {**all_no("short", catalog.red_flags), **morning.red_flags}
        at = datetime.combine(today, MORNING_AT, tzinfo=UTC)
        try:
            outcome = morning_checkin(store, catalog, patient_id, answers, flags, strict=True, at=at)
        except Invalid as exc:
            raise ScenarioError(f"field 'days.{number}.morning': {exc}") from None
        advices.append(outcome.advice)
    not_done: list[str] = []
    start = datetime.combine(today, FIRST_SESSION_AT, tzinfo=UTC)
    for session in day.sessions:
        for part in _split_at_stops(session):
            with store.write(patient_id) as db:
                if exercise_gate(db, patient_id) is not None:
                    not_done.extend(part)
                    continue
                session_start = start
                start, skipped, record = _save_session(db, patient_id, catalog, part, start)
                not_done.extend(skipped)
                applied = apply_adaptation(db, patient_id, catalog.library, catalog.rules)
                advices.append(applied.advice)
                for exercise in record.exercises if record is not None else ():
                    if exercise.pain_after is not None or exercise.stopped_for_pain:
                        alerts_after_exercise(
                            db, catalog, patient_id, exercise, applied.changes, applied.advice, session_start
                        )
        start += SESSION_GAP
    with store.write(patient_id) as db:  # what the worker's hourly inactivity check would raise by the day's end
        end_of_day = datetime.combine(today, time(23, 59), tzinfo=UTC)
        began = datetime.combine(started, MORNING_AT, tzinfo=UTC)
        active = last_activity(db, patient_id)
        quiet = inactivity_alerts(
            catalog.alerts, active, began, end_of_day, raised_ids(db, patient_id, active or began)
        )
        save_alerts(db, patient_id, quiet)
    with store.read() as db:
        plan = current_plan(db, patient_id, catalog.library)
        _, notes = cautioned(db, patient_id, plan.prescription, catalog.library)
        locked = bool(open_locks(db, patient_id))
        advice = worst([lock_advice(db, patient_id), *advices]) if locked else worst(advices)
        if not advices and not locked:
            advice = advice_of(plan.notes, catalog.rules)
        alerts = tuple(
            {"alert": row.alert_id, "tier": row.tier, "reason": row.reason}
            for row in db.scalars(
                select(Alert).where(Alert.patient_id == patient_id, Alert.id > last_alert).order_by(Alert.id)
            )
        )
        changes = tuple(
            {"rule": row.rule_id, "exercise_id": row.exercise_id or "", "reason": row.reason}
            for row in db.scalars(
                select(PlanChange)
                .where(PlanChange.patient_id == patient_id, PlanChange.id > last_change)
                .order_by(PlanChange.id)
            )
        )
    return DayOutcome(today, plan_statuses(plan, notes), advice, changes, locked, tuple(not_done), alerts)


def plan_statuses(plan: AdaptivePlan, notes: Sequence[CautionNote] = ()) -> dict[str, dict[str, Any]]:
    """Each exercise of the plan: reps, hold and status (active, or paused / stopped for a clinician's review).
    A caution that leaves an exercise out makes it `stopped`; either kind of caution adds `caution` (its label and
    reason)."""
    found: dict[str, dict[str, Any]] = {
        item.exercise_id: {"reps": item.reps, "hold_seconds": item.hold_seconds, "status": "active"}
        for item in plan.prescription.items
    }
    for review in plan.reviews:
        if review.exercise_id not in found:
            status = "stopped" if review.status == "stopped" else "paused"
            found[review.exercise_id] = {"reps": review.reps, "hold_seconds": review.hold_seconds, "status": status}
    for note in notes:
        if note.exercise_id in found:
            found[note.exercise_id]["caution"] = f"{note.label}: {note.reason}"
            if note.effect == "leave-out":
                found[note.exercise_id]["status"] = "stopped"
    return found


def _last_change_id(db: DbSession, patient_id: int) -> int:
    stmt = select(PlanChange.id).where(PlanChange.patient_id == patient_id).order_by(PlanChange.id.desc()).limit(1)
    return db.scalars(stmt).first() or 0


def _split_at_stops(session: dict[str, Done]) -> list[dict[str, Done]]:
    """A stop for pain ends a session: what the scenario lists after it is a session of its own, started later."""
    parts: list[dict[str, Done]] = [{}]
    for exercise_id, done in session.items():
        parts[-1][exercise_id] = done
        if done.stopped_for_pain:
            parts.append({})
    return [part for part in parts if part]


def _save_session(
    db: DbSession, patient_id: int, catalog: Catalog, part: dict[str, Done], start: datetime
) -> tuple[datetime, list[str], SessionRecord | None]:
    """Save one session of today's prescription as the player would have: a check before and after each exercise
    done, the others skipped; returns when it ended, the exercises asked for that are not in the plan and the
    session's record (None when nothing of it was in the plan)."""
    # As a session starts in the app: today's plan with the person's cautions applied.
    prescription, _ = cautioned(
        db, patient_id, current_plan(db, patient_id, catalog.library).prescription, catalog.library
    )
    planned = {item.exercise_id for item in prescription.items}
    skipped = [exercise_id for exercise_id in part if exercise_id not in planned]
    if not planned & set(part):
        return start, skipped, None
    script = build_script(prescription, catalog.library)
    row = create_session(db, patient_id, prescription, script, source=SIMULATED)
    record = SessionRecord.start(prescription)
    at = start
    stopped = False
    for exercise_id, done in part.items():
        if exercise_id not in planned:
            continue
        exercise = next(e for e in record.exercises if e.exercise_id == exercise_id)
        check = record_exercise_check(db, patient_id, row.id, exercise_id, "before", done.before.symptoms)
        check.created_at = at
        exercise.pain_before = done.before.symptoms
        if done.stopped_for_pain:
            exercise.stopped_for_pain = True
            at += timedelta(minutes=2)
            stopped = True
            break
        exercise.reps_done = {side: exercise.reps_planned for side in exercise.reps_done}
        exercise.holds_completed = exercise.reps_planned * len(exercise.reps_done) if exercise.hold_seconds else 0
        if done.after is not None:
            check = record_exercise_check(db, patient_id, row.id, exercise_id, "after", done.after.symptoms)
            check.created_at = at + timedelta(minutes=EXERCISE_MINUTES - 1)
            exercise.pain_after = done.after.symptoms
        at += timedelta(minutes=EXERCISE_MINUTES)
    for exercise in record.exercises:
        if exercise.exercise_id not in part:
            exercise.skipped = True
    record.status = "stopped" if stopped else "completed"
    row.record = record.to_dict()
    row.status = record.status
    row.position = len(script)
    row.started_at = start
    row.updated_at = row.finished_at = at
    db.flush()
    return at + timedelta(minutes=10), skipped, record


def check_expectations(scenario: Scenario, days: list[DayOutcome]) -> list[str]:
    """Every way the replayed days differ from what the scenario expects, in words (empty when all hold)."""
    problems: list[str] = []
    for expected in scenario.expect:
        index = expected.day - 1
        got = days[index]
        where = f"day {expected.day} ({got.day.isoformat()})"
        level = got.advice.level
        if expected.advice is not None and level != expected.advice:
            problems.append(f"{where}: advice is {level}, expected {expected.advice}")
        if expected.advice_at_least is not None and not level_at_least(level, expected.advice_at_least):
            problems.append(f"{where}: advice is {level}, expected {expected.advice_at_least} or more")
        if expected.advice_below is not None and level_at_least(level, expected.advice_below):
            problems.append(f"{where}: advice is {level}, expected less than {expected.advice_below}")
        if expected.locked is not None and got.locked != expected.locked:
            problems.append(f"{where}: locked is {str(got.locked).lower()}, expected {str(expected.locked).lower()}")
        for exercise_id, status in expected.status.items():
            actual = got.plan.get(exercise_id, {}).get("status", "absent")
            if actual != status:
                problems.append(f"{where}: {exercise_id} is {actual}, expected {status}")
        for exercise_id, reps in expected.reps.items():
            actual_reps = got.plan.get(exercise_id, {}).get("reps")
            if actual_reps != reps:
                problems.append(f"{where}: {exercise_id} has {actual_reps} reps, expected {reps}")
        fired = {change["rule"] for change in got.changes}
        for rule in expected.rules:
            if rule not in fired:
                problems.append(f"{where}: rule {rule} did not change the plan (changed: {sorted(fired) or 'none'})")
        if expected.no_step_up:
            before = days[index - 1].plan if index > 0 else {}
            for exercise_id, item in got.plan.items():
                was = before.get(exercise_id)
                if item["status"] == "active" and was is not None and (item["reps"] or 0) > (was["reps"] or 0):
                    problems.append(f"{where}: {exercise_id} went up from {was['reps']} to {item['reps']} reps")
    return problems
