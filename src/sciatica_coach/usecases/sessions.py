"""Guided sessions: start or resume, record a finished step, answer a symptom check, skip, stop, camera results.

A step is recorded by its index: a retry, a replay from the player's offline queue or a second tab sending the same
step changes nothing, and a step out of order is refused, so reps are never counted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from sciatica_coach.domain.adaptation import Advice, Change
from sciatica_coach.domain.alerts import Observed
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.engine.flow import Flow
from sciatica_coach.domain.engine.record import ExerciseRecord, SessionRecord, opens_next, rep_start
from sciatica_coach.domain.engine.script import Phase, build_script
from sciatica_coach.domain.motion.results import merge_camera
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.alerts import raise_alerts
from sciatica_coach.storage.checkins import record_exercise_check
from sciatica_coach.storage.models import ExerciseSession, utcnow
from sciatica_coach.storage.plans import apply_adaptation, current_prescription
from sciatica_coach.storage.safety import cautioned, exercise_gate
from sciatica_coach.storage.sessions import active_session, create_session, get_session, save_progress
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.errors import Gated, MovedOn, NotFound

NOT_YOURS = "There is no session with that id. It may belong to someone else or have been removed."
ENDED_ELSEWHERE = "This session has ended in another window or device ({status}); it is saved in your history."
MOVED_ELSEWHERE = "This session moved on in another window or device; open it again to carry on from there."


@dataclass(frozen=True)
class SessionView:
    """A saved session as the adapters show it."""

    id: str
    status: str
    source: str
    started_at: datetime
    position: int
    script: list[Phase]
    record: SessionRecord
    advice: Advice | None = None  # after a check or stop the rules ran on: what to do today

    @property
    def resume(self) -> int:
        """Where a player picks up: the start of the rep under way."""
        return rep_start(self.script, self.position)

    @classmethod
    def of(cls, row: ExerciseSession) -> SessionView:
        """Read a stored row."""
        flow = Flow.load(row.script, row.position, row.record)
        return cls(row.id, row.status, row.source, row.started_at, flow.position, flow.script, flow.record)


@dataclass(frozen=True)
class Started:
    """The session to play, and whether it was already under way (here or elsewhere)."""

    session: SessionView
    resumed: bool


def start_or_resume(
    store: Store, catalog: Catalog, patient_id: int, source: str = "web", *, now: datetime | None = None
) -> Started:
    """The session in progress, or a new one from today's prescription (with the person's cautions applied); Gated
    while exercise is blocked, or while the short re-screen is due (the last screening more than 24 hours old at
    `now`).

    One session in progress per patient: the browser, a second tab and the terminal all get the same one.
    """
    with store.write(patient_id) as db:
        gate = exercise_gate(db, patient_id, recheck=True, now=now)
        if gate is not None:
            raise Gated(gate)
        row = active_session(db, patient_id)
        if row is not None:
            return Started(SessionView.of(row), resumed=True)
        # Catch up on any history the rules have not read yet (a database from before rules ran on save).
        apply_adaptation(db, patient_id, catalog.library, catalog.rules)
        prescription, _ = cautioned(
            db, patient_id, current_prescription(db, patient_id, catalog.library), catalog.library
        )
        row = create_session(db, patient_id, prescription, build_script(prescription, catalog.library), source)
        return Started(SessionView.of(row), resumed=False)


def resume_latest(store: Store, patient_id: int) -> SessionView | None:
    """The session in progress, if any, without starting one; Gated while exercise is blocked."""
    with store.write(patient_id) as db:
        gate = exercise_gate(db, patient_id)
        if gate is not None:
            raise Gated(gate)
        row = active_session(db, patient_id)
        return SessionView.of(row) if row is not None else None


def session_state(db: Session, patient_id: int, session_id: str) -> SessionView:
    """Read one of the patient's sessions (inside a read); NotFound otherwise."""
    row = get_session(db, patient_id, session_id)
    if row is None:
        raise NotFound(NOT_YOURS)
    return SessionView.of(row)


Action = Callable[[Session, ExerciseSession, Flow], bool]


