"""The session runner under a fake clock: every cue at its exact time, countdowns, determinism."""

from __future__ import annotations

from helpers import PAIN_LIMIT
from sciatica_coach.domain.clock import FakeClock
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import PrescribedExercise, Prescription
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.domain.engine.runner import FINISHED_CUE, Event, SessionRunner
from sciatica_coach.domain.engine.script import CHECK_AFTER_CUE, CHECK_BEFORE_CUE, CHECK_BETWEEN_CUE, build_script
from sciatica_coach.domain.symptoms import SymptomCheck

# A small prescription: two straight-leg glides per side (5 s holds), two press-ups (2 s holds).
SMALL = Prescription(
    items=(
        PrescribedExercise("nerve-glide", reps=2, hold_seconds=5, sides=("left", "right")),
        PrescribedExercise("prone-press-up", reps=2, hold_seconds=2, sides=("",)),
    )
)
# How long the person takes to answer each symptom check, by phase index.
ANSWER_DELAY = {0: 4.0, 17: 10.0, 26: 3.0}


def play(library: Library, step: float) -> tuple[SessionRunner, list[Event]]:
    """Run SMALL to the end, ticking every `step` seconds and answering checks after ANSWER_DELAY."""
    script = build_script(SMALL, library)
    clock = FakeClock(1000.0)
    runner = SessionRunner(script, SessionRecord.start(SMALL), clock, pain_limit=PAIN_LIMIT)
    events = runner.start()
    while not runner.finished:
        if runner.waiting:
            phase = runner.current
            assert phase is not None
            clock.advance(ANSWER_DELAY[phase.index])
            events += runner.answer_check(SymptomCheck(back=2, leg=3, left_reach="thigh"))
        else:
            clock.advance(step)
            events += runner.tick()
    return runner, events


def test_every_cue_and_its_time(library: Library) -> None:
    script = build_script(SMALL, library)
    runner, events = play(library, step=0.5)
    cues = [(e.at, script[e.phase_index].kind, e.cue) for e in events if e.kind == "cue"]
    glide, press = library.exercise("nerve-glide").cues, library.exercise("prone-press-up").cues
    assert cues == [
        (0.0, "check-before", CHECK_BEFORE_CUE),
        (4.0, "get-ready", glide.get_ready + " Start with your left leg."),
        (9.0, "move", glide.move),
        (12.0, "hold", glide.hold),
        (17.0, "return", glide.return_),
        (21.0, "rest", glide.rest),
        (24.0, "move", glide.move),
        (27.0, "hold", glide.hold),
        (32.0, "return", glide.return_),
        (36.0, "switch-side", glide.switch_side),
        (42.0, "move", glide.move),
        (45.0, "hold", glide.hold),
        (50.0, "return", glide.return_),
        (54.0, "rest", glide.rest),
        (57.0, "move", glide.move),
        (60.0, "hold", glide.hold),
        (65.0, "return", glide.return_),
        (69.0, "check-between", CHECK_BETWEEN_CUE),  # the check after the glide is the one before the press-up
        (79.0, "get-ready", press.get_ready),
        (89.0, "move", press.move),
        (92.0, "hold", press.hold),
        (94.0, "return", press.return_),
        (97.0, "rest", press.rest),
        (119.0, "move", press.move),
        (122.0, "hold", press.hold),
        (124.0, "return", press.return_),
        (127.0, "check-after", CHECK_AFTER_CUE),
    ]
    assert events[-1] == Event(130.0, "finished", len(script), cue=FINISHED_CUE)
    assert runner.record.status == "completed"


def test_press_up_cues_carry_the_breath(library: Library) -> None:
    script = build_script(SMALL, library)
    _, events = play(library, step=1.0)
    breaths = [
        (script[e.phase_index].kind, script[e.phase_index].breath)
        for e in events
        if e.kind == "cue" and script[e.phase_index].exercise_id == "prone-press-up"
    ]
    assert ("move", "out") in breaths and ("return", "in") in breaths
    assert all(breath is None for kind, breath in breaths if kind not in ("move", "return"))
    press = library.exercise("prone-press-up").cues
    assert "out" in press.move.lower() and "in" in press.return_.lower()


def test_each_timed_phase_counts_down_whole_seconds(library: Library) -> None:
    _, events = play(library, step=0.5)
    hold = [e for e in events if e.phase_index == 3]  # first 5 s hold, 12 s to 17 s
    assert [(e.at, e.kind, e.seconds_left) for e in hold] == [
        (12.0, "phase-started", 5),
        (12.0, "cue", None),
        (13.0, "countdown", 4),
        (14.0, "countdown", 3),
        (15.0, "countdown", 2),
        (16.0, "countdown", 1),
        (17.0, "phase-completed", None),
    ]


def test_events_do_not_depend_on_how_often_tick_is_called(library: Library) -> None:
    _, fine = play(library, step=0.25)
    _, coarse = play(library, step=1.0)
    assert fine == coarse


def test_a_late_tick_stamps_events_when_they_were_due(library: Library) -> None:
    prescription = Prescription(items=(SMALL.items[1],))
    clock = FakeClock()
    runner = SessionRunner(
        build_script(prescription, library), SessionRecord.start(prescription), clock, pain_limit=PAIN_LIMIT
    )
    runner.start()
    runner.answer_check(SymptomCheck(back=1, leg=1))
    clock.advance(1000)  # the adapter was busy for a long time
    events = runner.tick()
    started = [(e.at, e.phase_index) for e in events if e.kind == "phase-started"]
    assert started == [(10.0, 2), (13.0, 3), (15.0, 4), (18.0, 5), (40.0, 6), (43.0, 7), (45.0, 8), (48.0, 9)]
    assert runner.waiting  # the closing symptom check never times out
    assert runner.record.exercises[0].reps_done == {"": 2}


def test_progress_figures_follow_the_clock(library: Library) -> None:
    prescription = Prescription(items=(SMALL.items[0],))
    clock = FakeClock()
    runner = SessionRunner(
        build_script(prescription, library), SessionRecord.start(prescription), clock, pain_limit=PAIN_LIMIT
    )
    assert runner.session_fraction() == 0.0
    runner.answer_check(SymptomCheck(back=0, leg=0))
    clock.advance(2.5)
    runner.tick()
    assert runner.remaining() == 2.5
    assert runner.seconds_left() == 3
    assert runner.phase_fraction() == 0.5
    assert runner.session_fraction() == 2.5 / 65.0  # 65 timed seconds in all
    assert runner.next_deadline() == 3.0
    assert runner.upcoming is not None and runner.upcoming.kind == "move"
