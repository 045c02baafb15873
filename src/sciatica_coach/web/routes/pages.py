"""Routes: the today page, the learn page and one page per exercise."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.engine.script import build_script, script_duration
from sciatica_coach.domain.screening import LEVELS, outcome_message, worst_level
from sciatica_coach.domain.wording import dosage_lines, prescribed
from sciatica_coach.storage.plans import current_prescription
from sciatica_coach.storage.safety import Gate, cautioned, exercise_gate, open_locks
from sciatica_coach.storage.sessions import active_session
from sciatica_coach.usecases.today import your_day
from sciatica_coach.web.demonstrations import demo_view, program_dose
from sciatica_coach.web.deps import CatalogDep, LibraryDep, PatientId, ReadDep, TemplatesDep
from sciatica_coach.web.plan_words import change_line

router = APIRouter()


def greeting(now: datetime) -> str:
    """Good morning / afternoon / evening for the hour of `now`."""
    if now.hour < 12:
        return "Good morning"
    if now.hour < 18:
        return "Good afternoon"
    return "Good evening"


def reminder_day(at: datetime, now: datetime) -> str:
    """'today' or 'tomorrow': the day a reminder falls on, in its own time zone."""
    return "today" if at.date() == now.astimezone(at.tzinfo).date() else "tomorrow"


def _locked(
    request: Request, db: Session, patient_id: int, catalog: Catalog, gate: Gate, templates: Any
) -> HTMLResponse:
    """The home page during a safety lock: only the safety message and the call buttons, nothing about exercise."""
    level = worst_level(lock.level for lock in open_locks(db, patient_id) if lock.level in LEVELS)
    context = {
        "nav": "today",
        "locked": True,
        "gate": gate,
        "message": outcome_message(level, catalog.red_flags) if level else None,
        "emergency": gate.urgent,
    }
    response: HTMLResponse = templates.TemplateResponse(request, "today.html", context)
    return response


@router.get("/", response_class=HTMLResponse)
def today(
    request: Request, db: ReadDep, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep
) -> HTMLResponse:
    """Your day (sessions done and planned, the check-in, the next reminder, the last program change), today's
    program and the button to start or resume a session; during a safety lock, only what to do about it."""
    gate = exercise_gate(db, patient_id)
    if gate is not None and gate.kind == "lock":
        return _locked(request, db, patient_id, catalog, gate, templates)
    library = catalog.library
    prescription, caution_notes = cautioned(db, patient_id, current_prescription(db, patient_id, library), library)
    items = [{"exercise": library.exercise(item.exercise_id), "dose": prescribed(item)} for item in prescription.items]
    minutes = max(1, round(script_duration(build_script(prescription, library)) / 60))
    now = datetime.now(UTC)
    day = your_day(db, patient_id, prescription, library, now)
    context = {
        "nav": "today",
        "locked": False,
        "minutes": minutes,
        "greeting": greeting(datetime.now()),
        "items": items,
        "gate": gate,
        "active": active_session(db, patient_id),
        "disclaimer": library.program.disclaimer,
        "caution_notes": caution_notes,
        "day": day,
        "last_change": change_line(day.last_change, library) if day.last_change else None,
        "reminder_day": reminder_day(day.next_reminder.at, now) if day.next_reminder else "",
    }
    return templates.TemplateResponse(request, "today.html", context)


@router.get("/learn", response_class=HTMLResponse)
def learn(request: Request, library: LibraryDep, templates: TemplatesDep) -> HTMLResponse:
    """What sciatica is and why the program avoids hamstring stretches."""
    context = {"nav": "learn", "education": library.education, "contraindications": library.contraindications}
    return templates.TemplateResponse(request, "learn.html", context)


@router.get("/exercises", response_class=HTMLResponse)
def exercises(request: Request, library: LibraryDep, templates: TemplatesDep) -> HTMLResponse:
    """Every technique in the program, with its variants."""
    order = [item.exercise for item in library.program.items]
    main = sorted(
        (e for e in library.exercises.values() if e.variant_of is None),
        key=lambda e: (order.index(e.id) if e.id in order else len(order), e.name),
    )
    # Each card's picture: the demonstration figure at the top of the movement (the old drawing where the body model
    # cannot perform the exercise).
    figures = {e.id: demo_view(e, program_dose(library, e.id)) for e in main}
    context = {
        "nav": "exercises",
        "exercises": main,
        "variants": {e.id: library.variants(e.id) for e in main},
        "figures": figures,
    }
    return templates.TemplateResponse(request, "exercises/list.html", context)


@router.get("/exercises/{exercise_id}", response_class=HTMLResponse)
def exercise(exercise_id: str, request: Request, library: LibraryDep, templates: TemplatesDep) -> HTMLResponse:
    """One technique: its moving demonstration, steps, dosage, breathing, stop rules, good signs, what to avoid,
    illustrations."""
    if exercise_id not in library.exercises:
        missing = {"nav": "exercises", "missing": exercise_id, "exercises": list(library.exercises.values())}
        return templates.TemplateResponse(request, "exercises/missing.html", missing, status_code=404)
    item = library.exercises[exercise_id]
    context: dict[str, Any] = {
        "nav": "exercises",
        "exercise": item,
        "dosage": dosage_lines(item.dosage),
        "parent": library.exercises.get(item.variant_of) if item.variant_of else None,
        "variants": library.variants(item.id),
        "demo": demo_view(item, program_dose(library, item.id)),
    }
    return templates.TemplateResponse(request, "exercises/detail.html", context)
