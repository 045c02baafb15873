"""`sciatica-coach session`: a guided session in the terminal, saved after every phase and resumable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sciatica_coach.cli.common import console, fail, load_content, load_settings, open_store
from sciatica_coach.cli.keys import KeyReader, stdin_is_terminal
from sciatica_coach.cli.screen import RED_FLAG_EXIT_CODE, ask_short, show_result
from sciatica_coach.cli.session_checks import FixedAnswers, PromptAnswers, parse_pain, parse_reaches
from sciatica_coach.cli.session_player import Outcome, Player
from sciatica_coach.cli.speech import Speaker
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.clock import ScaledClock, SystemClock
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.record import ExerciseRecord, SessionRecord
from sciatica_coach.domain.engine.runner import SessionRunner
from sciatica_coach.domain.engine.script import Phase
from sciatica_coach.domain.engine.stepdown import ENDED_WORDS, session_words
from sciatica_coach.domain.screening import safety_net
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.plans import current_prescription
from sciatica_coach.storage.safety import cautioned
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases import sessions as use
from sciatica_coach.usecases.errors import Gated, MovedOn
from sciatica_coach.usecases.patients import local_patient_id

GATED_EXIT = 3
MAX_SPEED = 10_000.0


@dataclass
class DbStore:
    """Keeps one session's progress in the database through the session use cases, one transaction per save."""

    store: Store
    catalog: Catalog
    patient_id: int
    session_id: str
    seen_position: int

    def save(self, position: int, record: SessionRecord) -> None:
        """Save where the session is and what has been done (MovedOn if the browser moved it meanwhile)."""
        saved = use.save_played(
            self.store, self.catalog, self.patient_id, self.session_id, self.seen_position, position, record
        )
        self.seen_position = saved.position

    def check(
        self, phase: Phase, when: Literal["before", "after"], report: SymptomCheck, position: int, record: SessionRecord
    ) -> None:
        """Save a symptom check as a check-in row, together with the progress (the rules' changes, if a check after
        an exercise made any, are kept on the record of an exercise it ended)."""
        saved = use.save_played(
            self.store,
            self.catalog,
            self.patient_id,
            self.session_id,
            self.seen_position,
            position,
            record,
            check=(phase, when, report),
        )
        self.seen_position = saved.position


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
    reach: str | None = typer.Option(
        None,
        "--reach",
        metavar="LEFT,RIGHT",
        help="Needed with --pain: how far down each leg (none, buttock, thigh, below-knee, foot), e.g. thigh,none.",
    ),
) -> None:
    """A guided session: cues, a big countdown, progress bars; space pauses, s skips, x stops, q saves and quits."""
    fixed = _fixed_report(pain, reach)
    if no_input and fixed is None:
        fail("--no-input needs --pain BACK,LEG to answer the symptom checks, e.g. --pain 2,3")
    settings = load_settings()
    if settings.mode == "production" and speed != 1.0:
        fail("--speed is a demo and testing aid; it must stay 1.0 when SCIATICA_MODE=production")
    catalog = load_content()
    with open_store(settings, migrate=True) as store:
        loaded = _load(store, catalog, resume, ask=not no_input, country=settings.country)
        _print_cautions(store, catalog, loaded.patient_id)
        try:
            outcome = _play(loaded, store, catalog, speed, speech, no_input, fixed)
        except MovedOn as exc:
            fail(exc.message, code=1)
    _report(outcome, loaded, catalog.library, console)
    if outcome == "stopped":
        console.print(f"[italic]{escape(safety_net(catalog.red_flags, settings.country).text)}[/]")


def _print_cautions(store: Store, catalog: Catalog, patient_id: int) -> None:
    """What the person's cautions changed in the program, with the reasons, before the session starts."""
    library = catalog.library
    with store.read() as db:
        _, notes = cautioned(db, patient_id, current_prescription(db, patient_id, library), library)
    for note in notes:
        console.print(f"[bold yellow]{escape(note.exercise_name)}: {escape(note.label)}.[/] {escape(note.reason)}")


