"""Routes: start a guided session, the player page, and the JSON API the player saves through.

Thin adapters over `usecases.sessions`: each POST is one use case (one transaction); pages and GETs only read.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.checkins import PainScore
from sciatica_coach.domain.symptoms import REACH_LABELS, REACH_LEVELS, Reach, SymptomCheck
from sciatica_coach.settings import Settings
from sciatica_coach.storage.safety import exercise_gate
from sciatica_coach.usecases import sessions as use
from sciatica_coach.usecases.errors import Gated
from sciatica_coach.web.deps import CatalogDep, PatientId, ReadDep, SettingsDep, StoreDep, TemplatesDep
from sciatica_coach.web.openapi import GATED, INVALID, problem
from sciatica_coach.web.routes.checkins import AdviceView
from sciatica_coach.web.session_summary import summarize

router = APIRouter()
MAX_STEP = 10_000
NO_STORE = {"Cache-Control": "no-store"}


class Body(BaseModel):
    """Request bodies refuse unknown keys, so a typo is a 422 that names it rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ProgressBody(Body):
    """The timed step the player just finished."""

    completed_index: int = Field(ge=0, le=MAX_STEP, strict=True)


class CheckBody(Body):
    """Answers to a quick symptom check step."""

    index: int = Field(ge=0, le=MAX_STEP, strict=True)
    back: PainScore = Field(strict=True)
    leg: PainScore = Field(strict=True)
    left_reach: Reach = "none"
    right_reach: Reach = "none"


class SkipBody(Body):
    """Where the player was when Skip was pressed (so a retried skip cannot skip the next exercise too)."""

    index: int | None = Field(default=None, ge=0, le=MAX_STEP, strict=True)


class SessionState(BaseModel):
    """What the player needs after each save."""

    id: str
    status: str
    position: int
    resume: int
    total: int
    record: dict[str, Any]
    advice: AdviceView | None = None  # after an answer the rules ran on: what to do today


class SessionDetail(SessionState):
    """Everything the player needs to start: the script, clock speed, speech and exercise names."""

    script: list[dict[str, Any]]
    clock_speed: float
    speech: bool
    exercises: dict[str, dict[str, Any]]


ERRORS: dict[int | str, dict[str, Any]] = {
    404: problem("No such session of yours"),
    409: problem("The step does not fit the session (out of order, or it has ended)"),
    422: INVALID,
    423: GATED,
}
SEE_OTHER = {"description": "Go to the session's player", "headers": {"Location": {"schema": {"type": "string"}}}}


def _state(view: use.SessionView) -> SessionState:
    return SessionState(
        id=view.id,
        status=view.status,
        position=view.position,
        resume=view.resume,
        total=len(view.script),
        record=view.record.to_dict(),
        advice=AdviceView(**view.advice.to_dict()) if view.advice is not None else None,
    )


def _detail(view: use.SessionView, settings: Settings, catalog: Catalog) -> SessionDetail:
    library = catalog.library
    ids = {p.exercise_id for p in view.script}
    return SessionDetail(
        **_state(view).model_dump(),
        script=[p.to_dict() for p in view.script],
        clock_speed=settings.clock_speed,
        speech=settings.speech,
        exercises={
            i: {"name": library.exercises[i].name, "illustrations": [x.id for x in library.exercises[i].illustrations]}
            for i in ids
            if i in library.exercises
        },
    )


@router.post("/sessions", status_code=303, response_class=RedirectResponse, responses={303: SEE_OTHER, 423: GATED})
def start_session(store: StoreDep, catalog: CatalogDep, patient_id: PatientId) -> Response:
    """Start today's session, or go back to the one in progress; 423 while exercise is gated."""
    started = use.start_or_resume(store, catalog, patient_id)
    return RedirectResponse(f"/session/{started.session.id}", status_code=303)


