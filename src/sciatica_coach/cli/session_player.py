"""The terminal session loop: ticks the runner, shows and speaks cues, reads keys, saves after every phase."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Literal, Protocol

from rich.console import Console, RenderableType
from rich.live import Live
from rich.markup import escape

from sciatica_coach.cli.keys import KeySource, NoKeys
from sciatica_coach.cli.session_checks import QuitRequested
from sciatica_coach.cli.session_view import PHASE_TITLES, render
from sciatica_coach.cli.speech import Speaker
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.domain.engine.runner import Event, SessionRunner
from sciatica_coach.domain.engine.script import Phase
from sciatica_coach.domain.engine.stepdown import advice
from sciatica_coach.domain.symptoms import SymptomCheck

Outcome = Literal["completed", "stopped", "quit"]
Ask = Callable[[str], SymptomCheck]
SAVE_AFTER = frozenset({"phase-completed", "skipped", "stopped", "finished"})
SPOKEN = frozenset({"cue", "exercise-ended", "skipped", "stopped", "finished"})
FRAME_SECONDS = 0.1  # screen refresh while waiting for the next event
BATCH_SECONDS = 0.5  # longest sleep between ticks without a screen


class Store(Protocol):
    """Where the player keeps progress (the database, in the CLI)."""

    def save(self, position: int, record: SessionRecord) -> None:
        """Persist the position and record."""

    def check(
        self, phase: Phase, when: Literal["before", "after"], report: SymptomCheck, position: int, record: SessionRecord
    ) -> None:
        """Persist a symptom check together with the progress."""


class Player:
    """Runs one session in the terminal, with a live screen and keys, or as plain lines without them."""

    def __init__(
        self,
        runner: SessionRunner,
        store: Store,
        ask: Ask,
        out: Console,
        names: dict[str, str],
        speaker: Speaker,
        speed: float = 1.0,
        keys: KeySource | None = None,
        ask_after_stop: Ask | None = None,
    ) -> None:
        self.runner, self.store, self.ask, self.out = runner, store, ask, out
        self.names, self.speaker, self.speed = names, speaker, speed
        self.keys: KeySource = keys or NoKeys()
        self.interactive = keys is not None
        self.ask_after_stop = ask_after_stop
        self._live: Live | None = None

    def run(self) -> Outcome:
        """Play until the session completes, is stopped for pain, or the person quits (progress is saved)."""
        try:
            if self.interactive:
                live = Live(self._screen(), console=self.out, auto_refresh=False, transient=True)
                with self.keys, live:
                    self._live = live
                    return self._loop()
            return self._loop()
        except (QuitRequested, KeyboardInterrupt, EOFError):
            self._handle(self.runner.tick(), saved=False)
            self.store.save(self.runner.position, self.runner.record)
            return "quit"
        finally:
            self._live = None
            self.speaker.close()

    def _loop(self) -> Outcome:
        events = self.runner.start()
        while True:
            self._handle(events)
            if self.runner.finished:
                return "stopped" if self.runner.record.status == "stopped" else "completed"
            if self.runner.waiting:
                events = self._check()
                self._handle(events, saved=True)
                events = []
                continue
            key = self.keys.read(self._timeout())
            events = self._on_key(key) if key else self.runner.tick()

    def _on_key(self, key: str) -> list[Event]:
        if key == " ":
            return self.runner.toggle_pause()
        if key == "s":
            return self.runner.skip()
        if key == "x":
            return self._stop_for_pain()
        if key == "q":
            raise QuitRequested
        return self.runner.tick()

    def _timeout(self) -> float:
        """Real seconds to wait before the next tick: until the next event, at most one frame."""
        cap = FRAME_SECONDS if self.interactive else BATCH_SECONDS
        deadline = self.runner.next_deadline()
        if deadline is None:
            return cap
        return min(cap, max(0.0, (deadline - self.runner.elapsed()) / self.speed))

    def _check(self) -> list[Event]:
        phase = self.runner.current
        assert phase is not None
        when: Literal["before", "after"] = "before" if phase.kind == "check-before" else "after"
        name = self.names.get(phase.exercise_id, phase.exercise_id)
        title = f"Quick check {'before' if when == 'before' else 'after'} {name}"
        following = self.runner.upcoming
        if phase.kind == "check-between" and following is not None:
            # One check between two exercises: the check after this one is the check before the next.
            title += f" (and before {self.names.get(following.exercise_id, following.exercise_id)})"
        with self._suspended():
            report = self.ask(title)
        events = self.runner.answer_check(report)
        self.store.check(phase, when, report, self.runner.position, self.runner.record)
        return events

    def _stop_for_pain(self) -> list[Event]:
        phase = self.runner.current
        events = self.runner.pause()
        self._handle(events)
        report: SymptomCheck | None = None
        with self._suspended():
            self.out.print("[bold red]Stopping this session.[/] Thank you for listening to your body.")
            if self.ask_after_stop is not None and phase is not None:
                try:
                    report = self.ask_after_stop("How much does it hurt, and where do you feel it?")
                except (QuitRequested, EOFError):
                    report = None
        # Saved with the stop (as the exercise's check after), so the rules see a stop with the pain felt then.
        return self.runner.stop_for_pain(report)

    @contextmanager
    def _suspended(self) -> Iterator[None]:
        """Hand the terminal back for typed answers, then restore the live screen."""
        live = self._live
        if live is not None:
            live.stop()
        with self.keys.line_mode() if live is not None else nullcontext():
            yield
        if live is not None:
            live.start(refresh=True)

    def _handle(self, events: list[Event], saved: bool = False) -> None:
        for event in events:
            if event.kind in SPOKEN:
                self.speaker.say(event.cue)
            if not self.interactive:
                self._print(event)
            if event.kind == "exercise-ended":
                self._advise(event)
        if not saved and any(e.kind in SAVE_AFTER for e in events):
            self.store.save(self.runner.position, self.runner.record)
        self.speaker.pump()
        if self._live is not None:
            self._live.update(self._screen(), refresh=True)

    def _advise(self, event: Event) -> None:
        """The step-down advice for the exercise a symptom check has just ended."""
        phase = self.runner.script[event.phase_index]
        ended = self.runner.record.exercises[phase.exercise_index].ended
        if ended is None:
            return
        more = not self.runner.finished
        words = advice(ended, self.names.get(phase.exercise_id, phase.exercise_id), more_to_come=more)
        self.out.print(f"[bold red]{escape(words.title)}.[/]")
        for line in words.lines:
            self.out.print(f"  {escape(line)}", highlight=False)

    def _screen(self) -> RenderableType:
        return render(self.runner, self.names, interactive=True)

    def _print(self, event: Event) -> None:
        """One plain line per cue, for runs without a screen."""
        minutes, seconds = divmod(int(event.at), 60)
        stamp = f"[{minutes:02d}:{seconds:02d}]"
        if event.kind == "cue":
            phase = self.runner.script[event.phase_index]
            name = self.names.get(phase.exercise_id, phase.exercise_id)
            where = " · ".join(p for p in (name, PHASE_TITLES.get(phase.kind, phase.kind), phase.label) if p)
            self.out.print(f"{stamp} {where}: {event.cue}", highlight=False, soft_wrap=True)
        elif event.kind in ("exercise-ended", "skipped", "stopped", "finished", "paused", "resumed"):
            self.out.print(f"{stamp} {event.cue or event.kind}", highlight=False, soft_wrap=True)
