"""`sciatica-coach session`: a guided session in the terminal, saved after every phase and resumable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.cli.common import console, fail, load_content, load_settings, open_database
from sciatica_coach.cli.keys import KeyReader, stdin_is_terminal
from sciatica_coach.cli.session_checks import FixedAnswers, PromptAnswers, parse_pain, parse_reaches
from sciatica_coach.cli.session_player import Outcome, Player
from sciatica_coach.cli.speech import Speaker
from sciatica_coach.domain.clock import ScaledClock, SystemClock
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.domain.engine.runner import SessionRunner
from sciatica_coach.domain.engine.script import Phase, build_script
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.checkins import record_exercise_check
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.models import ExerciseSession
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.plans import current_prescription
from sciatica_coach.storage.safety import exercise_gate
from sciatica_coach.storage.sessions import active_session, create_session, get_session, save_progress

GATED_EXIT = 3
MAX_SPEED = 10_000.0


@dataclass
class DbStore:
    """Keeps one session's progress in the database, one short transaction per save."""

    factory: sessionmaker[Session]
    patient_id: int
    session_id: str

    def _row(self, db: Session) -> ExerciseSession:
        row = get_session(db, self.patient_id, self.session_id)
        if row is None:
            raise LookupError(f"session {self.session_id} is no longer in the database")
        return row

    def save(self, position: int, record: SessionRecord) -> None:
        """Save where the session is and what has been done."""
        with transaction(self.factory) as db:
            save_progress(db, self._row(db), position, record)

    def check(
        self, phase: Phase, when: Literal["before", "after"], report: SymptomCheck, position: int, record: SessionRecord
    ) -> None:
        """Save a symptom check as a check-in row, together with the progress."""
        with transaction(self.factory) as db:
            record_exercise_check(db, self.patient_id, self.session_id, phase.exercise_id, when, report)
            save_progress(db, self._row(db), position, record)


@dataclass
class Loaded:
    """What the command needs from the database to play a session."""

    patient_id: int
    session_id: str
    script: list[Phase]
    record: SessionRecord
    position: int
    resumed: bool


def session(
    resume: bool = typer.Option(
        False, "--resume", help="Continue your latest unfinished session (started here or in the browser)."
    ),
    speed: float = typer.Option(
        1.0, "--speed", min=0.01, max=MAX_SPEED, help="Run the clock this many times faster (demos and tests)."
    ),
    speech: bool = typer.Option(True, "--speech/--no-speech", help="Speak each cue with espeak-ng when installed."),
    no_input: bool = typer.Option(
        False, "--no-input", help="Read no keys and ask nothing: symptom checks are answered from --pain."
    ),
    pain: str | None = typer.Option(
        None, "--pain", metavar="BACK,LEG", help="Answer every symptom check with these 0-10 scores, e.g. 2,3."
    ),
    reach: str = typer.Option(
        "none,none",
        "--reach",
        metavar="LEFT,RIGHT",
        help="With --pain: how far down each leg (none, buttock, thigh, below-knee, foot).",
    ),
) -> None:
    """A guided session: cues, a big countdown, progress bars; space pauses, s skips, x stops, q saves and quits."""
    fixed = _fixed_report(pain, reach)
    if no_input and fixed is None:
        fail("--no-input needs --pain BACK,LEG to answer the symptom checks, e.g. --pain 2,3")
    settings = load_settings()
    if settings.mode == "production" and speed != 1.0:
        fail("--speed is a demo and testing aid; it must stay 1.0 when SCIATICA_MODE=production")
    library = load_content()
    with open_database(settings, migrate=True) as factory:
        loaded = _load(factory, library, resume)
        outcome = _play(loaded, factory, library, speed, speech, no_input, fixed)
    _report(outcome, loaded, library, console)