@router.get("/session/{session_id}", response_class=HTMLResponse, response_model=None)
def player(
    session_id: str,
    request: Request,
    db: ReadDep,
    patient_id: PatientId,
    catalog: CatalogDep,
    templates: TemplatesDep,
    settings: SettingsDep,
) -> Response:
    """The session player, or the summary once the session has ended."""
    view = use.session_state(db, patient_id, session_id)
    library = catalog.library
    if view.status != "in_progress":
        context = {"nav": "today", "summary": summarize(view, library), "ended_now": False}
        response: Response = templates.TemplateResponse(request, "session/ended.html", context, headers=NO_STORE)
        return response
    gate = exercise_gate(db, patient_id)
    if gate is not None:
        raise Gated(gate)
    exercises = [library.exercises[i] for i in dict.fromkeys(p.exercise_id for p in view.script)]
    reach_levels = [(value, REACH_LABELS[value]) for value in REACH_LEVELS]
    context = {"nav": "today", "row": view, "exercises": exercises, "settings": settings, "reach_levels": reach_levels}
    return templates.TemplateResponse(request, "session/player.html", context, headers=NO_STORE)


@router.get("/session/{session_id}/summary", response_class=HTMLResponse)
def summary_fragment(
    session_id: str,
    request: Request,
    db: ReadDep,
    patient_id: PatientId,
    catalog: CatalogDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    """The end-of-session summary, as a fragment the player swaps in when it finishes."""
    view = use.session_state(db, patient_id, session_id)
    context = {"summary": summarize(view, catalog.library), "ended_now": True}
    response: HTMLResponse = templates.TemplateResponse(request, "session/_summary.html", context, headers=NO_STORE)
    return response


@router.get("/api/sessions/{session_id}", responses={404: ERRORS[404], 423: ERRORS[423]})
def state(
    session_id: str,
    response: Response,
    db: ReadDep,
    patient_id: PatientId,
    catalog: CatalogDep,
    settings: SettingsDep,
) -> SessionDetail:
    """Everything the player needs: the script, where to resume, the record, status and clock speed."""
    response.headers.update(NO_STORE)
    view = use.session_state(db, patient_id, session_id)
    if view.status == "in_progress" and (gate := exercise_gate(db, patient_id)) is not None:
        raise Gated(gate)
    return _detail(view, settings, catalog)


@router.post("/api/sessions/{session_id}/progress", responses=ERRORS)
def progress(
    session_id: str, body: ProgressBody, store: StoreDep, catalog: CatalogDep, patient_id: PatientId
) -> SessionState:
    """Mark the next timed step done; repeats of done steps change nothing; skipping ahead is refused (409)."""
    return _state(use.record_progress(store, catalog, patient_id, session_id, body.completed_index))


@router.post("/api/sessions/{session_id}/check", responses=ERRORS)
def check(
    session_id: str, body: CheckBody, store: StoreDep, catalog: CatalogDep, patient_id: PatientId
) -> SessionState:
    """Answer a before/after symptom check: saved on the record and as a check-in."""
    report = SymptomCheck(body.back, body.leg, body.left_reach, body.right_reach)
    return _state(use.answer_check(store, catalog, patient_id, session_id, body.index, report))


@router.post("/api/sessions/{session_id}/skip", responses=ERRORS)
def skip(
    session_id: str, store: StoreDep, catalog: CatalogDep, patient_id: PatientId, body: SkipBody | None = None
) -> SessionState:
    """Skip the exercise under way (with `index`, a repeat of the same skip changes nothing)."""
    at_index = body.index if body is not None else None
    return _state(use.skip_exercise(store, catalog, patient_id, session_id, at_index))


@router.post("/api/sessions/{session_id}/stop", responses={k: ERRORS[k] for k in (404, 409, 422)})
def stop(session_id: str, store: StoreDep, catalog: CatalogDep, patient_id: PatientId) -> SessionState:
    """Stop because it hurts: always allowed, even while gated. The exercise under way is flagged."""
    return _state(use.stop_for_pain(store, catalog, patient_id, session_id))
