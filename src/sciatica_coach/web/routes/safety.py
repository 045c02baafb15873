"""Routes: the red-flag screening form and the safety page (lock state, what to do, recording an assessment)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.screening import FormName, MissingAnswers, RedFlags, outcome_message
from sciatica_coach.storage.safety import (
    NOTE_MAX_CHARS,
    exercise_gate,
    last_clearance,
    lock_flags,
    lock_is_emergency,
    open_locks,
)
from sciatica_coach.usecases import safety
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.web.deps import CatalogDep, PatientId, ReadDep, StoreDep, TemplatesDep

router = APIRouter()

FIELD_PREFIX = "rf_"
YES, NO = "yes", "no"


def field_name(item_id: str) -> str:
    """The form field that carries the answer to one question."""
    return FIELD_PREFIX + item_id


def raw_answers(form: Mapping[str, Any]) -> dict[str, object]:
    """Every posted `rf_<id>` field as {id: value}; the use case checks ids against the content and values."""
    return {
        str(key).removeprefix(FIELD_PREFIX): value for key, value in form.items() if str(key).startswith(FIELD_PREFIX)
    }


def answers_from_form(form: Mapping[str, Any], form_name: FormName, content: RedFlags) -> dict[str, bool]:
    """The yes/no answers posted for `form_name`'s questions (fields `rf_<id>`); unanswered ones are left out
    (used to redisplay a form with what was already ticked)."""
    answers: dict[str, bool] = {}
    for item in content.questions(form_name):
        value = form.get(field_name(item.id))
        if value == YES:
            answers[item.id] = True
        elif value == NO:
            answers[item.id] = False
    return answers


def form_context(
    form_name: FormName,
    content: RedFlags,
    answers: Mapping[str, bool] | None = None,
    missing: Collection[str] = (),
) -> dict[str, Any]:
    """What the question partials need: `rf_items`, `rf_answers`, `rf_missing`, `rf_form`, `rf_not_a_clinician`."""
    return {
        "rf_items": content.questions(form_name),
        "rf_answers": dict(answers or {}),
        "rf_missing": set(missing),
        "rf_form": content.forms[form_name],
        "rf_not_a_clinician": content.not_a_clinician,
    }


def short_form_context(
    content: RedFlags, answers: Mapping[str, bool] | None = None, missing: Collection[str] = ()
) -> dict[str, Any]:
    """Context for `{% include "safety/_short_form.html" %}` inside another form (the check-ins)."""
    return form_context("short", content, answers, missing)


def _screening_page(
    request: Request,
    templates: Any,
    content: RedFlags,
    answers: Mapping[str, bool],
    missing: Collection[str] = (),
    locked: bool = False,
    after_assessment: bool = False,
    assessed_before: bool = False,
) -> HTMLResponse:
    context = {
        **form_context("full", content, answers, missing),
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
    request: Request, db: ReadDep, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep, after: str = ""
) -> HTMLResponse:
    """The full red-flag screening: one yes/no question per warning sign, nothing preselected."""
    return _screening_page(
        request,
        templates,
        catalog.red_flags,
        {},
        locked=bool(open_locks(db, patient_id)),
        after_assessment=after == "assessment",
        assessed_before=last_clearance(db, patient_id) is not None,
    )


@router.post("/screening", response_model=None)
async def submit_screening(
    request: Request, store: StoreDep, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep
) -> Response:
    """Record the full screening: a red flag goes to the safety page, a clean one back to today; 422 if incomplete."""
    form = await request.form()
    try:
        result = await run_in_threadpool(safety.screen, store, catalog, patient_id, "full", raw_answers(form))
    except MissingAnswers as exc:
        with store.read() as db:
            locked = bool(open_locks(db, patient_id))
            assessed_before = last_clearance(db, patient_id) is not None
        answers = answers_from_form(form, "full", catalog.red_flags)
        return _screening_page(
            request, templates, catalog.red_flags, answers, exc.missing, locked=locked, assessed_before=assessed_before
        )
    return RedirectResponse("/safety" if result.red_flag else "/", status_code=303)


def _safety_page(
    request: Request, db: Session, patient_id: int, catalog: Catalog, templates: Any, error: str = "", note: str = ""
) -> HTMLResponse:
    content = catalog.red_flags
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
def safety_page(
    request: Request, db: ReadDep, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep
) -> HTMLResponse:
    """Whether exercise is locked, what to do about a warning sign, and where to record an assessment."""
    return _safety_page(request, db, patient_id, catalog, templates)


class AssessmentForm(BaseModel):
    """The assessment form: the confirmation box and an optional note."""

    model_config = ConfigDict(extra="ignore")

    confirm: str = ""
    note: str = Field(default="", max_length=NOTE_MAX_CHARS * 4)


@router.post("/safety/assessment", response_model=None)
def submit_assessment(
    request: Request,
    form: Annotated[AssessmentForm, Form()],
    store: StoreDep,
    patient_id: PatientId,
    catalog: CatalogDep,
    templates: TemplatesDep,
) -> Response:
    """The person confirms a clinician assessed them: locks are cleared, then the full screening is asked again."""
    try:
        cleared = safety.assessment(store, patient_id, form.confirm == YES, form.note)
    except Invalid as exc:
        with store.read() as db:
            error = next(iter(exc.problems.values()))
            return _safety_page(request, db, patient_id, catalog, templates, error=error, note=form.note)
    return RedirectResponse("/screening?after=assessment" if cleared else "/safety", status_code=303)
