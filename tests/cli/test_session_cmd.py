"""`sciatica-coach session` end to end on an accelerated clock, against SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import Result
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from helpers import CLINIC_SECRET, PAIN_LIMIT
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.domain.engine.script import Phase, build_script
from sciatica_coach.domain.screening import all_no
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.models import CheckIn
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import FIRST_SCREENING_REASON, record_screening
from sciatica_coach.storage.sessions import create_session, list_sessions, save_progress

Invoke = Callable[..., Result]

FAST = ("--speed", "10000", "--no-speech")


def checkins(factory: sessionmaker[Session], patient_id: int) -> list[CheckIn]:
    with transaction(factory) as db:
        stmt = select(CheckIn).where(CheckIn.patient_id == patient_id).order_by(CheckIn.id)
        return list(db.scalars(stmt))


def test_a_whole_session_runs_and_is_stored_completed(
    invoke: Invoke, screened: int, factory: sessionmaker[Session], library: Library
) -> None:
    result = invoke("session", "--no-input", "--pain", "2,3", "--reach", "thigh,none", *FAST)
    assert result.exit_code == 0, result.output
    assert "Session complete" in result.output
    assert "Lift the straight leg and your head and shoulders together." in result.output
    with transaction(factory) as db:
        (row,) = list_sessions(db, screened)
        assert (row.status, row.source) == ("completed", "terminal")
        assert row.finished_at is not None and row.position == len(row.script)
        record = SessionRecord.from_dict(row.record)
    glide, press, hinge = record.exercises
    assert glide.reps_done == {"left": 5, "right": 5} and glide.holds_completed == 10
    assert press.reps_done == {"": 5} and press.holds_completed == 5
    assert hinge.reps_done == {"": 5} and hinge.holds_completed == 5
    assert not any(e.skipped or e.stopped_for_pain for e in record.exercises)
    assert glide.pain_before is not None and glide.pain_before.left_reach == "thigh"
    assert hinge.pain_after is not None and (hinge.pain_after.back, hinge.pain_after.leg) == (2, 3)
    rows = checkins(factory, screened)
    assert [(c.kind, c.exercise_id) for c in rows] == [
        (kind, item.exercise) for item in library.program.items for kind in ("pre-exercise", "post-exercise")
    ]
    assert all((c.back_pain, c.leg_pain, c.left_reach, c.session_id) == (2, 3, "thigh", row.id) for c in rows)


def test_answers_typed_on_stdin_are_checked_and_asked_again(
    invoke: Invoke, screened: int, factory: sessionmaker[Session]
) -> None:
    good = "1\n2\nbuttock\n0\n"
    typed = "11\nlots\n1\n\n2\nknee\n1\n\n0\n" + good * 5
    result = invoke("session", *FAST, input=typed)
    assert result.exit_code == 0, result.output
    assert "back pain must be a whole number from 0 to 10; got 11" in result.output
    assert "back pain must be a whole number from 0 to 10; got 'lots'" in result.output
    assert "leg pain must be a whole number from 0 to 10; got ''" in result.output
    assert "left leg reach must be one of 0=none, 1=buttock" in result.output
    assert "right leg reach: please choose one of 0=none" in result.output  # an empty answer is not "none"
    with transaction(factory) as db:
        (row,) = list_sessions(db, screened)
        record = SessionRecord.from_dict(row.record)
    assert row.status == "completed"
    first = record.exercises[0].pain_before
    assert first is not None
    assert (first.back, first.leg, first.left_reach, first.right_reach) == (1, 2, "buttock", "none")


def test_running_out_of_answers_saves_the_session_for_later(
    invoke: Invoke, screened: int, factory: sessionmaker[Session]
) -> None:
    result = invoke("session", *FAST, input="1\n2\n0\n0\n")  # answers the first check only
    assert result.exit_code == 0, result.output
    assert "sciatica-coach session --resume" in result.output
    with transaction(factory) as db:
        (row,) = list_sessions(db, screened)
        assert row.status == "in_progress"
        position = row.position
        record = SessionRecord.from_dict(row.record)
    assert record.exercises[0].reps_done == {"left": 5, "right": 5}  # the glides ran; the closing check waits
    assert Phase(**row.script[position]).kind == "check-between"  # after the glides, before the press-ups
    resumed = invoke("session", "--resume", "--no-input", "--pain", "0,1", "--reach", "none,none", *FAST)
    assert resumed.exit_code == 0, resumed.output
    assert "Resuming your session" in resumed.output
    with transaction(factory) as db:
        (row,) = list_sessions(db, screened)
        assert row.status == "completed"
        assert SessionRecord.from_dict(row.record).total_reps == 20


def test_resume_mid_rep_restarts_that_rep(
    invoke: Invoke, screened: int, factory: sessionmaker[Session], library: Library
) -> None:
    prescription = default_prescription(library)
    script = build_script(prescription, library)
    hold = next(p for p in script if p.kind == "hold" and p.rep == 3 and p.side == "left")
    with transaction(factory) as db:  # a session that crashed during the third left hold
        row = create_session(db, screened, prescription, script, source="web")
        record = SessionRecord.start(prescription)
        record.exercises[0].reps_done["left"] = 2
        record.exercises[0].holds_completed = 2
        save_progress(db, row, hold.index, record)
    result = invoke("session", "--resume", "--no-input", "--pain", "1,1", "--reach", "none,none", *FAST)
    assert result.exit_code == 0, result.output
    assert "Resuming your session at Sciatic nerve glide · Rep 3 of 5 · left leg" in result.output
    with transaction(factory) as db:
        (row,) = list_sessions(db, screened)
        done = SessionRecord.from_dict(row.record)
    assert row.status == "completed" and row.source == "web"
    assert done.exercises[0].reps_done == {"left": 5, "right": 5} and done.exercises[0].holds_completed == 10


def test_resume_without_an_unfinished_session_is_a_clear_error(invoke: Invoke, screened: int) -> None:
    result = invoke("session", "--resume", "--no-input", "--pain", "1,1", "--reach", "none,none", *FAST)
    assert result.exit_code == 1
    assert "no unfinished session to resume" in result.output
    assert "Traceback" not in result.output


def test_exercise_is_refused_before_the_first_screening(invoke: Invoke, factory: sessionmaker[Session]) -> None:
    result = invoke("session", "--no-input", "--pain", "1,1", "--reach", "none,none", *FAST)
    assert result.exit_code == 3
    assert FIRST_SCREENING_REASON in result.output and "/screening" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    with transaction(factory) as db:
        assert list_sessions(db, default_patient(db).id) == []


def test_a_red_flag_lock_refuses_the_session_with_its_reason(invoke: Invoke, factory: sessionmaker[Session]) -> None:
    with transaction(factory) as db:
        patient_id = default_patient(db).id
        answers = all_no("full")
        answers["bladder-trouble"] = True
        result_of_screening = record_screening(db, patient_id, "full", answers)
    assert result_of_screening.red_flag
    result = invoke("session", "--no-input", "--pain", "1,1", "--reach", "none,none", *FAST)
    assert result.exit_code == 3
    assert result_of_screening.message.split()[0] in result.output and "/safety" in result.output
    assert isinstance(result.exception, SystemExit)
    resumed = invoke("session", "--resume", "--no-input", "--pain", "1,1", "--reach", "none,none", *FAST)
    assert resumed.exit_code == 3
    with transaction(factory) as db:
        assert list_sessions(db, patient_id) == []


def test_bad_options_are_clear_errors(invoke: Invoke) -> None:
    for args, message in [
        (("--no-input",), "--no-input needs --pain"),
        (("--pain", "3"), "--pain takes two numbers"),
        (("--pain", "3,12"), "leg pain must be a whole number from 0 to 10; got 12"),
        (("--pain", "3,2", "--reach", "knee,none"), "left leg reach must be one of"),
        (("--pain", "3,2"), "--pain needs --reach LEFT,RIGHT"),  # no leg is taken to be clear unasked
        (("--reach", "none,none"), "--reach goes with --pain"),
    ]:
        result = invoke("session", *args, *FAST)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output


def test_speed_is_refused_in_production(invoke: Invoke) -> None:
    production = {"SCIATICA_MODE": "production", "SCIATICA_SECRET_KEY": CLINIC_SECRET}
    result = invoke("session", "--no-input", "--pain", "1,1", "--reach", "none,none", *FAST, env=production)
    assert result.exit_code == 2
    assert "--speed is a demo and testing aid" in result.output


def test_help_describes_the_session_options(invoke: Invoke) -> None:
    result = invoke("session", "--help")
    assert result.exit_code == 0
    for option in ("--resume", "--speed", "--no-speech", "--no-input", "--pain", "--reach"):
        assert option in result.output


def test_a_session_open_in_the_browser_is_carried_on_not_doubled(
    invoke: Invoke, screened: int, factory: sessionmaker[Session], library: Library
) -> None:
    prescription = default_prescription(library)
    with transaction(factory) as db:  # left in progress in the browser
        browser = create_session(db, screened, prescription, build_script(prescription, library), source="web").id
    result = invoke("session", "--no-input", "--pain", "1,1", "--reach", "none,none", *FAST)
    assert result.exit_code == 0, result.output
    assert "Resuming your session at Sciatic nerve glide" in result.output
    with transaction(factory) as db:
        (row,) = list_sessions(db, screened)
    assert row.id == browser and row.status == "completed"


def test_the_terminal_stops_when_the_browser_moved_the_session_on(
    screened: int, database_url: str, factory: sessionmaker[Session], library: Library
) -> None:
    from sciatica_coach.domain.catalog import load_catalog
    from sciatica_coach.storage.db import make_engine
    from sciatica_coach.storage.unit_of_work import Store
    from sciatica_coach.usecases import sessions as use
    from sciatica_coach.usecases.errors import MovedOn

    catalog = load_catalog()
    engine = make_engine(database_url)
    store = Store(engine)
    started = use.start_or_resume(store, catalog, screened, source="terminal")
    view = started.session
    record = view.record
    use.answer_check(store, catalog, screened, view.id, 0, SymptomCheck(1, 1))  # the browser answers step 0
    try:
        use.save_played(store, catalog, screened, view.id, 0, 1, record)
    except MovedOn as exc:
        assert "moved on in another window" in exc.message
    else:
        raise AssertionError("a stale terminal save was accepted")
    finally:
        engine.dispose()


def test_pain_above_the_red_line_stops_the_session_without_congratulations(
    invoke: Invoke, screened: int, factory: sessionmaker[Session]
) -> None:
    result = invoke("session", "--no-input", "--pain", f"2,{PAIN_LIMIT + 1}", "--reach", "thigh,none", *FAST)
    assert result.exit_code == 0, result.output
    assert "Leave out the sciatic nerve glide today." in result.output
    assert f"Above {PAIN_LIMIT} is too much to exercise on." in result.output
    assert "Session stopped: the pain was too much." in result.output
    assert "Session complete" not in result.output and "Well done" not in result.output
    with transaction(factory) as db:
        (row,) = list_sessions(db, screened)
        record = SessionRecord.from_dict(row.record)
    assert row.status == "stopped"
    assert record.exercises[0].ended is not None and record.exercises[0].reps_done == {"left": 0, "right": 0}


def test_spreading_after_an_exercise_ends_it_with_the_program_change(
    invoke: Invoke, screened: int, factory: sessionmaker[Session]
) -> None:
    before, spread, settled = "1\n2\n1\n0\n", "1\n2\n3\n0\n", "1\n2\n3\n0\n"
    typed = before + spread + settled * 4  # the glide sends symptoms from the buttock to below the knee
    result = invoke("session", *FAST, input=typed)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Stop the sciatic nerve glide for today." in text
    assert "Your symptoms reached further down your leg than before you started this exercise." in text
    assert "Your program has changed: The straight-leg glide made your leg symptoms spread" in text
    assert "Session over, with an exercise stopped early." in text
    assert "Session complete" not in text
    with transaction(factory) as db:
        (row,) = list_sessions(db, screened)
        record = SessionRecord.from_dict(row.record)
    assert row.status == "completed"
    glide = record.exercises[0]
    assert glide.ended is not None and glide.ended.reasons == ("spreading",)
    assert glide.ended.changes and "bent-knee" in glide.ended.changes[0].replace(" ", "-")
    assert all(item.ended is None for item in record.exercises[1:])
