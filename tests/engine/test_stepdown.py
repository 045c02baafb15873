"""A symptom check that shows spreading or pain above the red line ends that exercise, in the runner (terminal) and
the flow (web) alike; the session's words never congratulate a session cut short by pain or spreading."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from helpers import PAIN_LIMIT
from sciatica_coach.domain.clock import FakeClock
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.flow import Flow
from sciatica_coach.domain.engine.prescription import PrescribedExercise, Prescription
from sciatica_coach.domain.engine.record import SessionRecord, pending_end
from sciatica_coach.domain.engine.runner import FINISHED_CUE, FINISHED_EARLY_CUE, SessionRunner
from sciatica_coach.domain.engine.script import CHECK_AFTER_CUE, CHECK_BEFORE_CUE, Phase, build_script
from sciatica_coach.domain.engine.stepdown import (
    ENDED_CUE,
    ENDED_SESSION_CUE,
    OFFLINE_PROGRAM,
    EarlyEnd,
    advice,
    offline_rules,
    session_words,
)
from sciatica_coach.domain.symptoms import SymptomCheck

GLIDE = PrescribedExercise("nerve-glide", reps=2, hold_seconds=5, sides=("left", "right"))
PRESS = PrescribedExercise("prone-press-up", reps=2, hold_seconds=2, sides=("",))
SMALL = Prescription(items=(GLIDE, PRESS))
THIGH = SymptomCheck(back=2, leg=3, left_reach="thigh", right_reach="none")
KNEE = SymptomCheck(back=2, leg=3, left_reach="below-knee", right_reach="none")
RED = SymptomCheck(back=2, leg=PAIN_LIMIT + 1, left_reach="thigh", right_reach="none")


def runner(library: Library) -> tuple[SessionRunner, FakeClock]:
    clock = FakeClock()
    return SessionRunner(build_script(SMALL, library), SessionRecord.start(SMALL), clock, pain_limit=PAIN_LIMIT), clock


def play_to_check(run: SessionRunner, clock: FakeClock, answers: list[SymptomCheck]) -> list[str]:
    """Tick through timed phases, answering checks from `answers` in turn, until they run out; returns event kinds
    of the last answer."""
    kinds: list[str] = []
    run.tick()
    while answers and not run.finished:
        if run.waiting:
            kinds = [e.kind for e in run.answer_check(answers.pop(0))]
        else:
            clock.advance(1.0)
            run.tick()
    return kinds


def names(exercise_id: str) -> str:
    return {"nerve-glide": "Sciatic nerve glide", "prone-press-up": "Prone press-up"}[exercise_id]


def test_spreading_after_an_exercise_ends_it_and_the_session_moves_on(library: Library) -> None:
    run, clock = runner(library)
    kinds = play_to_check(run, clock, [THIGH, KNEE])
    assert kinds == ["phase-completed", "exercise-ended", "phase-started", "cue"]
    glide = run.record.exercises[0]
    assert glide.ended == EarlyEnd(("spreading",), "after", 3, PAIN_LIMIT)
    assert glide.reps_done == {"left": 2, "right": 2}
    phase = run.current
    # The one check between the two was also the press-ups' check before: they start at once, no second form.
    assert phase is not None and (phase.exercise_id, phase.kind) == ("prone-press-up", "get-ready")
    assert run.record.exercises[1].pain_before == KNEE
    assert run.record.status == "in_progress"
    while not run.finished:
        if run.waiting:
            run.answer_check(KNEE)
        else:
            clock.advance(1.0)
            run.tick()
    assert run.record.status == "completed" and run.tick() == []
    assert run.record.exercises[1].ended is None


def test_a_session_that_went_on_after_spreading_finishes_without_congratulations(library: Library) -> None:
    run, clock = runner(library)
    cues: list[str] = []
    answers = [THIGH, KNEE, KNEE]
    run.tick()
    while not run.finished:
        if run.waiting:
            cues += [e.cue for e in run.answer_check(answers.pop(0)) if e.kind in ("exercise-ended", "finished")]
        else:
            clock.advance(1.0)
            run.tick()
    assert cues == [ENDED_CUE, FINISHED_EARLY_CUE]
    assert FINISHED_CUE not in cues
    words = session_words(run.record, names)
    assert words.troubled and "Well done" not in words.heading
    assert words.heading == "Session over, with an exercise stopped early"
    assert words.happened[0] == (
        "The sciatic nerve glide was stopped at the check after it. Your symptoms reached further down your leg than "
        "before you started this exercise."
    )


def separate_checks(script: list[Phase]) -> list[Phase]:
    """A script as sessions saved before the check between two exercises was one form: a check after each exercise
    and a check before the next."""
    phases: list[Phase] = []
    for phase in script:
        if phase.kind == "check-between":
            phases.append(replace(phase, kind="check-after", cue=CHECK_AFTER_CUE))
            following = script[phase.index + 1]
            phases.append(
                replace(following, kind="check-before", duration=None, cue=CHECK_BEFORE_CUE, side="", breath=None)
            )
        else:
            phases.append(phase)
    return [replace(phase, index=index) for index, phase in enumerate(phases)]


def test_a_check_between_two_exercises_is_one_form(library: Library) -> None:
    script = build_script(SMALL, library)
    checks = [(p.kind, p.exercise_id) for p in script if p.duration is None]
    assert checks == [
        ("check-before", "nerve-glide"),
        ("check-between", "nerve-glide"),
        ("check-after", "prone-press-up"),
    ]


def test_spreading_at_the_check_before_leaves_the_exercise_unplayed(library: Library) -> None:
    # Only a session saved with separate checks (before the check between was one form) still has one.
    clock = FakeClock()
    script = separate_checks(build_script(SMALL, library))
    run = SessionRunner(script, SessionRecord.start(SMALL), clock, pain_limit=PAIN_LIMIT)
    play_to_check(run, clock, [THIGH, THIGH])
    kinds = [e.kind for e in run.answer_check(SymptomCheck(back=2, leg=3, left_reach="thigh", right_reach="thigh"))]
    assert kinds == ["phase-completed", "exercise-ended", "finished"]  # the press-ups were the last exercise
    press = run.record.exercises[1]
    assert press.ended is not None and press.ended.check == "before" and press.ended.reasons == ("spreading",)
    assert press.reps_done == {"": 0} and press.holds_completed == 0 and press.pain_after is None
    assert run.record.status == "completed" and run.position == len(run.script)


def test_pain_above_the_red_line_ends_the_session(library: Library) -> None:
    run, _clock = runner(library)
    run.tick()
    events = run.answer_check(RED)
    assert [e.kind for e in events] == ["phase-completed", "exercise-ended", "stopped"]
    assert [e.cue for e in events if e.kind == "exercise-ended"] == [ENDED_SESSION_CUE]
    assert run.finished and run.record.status == "stopped"
    glide = run.record.exercises[0]
    assert glide.ended is not None and glide.ended.reasons == ("pain",) and glide.ended.check == "before"
    assert not glide.stopped_for_pain and glide.reps_done == {"left": 0, "right": 0}
    words = session_words(run.record, names)
    assert words.heading == "Session stopped: the pain was too much"
    assert words.happened == (
        f"The sciatic nerve glide was left out at the check before it. Your pain was {PAIN_LIMIT + 1} out of 10. "
        f"Above {PAIN_LIMIT} is too much to exercise on.",
    )
    assert words.todo[0].startswith("Stop exercising for today")


def test_pain_at_the_red_line_and_symptoms_retreating_go_on(library: Library) -> None:
    run, clock = runner(library)
    at_line = SymptomCheck(back=PAIN_LIMIT, leg=PAIN_LIMIT, left_reach="foot", right_reach="none")
    kinds = play_to_check(run, clock, [at_line, THIGH])  # foot -> thigh: centralizing, not spreading
    assert "exercise-ended" not in kinds
    assert all(item.ended is None for item in run.record.exercises)


def test_spreading_and_too_much_pain_together_give_both_reasons(library: Library) -> None:
    run, clock = runner(library)
    play_to_check(run, clock, [THIGH, SymptomCheck(back=7, leg=4, left_reach="foot", right_reach="none")])
    glide = run.record.exercises[0]
    assert glide.ended is not None and glide.ended.reasons == ("spreading", "pain") and glide.ended.pain == 7
    words = advice(glide.ended, "Sciatic nerve glide", more_to_come=False)
    assert words.why == (
        "Your symptoms reached further down your leg than before you started this exercise.",
        f"Your pain is 7 out of 10. Above {PAIN_LIMIT} is too much to exercise on.",
    )
    assert run.record.status == "stopped"


def test_the_flow_ends_an_exercise_as_the_runner_does(library: Library) -> None:
    script = build_script(SMALL, library)
    flow = Flow(script, 0, SessionRecord.start(SMALL))
    first = flow.answer_check(0, THIGH, PAIN_LIMIT)
    assert first is not None and first.ended is None and flow.position == 1
    while script[flow.position].kind != "check-between":
        flow.complete(flow.position)
    after = flow.position
    result = flow.answer_check(after, KNEE, PAIN_LIMIT)
    assert result is not None and result.ended is not None and result.ended.reasons == ("spreading",)
    assert flow.answer_check(after, THIGH, PAIN_LIMIT) is None  # a repeat changes nothing
    assert pending_end(flow.script, flow.position, flow.record) == 0
    again = Flow.load([p.to_dict() for p in script], flow.position, flow.record.to_dict())
    assert again.record.exercises[0].ended == result.ended  # kept through storage
    assert pending_end(again.script, again.position, again.record) == 0
    assert again.record.exercises[1].pain_before == KNEE  # the check between is the press-ups' check before
    again.complete(again.position)  # the press-ups' get-ready
    assert pending_end(again.script, again.position, again.record) is None  # the advice was passed


def test_stop_keeps_the_pain_given_as_the_check_after(library: Library) -> None:
    script = build_script(SMALL, library)
    flow = Flow(script, 0, SessionRecord.start(SMALL))
    flow.answer_check(0, THIGH, PAIN_LIMIT)
    flow.stop_for_pain(KNEE)
    glide = flow.record.exercises[0]
    assert glide.stopped_for_pain and glide.pain_after == KNEE and flow.record.status == "stopped"
    words = session_words(flow.record, names)
    assert words.heading == "Session stopped because it hurt"
    assert words.happened == ("You stopped the sciatic nerve glide because it hurt.",)


def test_only_a_clean_session_is_congratulated(library: Library) -> None:
    record = SessionRecord.start(SMALL)
    record.status = "completed"
    assert session_words(record, names).heading == "Session complete. Well done!"
    record.status = "stopped"  # ended for another reason (e.g. a newer session replaced it)
    assert "Well done" not in session_words(record, names).heading


def _as_the_player_puts_it(words: dict[str, Any], ended: EarlyEnd) -> tuple[str, tuple[str, ...], str]:
    """The heading, why and what to do now, put together from a check's offline words as js/player/localflow.js
    does."""
    why = []
    if "spreading" in ended.reasons:
        why.append(words["why"]["spreading"])
    if ended.ends_session:
        why.append(words["why"]["pain"][str(ended.pain)])
    return words["title"], tuple(why), words["now"]["pain" if ended.ends_session else "spreading"]


@pytest.mark.parametrize(
    ("between", "after"),
    [(KNEE, THIGH), (SymptomCheck(2, PAIN_LIMIT + 1), THIGH), (THIGH, RED), (THIGH, KNEE), (KNEE, RED)],
)
def test_a_player_offline_words_an_early_end_as_the_server_does(
    library: Library, between: SymptomCheck, after: SymptomCheck
) -> None:
    script = build_script(SMALL, library)
    rules = offline_rules(script, lambda i: library.exercises[i].name, PAIN_LIMIT)
    assert rules["pain_limit"] == PAIN_LIMIT and rules["reach_levels"][0] == "none"
    assert sorted(rules["checks"], key=int) == [str(p.index) for p in script if p.duration is None]
    flow = Flow(script, 0, SessionRecord.start(SMALL))
    flow.answer_check(0, THIGH, PAIN_LIMIT)
    ends = 0
    for answer in (between, after):
        while not flow.finished and script[flow.position].duration is not None:
            flow.complete(flow.position)
        if flow.finished:
            break
        index = flow.position
        result = flow.answer_check(index, answer, PAIN_LIMIT)
        assert result is not None
        if result.ended is None:
            continue
        ends += 1
        exercise = script[index].exercise_id
        more = flow.position < len(script) and not flow.finished
        server = advice(result.ended, library.exercises[exercise].name, more_to_come=more)
        words = rules["checks"][str(index)]
        assert _as_the_player_puts_it(words, result.ended) == (server.title, server.why, server.now)
        assert words["worsening"] == server.worsening and words["program"] == [OFFLINE_PROGRAM]
    assert ends >= 1
