"""Play a session script against an injected clock: timed phases advance by themselves, symptom checks wait.

Pure: no I/O, no sleeping. The adapter calls `tick()` as often as it likes and acts on the events it gets back.
Event times are in *active* session seconds (time spent paused never counts), stamped with the moment the event
was due, not the moment `tick()` happened to notice it, so a run is fully deterministic under a fake clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from sciatica_coach.domain.clock import Clock
from sciatica_coach.domain.engine.record import (
    SessionError,
    SessionRecord,
    apply_check,
    complete_phase,
    rep_start,
    skip_target,
    troubled,
    validate_report,
)
from sciatica_coach.domain.engine.script import CLOSING_CHECKS, Phase
from sciatica_coach.domain.engine.stepdown import ENDED_CUE, ENDED_SESSION_CUE
from sciatica_coach.domain.symptoms import SymptomCheck

EventKind = Literal[
    "phase-started",
    "cue",
    "countdown",
    "phase-completed",
    "exercise-ended",
    "paused",
    "resumed",
    "skipped",
    "stopped",
    "finished",
]
FINISHED_CUE = "That is the whole session. Well done."
FINISHED_EARLY_CUE = "That is the end of this session."
STOPPED_CUE = "Stopping here. Rest in whatever position is most comfortable."
SKIPPED_CUE = "Skipping this exercise."


@dataclass(frozen=True)
class Event:
    """Something that happened in the session, and when (active seconds since the start)."""

    at: float
    kind: EventKind
    phase_index: int
    cue: str = ""
    seconds_left: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


class SessionRunner:
    """Plays a script, keeping its SessionRecord up to date; can start at a saved position. A symptom check with
    pain above `pain_limit` (the traffic light's red line), or symptoms spreading, ends that exercise early."""

    def __init__(
        self, script: Sequence[Phase], record: SessionRecord, clock: Clock, *, pain_limit: int, position: int = 0
    ) -> None:
        if not 0 <= position <= len(script):
            raise SessionError(f"position {position} is outside this session (0-{len(script)})")
        self.script = tuple(script)
        self.record = record
        self.clock = clock
        self.pain_limit = pain_limit
        start = rep_start(self.script, position)
        _roll_back(record, self.script[start:position])
        self._position = start
        self._origin: float | None = None
        self._paused_since: float | None = None
        self._paused_total = 0.0
        self._phase_start = 0.0
        self._next_count = 1
        self._timed_before = _cumulative(self.script)
        if start >= len(self.script) and record.status == "in_progress":
            record.status = "completed"

    # --- state -------------------------------------------------------------------------------------------------

    @property
    def position(self) -> int:
        """Index of the first phase not yet completed (what to save; `len(script)` when done)."""
        return self._position

    @property
    def finished(self) -> bool:
        """Whether the session has ended (completed or stopped)."""
        return self.record.status != "in_progress"

    @property
    def paused(self) -> bool:
        """Whether the clock is paused."""
        return self._paused_since is not None

    @property
    def started(self) -> bool:
        """Whether `start()` (or the first `tick()`) has happened."""
        return self._origin is not None

    @property
    def current(self) -> Phase | None:
        """The phase under way, or None once the session is over."""
        if self.finished or self._position >= len(self.script):
            return None
        return self.script[self._position]

    @property
    def upcoming(self) -> Phase | None:
        """The phase after the current one, if any."""
        following = self._position + 1
        if self.finished or following >= len(self.script):
            return None
        return self.script[following]

    @property
    def waiting(self) -> bool:
        """Whether the session waits for a symptom check answer."""
        phase = self.current
        return phase is not None and phase.duration is None

    def elapsed(self) -> float:
        """Active seconds since the start (pauses excluded)."""
        if self._origin is None:
            return 0.0
        now = self._paused_since if self._paused_since is not None else self.clock.now()
        return now - self._origin - self._paused_total

    def remaining(self) -> float | None:
        """Seconds left in the current timed phase (None while waiting or when over)."""
        phase = self.current
        if phase is None or phase.duration is None:
            return None
        return max(0.0, self._phase_start + phase.duration - self.elapsed())

    def seconds_left(self) -> int | None:
        """The countdown number to show: remaining seconds rounded up."""
        remaining = self.remaining()
        return None if remaining is None else math.ceil(remaining - 1e-9)

    def phase_fraction(self) -> float:
        """How far through the current timed phase we are, 0 to 1."""
        phase, remaining = self.current, self.remaining()
        if phase is None or phase.duration is None or remaining is None:
            return 1.0 if phase is None else 0.0
        return 1.0 - remaining / phase.duration

    def session_fraction(self) -> float:
        """How much of the session's timed work is behind us, 0 to 1."""
        total = self._timed_before[-1]
        if self.finished or total == 0:
            return 1.0
        phase = self.current
        done = self._timed_before[self._position]
        if phase is not None and phase.duration is not None:
            done += phase.duration - (self.remaining() or 0.0)
        return min(1.0, done / total)

    def next_deadline(self) -> float | None:
        """Active time of the next event the clock will bring (None while waiting, paused or over)."""
        phase = self.current
        if phase is None or phase.duration is None or self.paused:
            return None
        if self._next_count < phase.duration:
            return self._phase_start + self._next_count
        return self._phase_start + phase.duration

    # --- actions -----------------------------------------------------------------------------------------------

    def start(self) -> list[Event]:
        """Start the clock and the first phase (a no-op once started)."""
        if self.started:
            return []
        self._origin = self.clock.now()
        if self.finished:
            return []
        return self._enter(0.0)

    def tick(self) -> list[Event]:
        """Advance through timed phases by elapsed time; return everything that became due, in order."""
        events = self.start()
        if self.paused:
            return events
        now = self.elapsed()
        while (phase := self.current) is not None and phase.duration is not None:
            while self._next_count < phase.duration and self._phase_start + self._next_count <= now:
                at = self._phase_start + self._next_count
                left = math.ceil(phase.duration - self._next_count)
                events.append(Event(at, "countdown", phase.index, seconds_left=left))
                self._next_count += 1
            end = self._phase_start + phase.duration
            if end > now:
                break
            events += self._complete(phase, end)
        return events

    def pause(self) -> list[Event]:
        """Stop the clock; nothing advances until `resume()`."""
        events = self.tick()
        if self.paused or self.finished:
            return events
        self._paused_since = self.clock.now()
        return [*events, Event(self.elapsed(), "paused", self._position)]

    def resume(self) -> list[Event]:
        """Restart the clock; the time spent paused is not counted."""
        if self._paused_since is None:
            return []
        self._paused_total += self.clock.now() - self._paused_since
        self._paused_since = None
        return [Event(self.elapsed(), "resumed", self._position)]

    def toggle_pause(self) -> list[Event]:
        """Pause when running, resume when paused."""
        return self.resume() if self.paused else self.pause()

    def answer_check(self, report: SymptomCheck) -> list[Event]:
        """Answer the symptom check the session is waiting on; the session then moves on. A check showing spreading
        or pain above the red line ends that exercise ("exercise-ended"): spreading goes on to the next exercise,
        pain above the red line ends the session ("stopped")."""
        events = self.tick()
        phase = self.current
        if phase is None or phase.duration is not None:
            raise SessionError("the session is not waiting for a symptom check")
        result = apply_check(self.record, self.script, self._position, report, self.pain_limit)
        at = self.elapsed()
        events.append(Event(at, "phase-completed", phase.index))
        self._position = result.position
        if result.ended is not None:
            cue = ENDED_SESSION_CUE if result.ended.ends_session else ENDED_CUE
            events.append(Event(at, "exercise-ended", phase.index, cue=cue))
        if self.record.status == "stopped":
            return [*events, Event(at, "stopped", phase.index, cue=STOPPED_CUE)]
        if self.record.status == "completed":
            return [*events, self._finished(at)]
        return events + self._enter(at)

    def skip(self) -> list[Event]:
        """Skip the rest of the current exercise (marked skipped) and go on to the check before the next one
        (skipping at a check passes over it)."""
        events = self.tick()
        phase = self.current
        if phase is None:
            return events
        if phase.kind not in CLOSING_CHECKS:  # the exercise itself was done; only its check is passed over
            self.record.exercises[phase.exercise_index].skipped = True
        at = self.elapsed()
        events.append(Event(at, "skipped", phase.index, cue=SKIPPED_CUE))
        self._position = skip_target(self.script, self._position)
        return events + self._enter_or_finish(at)

    def stop_for_pain(self, report: SymptomCheck | None = None) -> list[Event]:
        """Stop: this hurts. The exercise is flagged, the optional pain report saved, and the session ends."""
        events = self.tick()
        phase = self.current
        if phase is None:
            return events
        exercise = self.record.exercises[phase.exercise_index]
        if report is not None:
            validate_report(report)
            exercise.pain_after = report
        exercise.stopped_for_pain = True
        self.record.status = "stopped"
        return [*events, Event(self.elapsed(), "stopped", phase.index, cue=STOPPED_CUE)]

    # --- internals ---------------------------------------------------------------------------------------------

    def _enter(self, at: float) -> list[Event]:
        phase = self.script[self._position]
        self._phase_start = at
        self._next_count = 1
        left = None if phase.duration is None else math.ceil(phase.duration)
        return [
            Event(at, "phase-started", phase.index, cue=phase.cue, seconds_left=left),
            Event(at, "cue", phase.index, cue=phase.cue),
        ]

    def _enter_or_finish(self, at: float) -> list[Event]:
        if self._position < len(self.script):
            return self._enter(at)
        self.record.status = "completed"
        return [self._finished(at)]

    def _finished(self, at: float) -> Event:
        cue = FINISHED_EARLY_CUE if troubled(self.record) else FINISHED_CUE
        return Event(at, "finished", len(self.script), cue=cue)

    def _complete(self, phase: Phase, at: float) -> list[Event]:
        complete_phase(self.record, phase)
        self._position += 1
        return [Event(at, "phase-completed", phase.index), *self._enter_or_finish(at)]


def _roll_back(record: SessionRecord, redone: Sequence[Phase]) -> None:
    """Un-count holds of an interrupted rep that will be done again (reps only count on their return)."""
    for phase in redone:
        if phase.kind == "hold":
            exercise = record.exercises[phase.exercise_index]
            exercise.holds_completed = max(0, exercise.holds_completed - 1)


def _cumulative(script: Sequence[Phase]) -> list[float]:
    """Timed seconds before each phase index (last item: the whole session)."""
    totals = [0.0]
    for phase in script:
        totals.append(totals[-1] + (phase.duration or 0.0))
    return totals
