"""Pause, resume, skip, stop for pain, symptom checks and resuming a saved session, under a fake clock."""

from __future__ import annotations

import pytest

from helpers import PAIN_LIMIT
from sciatica_coach.domain.clock import FakeClock
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import PrescribedExercise, Prescription
from sciatica_coach.domain.engine.record import SessionError, SessionRecord
from sciatica_coach.domain.engine.runner import SessionRunner
from sciatica_coach.domain.engine.script import Phase, build_script
from sciatica_coach.domain.symptoms import SymptomCheck

GLIDE = PrescribedExercise("nerve-glide", reps=2, hold_seconds=5, sides=("left", "right"))
PRESS = PrescribedExercise("prone-press-up", reps=2, hold_seconds=2, sides=("",))
SMALL = Prescription(items=(GLIDE, PRESS))
OK = SymptomCheck(back=2, leg=3, left_reach="buttock", right_reach="none")


def make(library: Library, position: int = 0, record: SessionRecord | None = None) -> tuple[SessionRunner, FakeClock]:
    """A runner over SMALL on a fake clock."""
    clock = FakeClock()
    record = record or SessionRecord.start(SMALL)
    runner = SessionRunner(build_script(SMALL, library), record, clock, pain_limit=PAIN_LIMIT, position=position)
    return runner, clock


def advance_to(runner: SessionRunner, clock: FakeClock, kind: str, rep: int, side: str) -> Phase:
    """Tick second by second (answering checks) until the given phase is under way."""
    runner.tick()
    for _ in range(10_000):
        phase = runner.current
        assert phase is not None, "the session ended before the phase was reached"
        if (phase.kind, phase.rep, phase.side) == (kind, rep, side):
            return phase
        if runner.waiting:
            runner.answer_check(OK)
        else:
            clock.advance(0.5)
            runner.tick()
    raise AssertionError("phase never reached")


def finish(runner: SessionRunner, clock: FakeClock) -> None:
    """Play to the end, answering every check."""
    while not runner.finished:
        if runner.waiting:
            runner.answer_check(OK)
        else:
            clock.advance(1.0)
            runner.tick()


def test_time_spent_paused_is_not_counted(library: Library) -> None:
    runner, clock = make(library)
    runner.tick()
    runner.answer_check(OK)  # get-ready (5 s) starts at 0
    clock.advance(2)
    events = runner.pause()
    assert [(e.kind, e.at) for e in events if e.kind == "paused"] == [("paused", 2.0)]
    clock.advance(600)
    assert runner.tick() == []
    assert runner.remaining() == 3.0 and runner.paused
    assert runner.pause() == []  # pausing twice changes nothing
    assert [(e.kind, e.at) for e in runner.resume()] == [("resumed", 2.0)]
    assert runner.resume() == []
    clock.advance(2.9)
    assert [e.kind for e in runner.tick()] == ["countdown", "countdown"]
    clock.advance(0.1)
    completed = [e for e in runner.tick() if e.kind == "phase-completed"]
    assert [(e.phase_index, e.at) for e in completed] == [(1, 5.0)]
    assert runner.elapsed() == 5.0


def test_toggle_pause_alternates(library: Library) -> None:
    runner, _clock = make(library)
    runner.tick()
    assert [e.kind for e in runner.toggle_pause()] == ["paused"]
    assert [e.kind for e in runner.toggle_pause()] == ["resumed"]


def test_skip_marks_the_exercise_and_jumps_to_the_check_before_the_next(library: Library) -> None:
    runner, clock = make(library)
    advance_to(runner, clock, "hold", 1, "right")
    events = runner.skip()
    assert [e.kind for e in events] == ["skipped", "phase-started", "cue"]
    phase = runner.current
    assert phase is not None and (phase.exercise_id, phase.kind) == ("nerve-glide", "check-between")
    glide = runner.record.exercises[0]
    assert glide.skipped and glide.reps_done == {"left": 2, "right": 0} and glide.holds_completed == 2
    runner.answer_check(OK)  # the one check between: after the skipped glide, before the press-up
    assert glide.pain_after == OK and runner.record.exercises[1].pain_before == OK
    phase = runner.current
    assert phase is not None and (phase.exercise_id, phase.kind) == ("prone-press-up", "get-ready")
    finish(runner, clock)
    assert runner.record.status == "completed"
    assert not runner.record.exercises[1].skipped
    assert runner.record.exercises[1].reps_done == {"": 2}


def test_skipping_only_the_closing_check_does_not_mark_the_exercise_skipped(library: Library) -> None:
    runner, clock = make(library)
    advance_to(runner, clock, "check-between", 0, "")
    runner.skip()
    assert not runner.record.exercises[0].skipped
    assert runner.record.exercises[0].pain_after is None
    assert runner.record.exercises[1].pain_before is None
    phase = runner.current
    assert phase is not None and (phase.exercise_id, phase.kind) == ("prone-press-up", "get-ready")


def test_skipping_the_last_exercise_ends_the_session(library: Library) -> None:
    runner, clock = make(library)
    advance_to(runner, clock, "move", 1, "")
    events = runner.skip()
    assert [e.kind for e in events] == ["skipped", "finished"]
    assert runner.finished and runner.record.status == "completed"
    assert runner.record.exercises[1].skipped