def _change(store: Store, patient_id: int, session_id: str, action: Action, gated: bool) -> SessionView:
    """Load under the patient's write lock, apply one flow action, save when it changed something."""
    with store.write(patient_id) as db:
        row = get_session(db, patient_id, session_id, for_update=True)
        if row is None:
            raise NotFound(NOT_YOURS)
        if gated and row.status == "in_progress" and (gate := exercise_gate(db, patient_id)) is not None:
            raise Gated(gate)
        flow = Flow.load(row.script, row.position, row.record)
        if action(db, row, flow):
            save_progress(db, row, flow.position, flow.record)
        return SessionView.of(row)


def record_progress(store: Store, catalog: Catalog, patient_id: int, session_id: str, index: int) -> SessionView:
    """Timed step `index` is done. Repeats change nothing; a step ahead of the session is refused (FlowError)."""
    return _change(store, patient_id, session_id, lambda _db, _row, flow: flow.complete(index), gated=True)


def answer_check(
    store: Store, catalog: Catalog, patient_id: int, session_id: str, index: int, report: SymptomCheck
) -> SessionView:
    """Answer the symptom check at step `index`: saved on the record and as a check-in; after an exercise the rules
    run on it (the answer then carries today's advice). A check showing spreading or pain above the red line ends
    that exercise, and the plan changes the rules made then are kept with it (for the step-down advice). A repeat
    changes nothing."""
    advice: list[Advice | None] = []

    def act(db: Session, row: ExerciseSession, flow: Flow) -> bool:
        result = flow.answer_check(index, report, pain_limit(catalog))
        if result is None:
            return False
        _record_checks(db, patient_id, row.id, flow.script, index, result.when, report, result.opens)
        if result.when == "after":
            applied = apply_adaptation(db, patient_id, catalog.library, catalog.rules)
            exercise_index = flow.script[index].exercise_index
            _keep_changes(flow.record, exercise_index, applied.changes)
            advice.append(applied.advice)
            exercise = flow.record.exercises[exercise_index]
            alerts_after_exercise(db, catalog, patient_id, exercise, applied.changes, applied.advice)
        return True

    view = _change(store, patient_id, session_id, act, gated=True)
    return replace(view, advice=advice[-1]) if advice else view


def _record_checks(
    db: Session,
    patient_id: int,
    session_id: str,
    script: Sequence[Phase],
    index: int,
    when: Literal["before", "after"],
    report: SymptomCheck,
    opens: int | None,
) -> None:
    """Save a check as a check-in; a check between two exercises that `opens` the next one is saved as the first
    one's check after and the next one's check before."""
    record_exercise_check(db, patient_id, session_id, script[index].exercise_id, when, report)
    if opens is not None and index + 1 < len(script):
        record_exercise_check(db, patient_id, session_id, script[index + 1].exercise_id, "before", report)


def pain_limit(catalog: Catalog) -> int:
    """The red line: pain above it (the traffic light's acceptable_max) ends an exercise inside a session."""
    return catalog.rules.traffic_light.acceptable_max


def alerts_after_exercise(
    db: Session,
    catalog: Catalog,
    patient_id: int,
    exercise: ExerciseRecord,
    changes: Sequence[Change],
    advice: Advice | None,
    at: datetime | None = None,
) -> None:
    """The clinician's alerts after an exercise's check after (or a stop, with the pain given): leg pain, its rise
    and spreading against the check before the same exercise, and any escalation of the rules (also used by the
    simulator, with its own times)."""
    seen = Observed(at=at or utcnow(), after=exercise.pain_after, before=exercise.pain_before)
    raise_alerts(db, catalog.alerts, patient_id, seen.and_rules(changes, advice))


def _keep_changes(record: SessionRecord, exercise_index: int, changes: Sequence[Change]) -> None:
    """Keep the reasons of the plan changes on the exercise a check ended, so its advice can say what changed."""
    ended = record.exercises[exercise_index].ended
    if ended is not None and changes:
        record.exercises[exercise_index].ended = replace(ended, changes=tuple(c.reason for c in changes))


def skip_exercise(
    store: Store, catalog: Catalog, patient_id: int, session_id: str, at_index: int | None = None
) -> SessionView:
    """Skip the rest of the exercise under way. With `at_index` (where the player was), a repeat of a skip that
    already happened changes nothing instead of skipping the next exercise too."""

    def act(_db: Session, _row: ExerciseSession, flow: Flow) -> bool:
        if at_index is not None and at_index < flow.position:
            return False  # the skip pressed at `at_index` already happened (or the session moved past it)
        flow.skip_exercise()
        return True

    return _change(store, patient_id, session_id, act, gated=True)


