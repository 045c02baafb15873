"""The pieces of the terminal session: answer parsing, the screen, keys, speech and the player's key handling."""

from __future__ import annotations

import io
import os
import pty
import stat
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import pytest
from rich.console import Console

from helpers import PAIN_LIMIT
from sciatica_coach.cli.keys import KeyReader
from sciatica_coach.cli.session_checks import FixedAnswers, parse_pain, parse_reach, parse_reaches
from sciatica_coach.cli.session_player import Player
from sciatica_coach.cli.session_view import big_number, render
from sciatica_coach.cli.speech import Speaker
from sciatica_coach.domain.clock import FakeClock
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.domain.engine.runner import SessionRunner
from sciatica_coach.domain.engine.script import Phase, build_script
from sciatica_coach.domain.symptoms import SymptomCheck


def test_pain_and_reach_answers_are_parsed_or_explained() -> None:
    assert parse_pain(" 3, 10") == (3, 10)
    assert parse_reach("0") == "none" and parse_reach("2") == "thigh" and parse_reach("Below the knee") == "below-knee"
    assert parse_reach("below knee") == "below-knee" and parse_reach("FOOT") == "foot"
    assert parse_reaches("buttock,0") == ("buttock", "none")
    for bad, message in [("3", "two numbers"), ("a,2", "back pain must be"), ("2,-1", "leg pain must be")]:
        with pytest.raises(ValueError, match=message):
            parse_pain(bad)
    with pytest.raises(ValueError, match="must be one of 0=none"):
        parse_reach("5")
    with pytest.raises(ValueError, match="two levels"):
        parse_reaches("thigh")
    with pytest.raises(ValueError, match="left leg reach: please choose one of 0=none"):
        parse_reach("  ", "left leg reach")  # an empty answer is not taken as "no leg symptoms"


def test_the_big_countdown_is_five_lines_tall() -> None:
    drawn = big_number(10).splitlines()
    assert len(drawn) == 5 and all("█" in line for line in drawn)
    assert big_number(7) != big_number(1)


def make_runner(library: Library) -> tuple[SessionRunner, FakeClock]:
    prescription = default_prescription(library)
    clock = FakeClock()
    return SessionRunner(
        build_script(prescription, library), SessionRecord.start(prescription), clock, pain_limit=PAIN_LIMIT
    ), clock


def screen_text(runner: SessionRunner, library: Library) -> str:
    out = Console(file=io.StringIO(), width=100, color_system=None)
    out.print(render(runner, {e.id: e.name for e in library.exercises.values()}))
    assert isinstance(out.file, io.StringIO)
    return out.file.getvalue()


def test_the_screen_shows_cue_countdown_progress_counter_and_next_cue(library: Library) -> None:
    runner, clock = make_runner(library)
    runner.tick()
    assert "Answer the questions below" in screen_text(runner, library)
    runner.answer_check(SymptomCheck(back=1, leg=1))
    clock.advance(5 + 3 + 5 + 4 + 1)  # into the first rest: one rep done
    runner.tick()
    text = screen_text(runner, library)
    assert "Sciatic nerve glide · exercise 1 of 3" in text
    assert "Rest   Rep 1 of 5 · left leg" in text
    assert library.exercise("nerve-glide").cues.rest in text
    assert big_number(2).splitlines()[0] in text and "2 s" in text
    assert "reps left 1/5 · right 0/5" in text
    assert "Next: " + library.exercise("nerve-glide").cues.move in text
    assert "Session" in text and "space pause/resume" in text
    runner.pause()
    assert "PAUSED" in screen_text(runner, library)


class ScriptedKeys:
    """Keys pressed at set (fake) times; waiting advances the fake clock instead of sleeping."""

    def __init__(self, clock: FakeClock, presses: list[tuple[float, str]]) -> None:
        self.clock, self.presses = clock, list(presses)

    def __enter__(self) -> ScriptedKeys:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self, timeout: float) -> str | None:
        now = self.clock.now()
        if self.presses and now >= self.presses[0][0]:
            return self.presses.pop(0)[1]
        step = max(timeout, 0.05)
        if self.presses:
            step = min(step, self.presses[0][0] - now)
        self.clock.advance(step)
        return None

    @contextmanager
    def line_mode(self) -> Iterator[None]:
        yield


class MemoryStore:
    """Keeps what the player saves, in order."""

    def __init__(self) -> None:
        self.saves: list[int] = []
        self.checks: list[tuple[str, str, SymptomCheck]] = []

    def save(self, position: int, record: SessionRecord) -> None:
        self.saves.append(position)

    def check(
        self, phase: Phase, when: Literal["before", "after"], report: SymptomCheck, position: int, record: SessionRecord
    ) -> None:
        self.checks.append((phase.exercise_id, when, report))
        self.saves.append(position)


