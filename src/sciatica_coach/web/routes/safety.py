"""Routes: the red-flag screening form and the safety page (lock state, what to do, recording an assessment)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sciatica_coach.domain.screening import FormName, MissingAnswers, RedFlags, load_red_flags, outcome_message
from sciatica_coach.storage.safety import (
    NOTE_MAX_CHARS,
    exercise_gate,
    last_clearance,
    lock_flags,
    lock_is_emergency,
    open_locks,
    record_assessment,
    record_screening,
)
from sciatica_coach.web.deps import CurrentPatient, SessionDep, TemplatesDep

router = APIRouter()

FIELD_PREFIX = "rf_"
YES, NO = "yes", "no"


def field_name(item_id: str) -> str:
    """The form field that carries the answer to one question."""
    return FIELD_PREFIX + item_id


def answers_from_form(form: Mapping[str, Any], form_name: FormName, content: RedFlags | None = None) -> dict[str, bool]:
    """The yes/no answers posted for `form_name`'s questions (fields `rf_<id>`); unanswered ones are left out."""
    answers: dict[str, bool] = {}
    for item in (content or load_red_flags()).questions(form_name):
        value = form.get(field_name(item.id))
        if value == YES:
            answers[item.id] = True
        elif value == NO:
            answers[item.id] = False
    return answers


def form_context(
    form_name: FormName,
    answers: Mapping[str, bool] | None = None,
    missing: Collection[str] = (),
    content: RedFlags | None = None,
) -> dict[str, Any]:
    """What the question partials need: `rf_items`, `rf_answers`, `rf_missing`, `rf_form`, `rf_not_a_clinician`."""
    content = content or load_red_flags()
    return {
        "rf_items": content.questions(form_name),
        "rf_answers": dict(answers or {}),
        "rf_missing": set(missing),
        "rf_form": content.forms[form_name],
        "rf_not_a_clinician": content.not_a_clinician,
    }


def short_form_context(answers: Mapping[str, bool] | None = None, missing: Collection[str] = ()) -> dict[str, Any]:
    """Context for `{% include "safety/_short_form.html" %}` inside another form (the check-ins)."""
    return form_context("short", answers, missing)


def _screening_page(
    request: Request,
    templates: Any,
    answers: Mapping[str, bool],
    missing: Collection[str] = (),
    locked: bool = False,
    after_assessment: bool = False,
    assessed_before: bool = False,
) -> HTMLResponse:
    content = load_red_flags()
    context = {
        **form_context("full", answers, missing, content),
        "intro": content.after_assessment_intro if assessed_before else content.forms["full"].intro,
        "locked": locked,
        "after_assessment": after_assessment,
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, "safety/screening.html", context, status_code=422 if missing else 200
    )
    return response


@router.get("/screening", response_class=HTMLResponse)
def screening_form(
    request: Request, db: SessionDep, patient: CurrentPatient, templates: TemplatesDep, after: str = ""
) -> HTMLResponse:
    """The full red-flag screening: one yes/no question per warning sign, nothing preselected."""
    return _screening_page(
        request,
        templates,
        {},
        locked=bool(open_locks(db, patient.id)),
        after_assessment=after == "assessment",
        assessed_before=last_clearance(db, patient.id) is not None,
    )


@router.post("/screening", response_model=None)
async def submit_screening(
    request: Request, db: SessionDep, patient: CurrentPatient, templates: TemplatesDep
) -> Response:
    """Record the full screening: a red flag goes to the safety page, a clean one back to today; 422 if incomplete."""
    answers = answers_from_form(await request.form(), "full")
    try:
        result = record_screening(db, patient.id, "full", answers)
    except MissingAnswers as exc:
        return _screening_page(
            request,
            templates,
            answers,
            exc.missing,
            locked=bool(open_locks(db, patient.id)),
            assessed_before=last_clearance(db, patient.id) is not None,
        )
    return RedirectResponse("/safety" if result.red_flag else "/", status_code=303)


def _safety_page(
    request: Request, db: SessionDep, patient_id: int, templates: Any, error: str = "", note: str = ""
) -> HTMLResponse:
    content = load_red_flags()
    locks = open_locks(db, patient_id)
    emergency = any(lock_is_emergency(db, lock) for lock in locks)
    flagged = {flag for lock in locks for flag in lock_flags(db, lock)}
    context = {
        "locks": locks,
        "emergency": emergency,
        "message": outcome_message("emergency" if emergency else "urgent", content) if locks else None,
        "flagged_items": [item for item in content.items if item.id in flagged],
        "emergency_numbers": content.emergency_numbers,
        "emergency_signs": [item.sign for item in content.items if item.emergency],
        "urgent_signs": [item.sign for item in content.items if not item.emergency],
        "gate": exercise_gate(db, patient_id),
        "not_a_clinician": content.not_a_clinician,
        "error": error,
        "note": note,
        "note_max": NOTE_MAX_CHARS,
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, "safety/safety.html", context, status_code=422 if error else 200
    )
    return response


@router.get("/safety", response_class=HTMLResponse)
def safety_page(request: Request, db: SessionDep, patient: CurrentPatient, templates: TemplatesDep) -> HTMLResponse:
    """Whether exercise is locked, what to do about a warning sign, and where to record an assessment."""
    return _safety_page(request, db, patient.id, templates)


@router.post("/safety/assessment", response_model=None)
async def submit_assessment(
    request: Request, db: SessionDep, patient: CurrentPatient, templates: TemplatesDep
) -> Response:
    """The person confirms a clinician assessed them: locks are cleared, then the full screening is asked again."""
    form = await request.form()
    note = str(form.get("note") or "")
    if form.get("confirm") != YES:
        error = "Tick the box to confirm that a clinician has assessed you."
        return _safety_page(request, db, patient.id, templates, error=error, note=note)
    if len(note.strip()) > NOTE_MAX_CHARS:
        error = f"Please keep the note to {NOTE_MAX_CHARS} characters or fewer."
        return _safety_page(request, db, patient.id, templates, error=error, note=note)
    cleared = record_assessment(db, patient.id, note)
    return RedirectResponse("/screening?after=assessment" if cleared else "/safety", status_code=303)
