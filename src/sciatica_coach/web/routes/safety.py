"""Routes: the red-flag screening form (with the cautions), the short re-screen due before a session, and the
safety page (lock state, what to do, reading the advice for a "soon" sign, recording an assessment)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.screening import LEVELS, FormName, MissingAnswers, RedFlags, outcome_message, worst_level
from sciatica_coach.storage.models import utcnow
from sciatica_coach.storage.safety import (
    ASSESSMENT_LEVELS,
    NAME_MAX_CHARS,
    NOTE_MAX_CHARS,
    exercise_gate,
    last_clearance,
    lock_flags,
    open_locks,
)
from sciatica_coach.usecases import safety
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.web.deps import CatalogDep, PatientId, ReadDep, StoreDep, TemplatesDep
from sciatica_coach.web.writes import run_write

router = APIRouter()

FIELD_PREFIX = "rf_"
CAUTION_PREFIX = "ca_"
YES, NO = "yes", "no"


def field_name(item_id: str) -> str:
    """The form field that carries the answer to one question."""
    return FIELD_PREFIX + item_id


def raw_answers(form: Mapping[str, Any]) -> dict[str, object]:
    """Every posted `rf_<id>` field as {id: value}; the use case checks ids against the content and values."""
    return {
        str(key).removeprefix(FIELD_PREFIX): value for key, value in form.items() if str(key).startswith(FIELD_PREFIX)
    }


def raw_cautions(form: Mapping[str, Any]) -> dict[str, object]:
    """Every posted `ca_<id>` field as {id: value} (the cautions asked with the full screening)."""
    return {
        str(key).removeprefix(CAUTION_PREFIX): value
        for key, value in form.items()
        if str(key).startswith(CAUTION_PREFIX)
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


def _yes_no_values(raw: Mapping[str, object]) -> dict[str, bool]:
    return {key: value == YES for key, value in raw.items() if value in (YES, NO)}


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
    catalog: Catalog,
    answers: Mapping[str, bool],
    missing: Collection[str] = (),
    locked: bool = False,
    after_assessment: bool = False,
    assessed_before: bool = False,
    cautions: Mapping[str, bool] | None = None,
) -> HTMLResponse:
    content = catalog.red_flags
    flags_missing = [m for m in missing if not m.startswith("cautions.")]
    context = {
        **form_context("full", content, answers, flags_missing),
        "intro": content.after_assessment_intro if assessed_before else content.forms["full"].intro,
        "locked": locked,
        "after_assessment": after_assessment,
        "cautions": catalog.library.contraindications.cautions,
        "caution_answers": dict(cautions or {}),
        "caution_missing": {m.removeprefix(safety.CAUTION_PREFIX) for m in missing if m.startswith("cautions.")},
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, "safety/screening.html", context, status_code=422 if missing else 200
    )
    return response


@router.get("/screening", response_class=HTMLResponse)
def screening_form(
    request: Request, db: ReadDep, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep, after: str = ""
) -> HTMLResponse:
    """The full red-flag screening: one yes/no question per warning sign and per caution, nothing preselected."""
    return _screening_page(
        request,
        templates,
        catalog,
        {},
        locked=bool(open_locks(db, patient_id)),
        after_assessment=after == "assessment",
        assessed_before=last_clearance(db, patient_id) is not None,
    )


@router.post("/screening", response_model=None)
async def submit_screening(
    request: Request, store: StoreDep, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep
) -> Response:
    """Record the full screening and cautions: a red flag goes to the safety page, a clean one back to today; 422
    if anything is unanswered."""
    form = await request.form()
    cautions = raw_cautions(form)
    try:
        result = await run_write(
            store, partial(safety.screen, cautions=cautions), store, catalog, patient_id, "full", raw_answers(form)
        )
    except MissingAnswers as exc:
        with store.read() as db:
            locked = bool(open_locks(db, patient_id))
            assessed_before = last_clearance(db, patient_id) is not None
        answers = answers_from_form(form, "full", catalog.red_flags)
        return _screening_page(
            request,
            templates,
            catalog,
            answers,
            exc.missing,
            locked=locked,
            assessed_before=assessed_before,
            cautions=_yes_no_values(cautions),
        )
    return RedirectResponse("/safety" if result.red_flag else "/", status_code=303)


def _check_page(
    request: Request, templates: Any, content: RedFlags, answers: Mapping[str, bool], missing: Collection[str] = ()
) -> HTMLResponse:
    context = {**form_context("short", content, answers, missing)}
    response: HTMLResponse = templates.TemplateResponse(
        request, "safety/check.html", context, status_code=422 if missing else 200
    )
    return response


@router.get("/screening/check", response_class=HTMLResponse)
def recheck_form(request: Request, catalog: CatalogDep, templates: TemplatesDep) -> HTMLResponse:
    """The short re-screen, due before a session once the last screening is more than 24 hours old."""
    return _check_page(request, templates, catalog.red_flags, {})


@router.post("/screening/check", response_model=None)
async def submit_recheck(
    request: Request, store: StoreDep, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep
) -> Response:
    """Record the short re-screen: a red flag goes to the safety page, a clean one back to today to start; 422 if
    any question is unanswered."""
    form = await request.form()
    try:
        result = await run_write(store, safety.screen, store, catalog, patient_id, "short", raw_answers(form))
    except MissingAnswers as exc:
        answers = answers_from_form(form, "short", catalog.red_flags)
        return _check_page(request, templates, catalog.red_flags, answers, exc.missing)
    return RedirectResponse("/safety" if result.red_flag else "/?checked=1", status_code=303)


def _safety_page(
    request: Request,
    db: Session,
    patient_id: int,
    catalog: Catalog,
    templates: Any,
    error: str = "",
    note: str = "",
    assessed_by: str = "",
    assessed_on: str = "",
) -> HTMLResponse:
    content = catalog.red_flags
    locks = open_locks(db, patient_id)
    level = worst_level(lock.level for lock in locks if lock.level in LEVELS)
    flagged = {flag for lock in locks for flag in lock_flags(db, lock)}
    context = {
        "locks": locks,
        "level": level,
        "emergency": level == "emergency",
        "needs_assessment": any(lock.level in ASSESSMENT_LEVELS for lock in locks),
        "message": outcome_message(level, content) if level else None,
        "flagged_items": [item for item in content.items if item.id in flagged],
        "levels_label": {lvl: rule.label for lvl, rule in content.levels.items()},
        "signs_by_level": [
            (content.levels[lvl].label, [item.sign for item in content.items if item.level == lvl]) for lvl in LEVELS
        ],
        "gate": exercise_gate(db, patient_id),
        "not_a_clinician": content.not_a_clinician,
        "error": error,
        "note": note,
        "note_max": NOTE_MAX_CHARS,
        "name_max": NAME_MAX_CHARS,
        "assessed_by": assessed_by,
        "assessed_on": assessed_on,
        "today": utcnow().date().isoformat(),
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
    """The assessment form: the confirmation box, who assessed the person and on what day, an optional note."""

    model_config = ConfigDict(extra="ignore")

    confirm: str = ""
    assessed_by: str = Field(default="", max_length=NAME_MAX_CHARS * 4)
    assessed_on: str = Field(default="", max_length=40)
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
    """The person records that a clinician assessed them (who, and when): locks are cleared, then the full screening
    is asked again."""
    try:
        cleared = safety.assessment(
            store,
            patient_id,
            form.confirm == YES,
            form.note,
            assessed_by=form.assessed_by,
            assessed_on=form.assessed_on,
        )
    except Invalid as exc:
        with store.read() as db:
            error = next(iter(exc.problems.values()))
            return _safety_page(
                request,
                db,
                patient_id,
                catalog,
                templates,
                error=error,
                note=form.note,
                assessed_by=form.assessed_by,
                assessed_on=form.assessed_on,
            )
    return RedirectResponse("/screening?after=assessment" if cleared else "/safety", status_code=303)


class AdviceForm(BaseModel):
    """The box that confirms the advice for a "soon" sign was read."""

    model_config = ConfigDict(extra="ignore")

    read: str = ""


@router.post("/safety/advice", response_model=None)
def submit_advice(
    request: Request,
    form: Annotated[AdviceForm, Form()],
    store: StoreDep,
    patient_id: PatientId,
    catalog: CatalogDep,
    templates: TemplatesDep,
) -> Response:
    """The person has read the advice for a "soon" sign (book a doctor's appointment): exercise opens again."""
    try:
        safety.read_advice(store, patient_id, form.read == YES)
    except Invalid as exc:
        with store.read() as db:
            return _safety_page(request, db, patient_id, catalog, templates, error=next(iter(exc.problems.values())))
    return RedirectResponse("/", status_code=303)