def test_stop_for_pain_ends_the_session_and_flags_the_exercise(library: Library) -> None:
    runner, clock = make(library)
    advance_to(runner, clock, "hold", 2, "left")
    clock.advance(1)
    events = runner.stop_for_pain(SymptomCheck(back=6, leg=8, left_reach="foot"))
    assert events[-1].kind == "stopped"
    assert runner.finished and runner.current is None
    assert runner.record.status == "stopped"
    glide = runner.record.exercises[0]
    assert glide.stopped_for_pain and not glide.skipped
    assert glide.pain_after == SymptomCheck(back=6, leg=8, left_reach="foot", right_reach="none")
    assert glide.reps_done == {"left": 1, "right": 0}
    assert not runner.record.exercises[1].stopped_for_pain
    clock.advance(100)
    assert runner.tick() == [] and runner.skip() == []


def test_a_bad_pain_report_changes_nothing(library: Library) -> None:
    runner, clock = make(library)
    runner.tick()
    with pytest.raises(SessionError, match="between 0 and 10"):
        runner.answer_check(SymptomCheck(back=11, leg=0))
    with pytest.raises(SessionError, match="reach must be one of"):
        runner.answer_check(SymptomCheck(back=1, leg=0, left_reach="knee"))
    assert runner.position == 0 and runner.waiting
    advance_to(runner, clock, "move", 1, "left")
    with pytest.raises(SessionError, match="between 0 and 10"):
        runner.stop_for_pain(SymptomCheck(back=0, leg=-1))
    assert not runner.finished


def test_checks_only_answer_when_the_session_waits(library: Library) -> None:
    runner, clock = make(library)
    advance_to(runner, clock, "move", 1, "left")
    with pytest.raises(SessionError, match="not waiting"):
        runner.answer_check(OK)


def test_symptom_checks_are_kept_before_and_after(library: Library) -> None:
    runner, clock = make(library)
    runner.tick()
    runner.answer_check(SymptomCheck(back=4, leg=5, left_reach="below-knee"))
    advance_to(runner, clock, "check-between", 0, "")
    runner.answer_check(SymptomCheck(back=3, leg=4, left_reach="thigh"))
    glide, press = runner.record.exercises
    assert glide.pain_before == SymptomCheck(back=4, leg=5, left_reach="below-knee", right_reach="none")
    assert glide.pain_after == SymptomCheck(back=3, leg=4, left_reach="thigh", right_reach="none")
    assert press.pain_before == glide.pain_after  # one answer between the two, not the same form twice
    advance_to(runner, clock, "check-after", 0, "")
    runner.answer_check(SymptomCheck(back=2, leg=2, left_reach="buttock"))
    assert press.pain_after == SymptomCheck(back=2, leg=2, left_reach="buttock", right_reach="none")
    assert runner.record.status == "completed"


def test_the_record_counts_reps_per_side_and_holds(library: Library) -> None:
    runner, clock = make(library)
    finish(runner, clock)
    glide, press = runner.record.exercises
    assert glide.reps_done == {"left": 2, "right": 2} and glide.holds_completed == 4
    assert press.reps_done == {"": 2} and press.holds_completed == 2
    assert runner.record.total_reps == 6
    assert runner.position == len(runner.script)


@pytest.mark.parametrize("stop_in", ["hold", "return"])
def test_resuming_mid_rep_restarts_that_rep(library: Library, stop_in: str) -> None:
    first, clock = make(library)
    advance_to(first, clock, stop_in, 2, "left")
    clock.advance(0.5)
    first.tick()
    saved_position, saved_record = first.position, first.record.to_dict()  # what storage keeps
    assert first.record.exercises[0].holds_completed == (2 if stop_in == "return" else 1)

    second, clock2 = make(library, saved_position, SessionRecord.from_dict(saved_record))
    phase = second.current
    assert phase is not None and (phase.kind, phase.rep, phase.side) == ("move", 2, "left")
    assert second.record.exercises[0].holds_completed == 1  # the interrupted rep's hold is done again
    events = second.tick()
    assert [(e.at, e.kind, e.phase_index) for e in events[:2]] == [
        (0.0, "phase-started", phase.index),
        (0.0, "cue", phase.index),
    ]
    finish(second, clock2)
    glide = second.record.exercises[0]
    assert glide.reps_done == {"left": 2, "right": 2} and glide.holds_completed == 4
    assert second.record.status == "completed"


def test_resuming_between_reps_starts_where_it_stopped(library: Library) -> None:
    first, clock = make(library)
    rest = advance_to(first, clock, "rest", 1, "left")
    second, _ = make(library, first.position, SessionRecord.from_dict(first.record.to_dict()))
    assert second.current == rest
    assert second.record.exercises[0].reps_done == {"left": 1, "right": 0}


def test_a_position_outside_the_script_is_refused(library: Library) -> None:
    with pytest.raises(SessionError, match="outside this session"):
        make(library, position=999)


def test_a_runner_at_the_end_is_finished(library: Library) -> None:
    script = build_script(SMALL, library)
    runner, _ = make(library, position=len(script))
    assert runner.finished and runner.current is None and runner.tick() == []