def play_with_keys(library: Library, presses: list[tuple[float, str]]) -> tuple[str, SessionRunner, MemoryStore]:
    runner, clock = make_runner(library)
    store = MemoryStore()
    out = Console(file=io.StringIO(), width=100, color_system=None)
    player = Player(
        runner,
        store,
        FixedAnswers(SymptomCheck(back=2, leg=2), out),
        out,
        {e.id: e.name for e in library.exercises.values()},
        Speaker(enabled=False),
        keys=ScriptedKeys(clock, presses),
        ask_after_stop=lambda title: SymptomCheck(back=6, leg=7, left_reach="foot"),
    )
    return player.run(), runner, store


def test_keys_pause_skip_and_stop_for_pain(library: Library) -> None:
    # Pause from 2 s to 10 s, skip the glides at 20 s (12 s of exercise), stop during the press-ups at 60 s.
    outcome, runner, store = play_with_keys(library, [(2, " "), (10, " "), (20, "s"), (60, "x")])
    assert outcome == "stopped"
    glide, press, hinge = runner.record.exercises
    assert glide.skipped and glide.reps_done == {"left": 0, "right": 0}
    assert press.stopped_for_pain and press.reps_done == {"": 1} and not press.skipped
    assert press.pain_after == SymptomCheck(back=6, leg=7, left_reach="foot")  # asked at the stop, saved with it
    assert hinge.reps_done == {"": 0}
    # The stop's answers go with the stop (the rules see a stop with pain after), not as a separate check. The skip
    # lands on the one check between the glides and the press-ups: after the one, before the other.
    assert [(exercise, when) for exercise, when, _ in store.checks] == [
        ("nerve-glide", "before"),
        ("nerve-glide", "after"),
    ]
    assert glide.pain_after == press.pain_before == SymptomCheck(back=2, leg=2)
    assert store.saves == sorted(store.saves) and len(store.saves) > 5  # saved as it went, never backward
    assert runner.record.status == "stopped"


def test_q_quits_and_saves_a_resumable_position(library: Library) -> None:
    outcome, runner, store = play_with_keys(library, [(15, "q")])
    assert outcome == "quit"
    assert runner.record.status == "in_progress"
    assert store.saves[-1] == runner.position
    assert runner.record.exercises[0].holds_completed == 1  # first hold ended at 13 s


def test_keys_are_read_one_at_a_time_and_the_terminal_is_restored() -> None:
    main, secondary = pty.openpty()
    try:
        with os.fdopen(os.dup(secondary), "r") as stream:
            before = termios.tcgetattr(secondary)
            with KeyReader(stream) as keys:
                assert not termios.tcgetattr(secondary)[3] & termios.ICANON  # no waiting for Enter
                assert keys.read(0.05) is None
                os.write(main, b"S")
                assert keys.read(1.0) == "s"
                os.write(main, b"\x1b[A")  # an arrow key is ignored
                assert keys.read(1.0) is None
                with keys.line_mode():
                    assert termios.tcgetattr(secondary)[3] & termios.ICANON
                assert not termios.tcgetattr(secondary)[3] & termios.ICANON
            assert termios.tcgetattr(secondary) == before
    finally:
        os.close(main)
        os.close(secondary)


def test_speech_never_blocks_and_keeps_only_the_newest_waiting_cue(tmp_path: Path) -> None:
    spoken = tmp_path / "spoken.txt"
    voice = tmp_path / "voice"
    voice.write_text(f'#!/bin/sh\nsleep 0.3\nshift 3\necho "$*" >> {spoken}\n', encoding="utf-8")
    voice.chmod(voice.stat().st_mode | stat.S_IEXEC)
    speaker = Speaker(program=str(voice))
    assert speaker.available
    speaker.say("first")
    speaker.say("second")  # superseded before it could start
    speaker.say("third")
    assert not spoken.exists()  # nothing waited for the voice
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(spoken.read_text().splitlines() if spoken.exists() else []) < 2:
        speaker.pump()  # the player calls this on every tick
        time.sleep(0.02)
    speaker.close()
    assert spoken.read_text().splitlines() == ["first", "third"]


def test_speech_is_off_when_asked_or_when_the_voice_is_missing() -> None:
    assert not Speaker(enabled=False).available
    assert not Speaker(program="no-such-voice-program").available
    Speaker(program="no-such-voice-program").say("nothing happens")