def _fixed_report(pain: str | None, reach: str) -> SymptomCheck | None:
    if pain is None:
        return None
    try:
        back, leg = parse_pain(pain)
        left, right = parse_reaches(reach)
    except ValueError as exc:
        fail(str(exc))
    return SymptomCheck(back=back, leg=leg, left_reach=left, right_reach=right)


def _load(factory: sessionmaker[Session], library: Library, resume: bool) -> Loaded:
    """Check the safety gate, then start a new session or pick up the unfinished one."""
    with transaction(factory) as db:
        patient = default_patient(db)
        gate = exercise_gate(db, patient.id)
        row: ExerciseSession | None = None
        if gate is None and resume:
            row = active_session(db, patient.id)
        elif gate is None:
            prescription = current_prescription(db, patient.id, library)
            row = create_session(db, patient.id, prescription, build_script(prescription, library), source="terminal")
        loaded = None
        if row is not None:
            loaded = Loaded(
                patient_id=patient.id,
                session_id=row.id,
                script=[Phase(**phase) for phase in row.script],
                record=SessionRecord.from_dict(row.record),
                position=row.position,
                resumed=resume,
            )
    if gate is not None:
        fail(f"{gate.reason} (see {gate.url} in the web app)", code=GATED_EXIT)
    if loaded is None:
        fail("there is no unfinished session to resume; start one with `sciatica-coach session`", code=1)
    return loaded


def _play(
    loaded: Loaded,
    factory: sessionmaker[Session],
    library: Library,
    speed: float,
    speech: bool,
    no_input: bool,
    fixed: SymptomCheck | None,
) -> Outcome:
    runner = SessionRunner(loaded.script, loaded.record, ScaledClock(SystemClock(), speed), loaded.position)
    names = {exercise_id: library.exercise(exercise_id).name for exercise_id in {p.exercise_id for p in loaded.script}}
    if loaded.resumed and runner.current is not None:
        phase = runner.current
        where = " · ".join(p for p in (names[phase.exercise_id], phase.label) if p)
        console.print(f"Resuming your session at {where}; a rep that was under way starts again.")
    interactive = stdin_is_terminal() and not no_input
    prompts = PromptAnswers(console)
    ask = FixedAnswers(fixed, console) if fixed is not None else prompts
    player = Player(
        runner,
        DbStore(factory, loaded.patient_id, loaded.session_id),
        ask,
        console,
        names,
        Speaker(enabled=speech),
        speed=speed,
        keys=KeyReader() if interactive else None,
        ask_after_stop=PromptAnswers(console, quit_hint="type q to skip this") if interactive else None,
    )
    return player.run()


def _report(outcome: Outcome, loaded: Loaded, library: Library, out: Console) -> None:
    """What was done, and what to do next."""
    table = Table(title="This session", title_justify="left")
    for column in ("Exercise", "Reps", "Holds", "Before (back/leg)", "After (back/leg)", "Note"):
        table.add_column(column)
    for exercise in loaded.record.exercises:
        reps = ", ".join(f"{side} {done}/{exercise.reps_planned}".strip() for side, done in exercise.reps_done.items())
        note = "stopped: it hurt" if exercise.stopped_for_pain else ("skipped" if exercise.skipped else "")
        before, after = exercise.pain_before, exercise.pain_after
        table.add_row(
            library.exercise(exercise.exercise_id).name,
            reps,
            str(exercise.holds_completed),
            f"{before.back}/{before.leg}" if before else "-",
            f"{after.back}/{after.leg}" if after else "-",
            note,
        )
    out.print(table)
    if outcome == "completed":
        out.print("[bold green]Session complete.[/] It is saved in your history.")
    elif outcome == "stopped":
        out.print(
            "[bold red]Session stopped.[/] Rest in a comfortable position. If pain spreads down your leg, or numbness "
            "or weakness increases, contact your doctor or physiotherapist. This app does not replace them."
        )
    else:
        out.print("Session saved. Continue it later with [bold]sciatica-coach session --resume[/].")