def _fixed_report(pain: str | None, reach: str | None) -> SymptomCheck | None:
    if pain is None:
        if reach is not None:
            fail("--reach goes with --pain BACK,LEG; give both, e.g. --pain 2,3 --reach thigh,none")
        return None
    try:
        back, leg = parse_pain(pain)
        if reach is None:
            fail("--pain needs --reach LEFT,RIGHT too (how far down each leg), e.g. --reach thigh,none or none,none")
        left, right = parse_reaches(reach)
    except ValueError as exc:
        fail(str(exc))
    return SymptomCheck(back=back, leg=leg, left_reach=left, right_reach=right)


def _load(store: Store, catalog: Catalog, resume: bool, *, ask: bool = True, country: str = "default") -> Loaded:
    """Check the safety gate, then pick up the session in progress (here or in the browser) or start one. When the
    short re-screen is due it is asked here first (unless `ask` is off: then the command stops)."""
    patient_id = local_patient_id(store)
    try:
        return _start(store, catalog, resume, patient_id)
    except Gated as exc:
        if exc.gate.kind != "recheck" or not ask:
            fail(
                f"{exc.gate.reason} (see {exc.gate.url} in the web app, or `sciatica-coach screen --short`)", GATED_EXIT
            )
    result = ask_short(store, catalog)
    if result.red_flag:
        show_result(result, catalog.red_flags, country)
        raise typer.Exit(RED_FLAG_EXIT_CODE)
    console.print("[green]No warning signs today.[/]")
    try:
        return _start(store, catalog, resume, patient_id)
    except Gated as exc:
        fail(f"{exc.gate.reason} (see {exc.gate.url} in the web app)", code=GATED_EXIT)


def _start(store: Store, catalog: Catalog, resume: bool, patient_id: int) -> Loaded:
    try:
        if resume:
            view = use.resume_latest(store, patient_id)
            if view is None:
                fail("there is no unfinished session to resume; start one with `sciatica-coach session`", code=1)
            resumed = True
        else:
            started = use.start_or_resume(store, catalog, patient_id, source="terminal")
            view, resumed = started.session, started.resumed
    except Gated as exc:
        if exc.gate.kind == "recheck":
            raise  # asked by `_load`
        fail(f"{exc.gate.reason} (see {exc.gate.url} in the web app)", code=GATED_EXIT)
    return Loaded(
        patient_id=patient_id,
        session_id=view.id,
        script=view.script,
        record=view.record,
        position=view.position,
        resumed=resumed,
    )


def _play(
    loaded: Loaded,
    store: Store,
    catalog: Catalog,
    speed: float,
    speech: bool,
    no_input: bool,
    fixed: SymptomCheck | None,
) -> Outcome:
    runner = SessionRunner(
        loaded.script,
        loaded.record,
        ScaledClock(SystemClock(), speed),
        pain_limit=use.pain_limit(catalog),
        position=loaded.position,
    )
    library = catalog.library
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
        DbStore(store, catalog, loaded.patient_id, loaded.session_id, loaded.position),
        ask,
        console,
        names,
        Speaker(enabled=speech),
        speed=speed,
        keys=KeyReader() if interactive else None,
        ask_after_stop=PromptAnswers(console, quit_hint="type q to skip this") if interactive else None,
    )
    return player.run()


def _note(exercise: ExerciseRecord) -> str:
    if exercise.stopped_for_pain:
        return "stopped: it hurt"
    if exercise.ended is not None:
        return "stopped early: " + " and ".join(ENDED_WORDS[r] for r in exercise.ended.reasons)
    return "skipped" if exercise.skipped else ""


def _report(outcome: Outcome, loaded: Loaded, library: Library, out: Console) -> None:
    """What was done, and what to do next."""
    table = Table(title="This session", title_justify="left")
    for column in ("Exercise", "Reps", "Holds", "Before (back/leg)", "After (back/leg)", "Note"):
        table.add_column(column)
    for exercise in loaded.record.exercises:
        reps = ", ".join(f"{side} {done}/{exercise.reps_planned}".strip() for side, done in exercise.reps_done.items())
        note = _note(exercise)
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
    if outcome == "quit":
        out.print("Session saved. Continue it later with [bold]sciatica-coach session --resume[/].")
        return
    words = session_words(loaded.record, lambda exercise_id: library.exercise(exercise_id).name)
    if not words.troubled:
        out.print("[bold green]Session complete.[/] It is saved in your history.")
        return
    out.print(f"[bold red]{escape(words.heading)}.[/]")
    for line in (*words.happened, *words.todo):
        out.print(escape(line), highlight=False)
