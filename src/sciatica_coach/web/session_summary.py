"""What a session did, shaped for the end-of-session summary and the history pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.record import ExerciseRecord
from sciatica_coach.domain.engine.stepdown import ENDED_WORDS, SessionWords, session_words
from sciatica_coach.domain.wording import number, pain
from sciatica_coach.usecases.sessions import SessionView

STATUS_WORDS = {"in_progress": "In progress", "completed": "Completed", "stopped": "Stopped for pain"}


@dataclass(frozen=True)
class ExerciseLine:
    """One exercise of a session, in words."""

    exercise_id: str
    name: str
    reps: str
    holds: str
    pain_before: str
    pain_after: str
    note: str
    camera: dict[str, Any] | None = None  # what the camera counted, when it was used


@dataclass(frozen=True)
class SessionSummary:
    """One session, in words."""

    id: str
    started: str
    started_iso: str
    status: str
    status_words: str
    exercises: list[ExerciseLine]
    total_reps: int
    words: SessionWords  # the heading and, after pain or spreading, what happened and what to do


def when(moment: datetime) -> str:
    """A timestamp as '24 Nov 2026, 09:15' in UTC (SQLite hands back naive datetimes that are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")


def _reps(item: ExerciseRecord) -> str:
    if list(item.reps_done) == [""]:
        return f"{item.reps_done['']} of {item.reps_planned}"
    return ", ".join(f"{side} {done} of {item.reps_planned}" for side, done in item.reps_done.items())


def _holds(item: ExerciseRecord) -> str:
    if item.hold_seconds <= 0:
        return "—"
    planned = item.reps_planned * max(1, len(item.reps_done))
    return f"{item.holds_completed} of {planned} ({number(item.hold_seconds)} s)"


def _note(item: ExerciseRecord) -> str:
    if item.stopped_for_pain:
        return "Stopped: it hurt"
    if item.ended is not None:
        return "Stopped early: " + " and ".join(ENDED_WORDS[r] for r in item.ended.reasons)
    if item.skipped:
        return "Skipped"
    return ""


def summarize(row: SessionView, library: Library) -> SessionSummary:
    """The summary of a stored session."""
    record = row.record
    lines = [
        ExerciseLine(
            exercise_id=item.exercise_id,
            name=_name(library, item.exercise_id),
            reps=_reps(item),
            holds=_holds(item),
            pain_before=pain(item.pain_before),
            pain_after=pain(item.pain_after),
            note=_note(item),
            camera=item.camera,
        )
        for item in record.exercises
    ]
    started = row.started_at if row.started_at.tzinfo else row.started_at.replace(tzinfo=UTC)
    return SessionSummary(
        id=row.id,
        started=when(started),
        started_iso=started.isoformat(),
        status=row.status,
        status_words=STATUS_WORDS.get(row.status, row.status),
        exercises=lines,
        total_reps=record.total_reps,
        words=session_words(record, lambda exercise_id: _name(library, exercise_id)),
    )


def _name(library: Library, exercise_id: str) -> str:
    return library.exercises[exercise_id].name if exercise_id in library.exercises else exercise_id