def stop_for_pain(
    store: Store, catalog: Catalog, patient_id: int, session_id: str, report: SymptomCheck | None = None
) -> SessionView:
    """End the session because it hurts (always allowed, even while exercise is blocked), with the pain felt and how
    far down each leg when the person gave them (kept as the exercise's check after); the rules run on it as a stop
    for pain. Stopping a session already stopped changes nothing. The answer carries today's advice."""
    advice: list[Advice | None] = []

    def act(db: Session, row: ExerciseSession, flow: Flow) -> bool:
        if flow.record.status == "stopped":
            return False
        flow.stop_for_pain(report)
        save_progress(db, row, flow.position, flow.record)
        applied = apply_adaptation(db, patient_id, catalog.library, catalog.rules)
        advice.append(applied.advice)
        exercise = flow.record.exercises[_stopped_exercise(flow.record)]
        alerts_after_exercise(db, catalog, patient_id, exercise, applied.changes, applied.advice)
        return True

    view = _change(store, patient_id, session_id, act, gated=False)
    return replace(view, advice=advice[-1]) if advice else view


def save_camera_results(
    store: Store, patient_id: int, session_id: str, results: Sequence[tuple[int, dict[str, Any]]]
) -> None:
    """Add camera-counted reps, holds and faults to their exercises, keeping whatever the player saved meanwhile."""
    with store.write(patient_id) as db:
        row = get_session(db, patient_id, session_id, for_update=True)
        if row is None:
            return
        record = SessionRecord.from_dict(row.record)
        for index, result in results:
            exercise = record.exercises[index]
            exercise.camera = merge_camera(exercise.camera, result)
        save_progress(db, row, row.position, record)


def _stopped_exercise(record: SessionRecord) -> int:
    """The exercise a stopped session was stopped in (the last one flagged), or the last one."""
    flagged = [i for i, exercise in enumerate(record.exercises) if exercise.stopped_for_pain]
    return flagged[-1] if flagged else len(record.exercises) - 1


@dataclass(frozen=True)
class Saved:
    """What `save_played` stored: the saved position, and the reasons of any plan changes the rules made."""

    position: int
    changes: tuple[str, ...] = ()


def save_played(
    store: Store,
    catalog: Catalog,
    patient_id: int,
    session_id: str,
    seen_position: int,
    position: int,
    record: SessionRecord,
    check: tuple[Phase, Literal["before", "after"], SymptomCheck] | None = None,
) -> Saved:
    """Save what a player that keeps its own record (the terminal) has done since it last saw `seen_position`.

    MovedOn when the session changed elsewhere meanwhile; a symptom check is saved as a check-in, and after an
    exercise, or when the session stops, the rules run (a check that ended its exercise keeps their changes on the
    record). The saved position is never behind the stored one: a resumed rep that starts again does not move the
    session backwards.
    """
    with store.write(patient_id) as db:
        row = get_session(db, patient_id, session_id, for_update=True)
        if row is None:
            raise NotFound(NOT_YOURS)
        if row.status != "in_progress":
            raise MovedOn(ENDED_ELSEWHERE.format(status=row.status))
        if row.position != seen_position:
            raise MovedOn(MOVED_ELSEWHERE)
        if check is not None:
            phase, when, report = check
            script = Flow.load(row.script, row.position, row.record).script
            opens = opens_next(script, phase.index) if record.status == "in_progress" else None
            _record_checks(db, patient_id, session_id, script, phase.index, when, report, opens)
        saved = max(position, row.position)
        save_progress(db, row, saved, record)
        changes: tuple[Change, ...] = ()
        if (check is not None and check[1] == "after") or record.status == "stopped":
            changes = apply_adaptation(db, patient_id, catalog.library, catalog.rules).changes
        if check is not None and changes:
            _keep_changes(record, check[0].exercise_index, changes)
            save_progress(db, row, saved, record)
        if (check is not None and check[1] == "after") or record.status == "stopped":
            ended_at = check[0].exercise_index if check is not None else _stopped_exercise(record)
            alerts_after_exercise(db, catalog, patient_id, record.exercises[ended_at], changes, None)
        return Saved(saved, tuple(c.reason for c in changes))
