"""Routes: start a guided session, the player page, and the JSON API the player saves through.

Thin adapters over `usecases.sessions`: each POST is one use case (one transaction); pages and GETs only read.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.checkins import CheckinError, PainScore, parse_quick
from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.engine.prescription import PrescribedExercise
from sciatica_coach.domain.engine.record import pending_end
from sciatica_coach.domain.engine.stepdown import advice, offline_rules
from sciatica_coach.domain.symptoms import REACH_LABELS, REACH_LEVELS, Reach, SymptomCheck
from sciatica_coach.settings import Settings
from sciatica_coach.storage.plans import current_prescription
from sciatica_coach.storage.safety import cautioned, exercise_gate
from sciatica_coach.usecases import sessions as use
from sciatica_coach.usecases.errors import Gated, Invalid
from sciatica_coach.web.demonstrations import demo_view
from sciatica_coach.web.deps import CatalogDep, PatientId, ReadDep, SettingsDep, StoreDep, TemplatesDep
from sciatica_coach.web.openapi import GATED, INVALID, problem
from sciatica_coach.web.routes.checkins import AdviceView
from sciatica_coach.web.session_summary import summarize
from sciatica_coach.web.writes import run_write

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
    """Answers to a quick symptom check step: every answer is required (none is assumed)."""

    index: int = Field(ge=0, le=MAX_STEP, strict=True)
    back: PainScore = Field(strict=True)
    leg: PainScore = Field(strict=True)
    left_reach: Reach
    right_reach: Reach


STOP_FIELDS = ("back", "leg", "left_reach", "right_reach")


class StopBody(Body):
    """How it hurts, given with "Stop: this hurts": back and leg pain 0-10 and how far down each leg. Give all four,
    or none of them (`{}` or no body) to stop without answering."""

    back: PainScore | None = Field(default=None, strict=True)
    leg: PainScore | None = Field(default=None, strict=True)
    left_reach: Reach | None = None
    right_reach: Reach | None = None

    def report(self) -> SymptomCheck | None:
        """The answers, None when none was given; Invalid naming each missing one when only some were."""
        given = {name: getattr(self, name) for name in STOP_FIELDS if getattr(self, name) is not None}
        if not given:
            return None
        missing = [name for name in STOP_FIELDS if name not in given]
        if missing:
            raise Invalid({name: "please answer this question too (or stop without answering)" for name in missing})
        return SymptomCheck(given["back"], given["leg"], given["left_reach"], given["right_reach"])


class SkipBody(Body):
    """Where the player was when Skip was pressed (so a retried skip cannot skip the next exercise too)."""

    index: int | None = Field(default=None, ge=0, le=MAX_STEP, strict=True)


class StepDown(BaseModel):
    """The step-down advice after a symptom check ended an exercise (spreading, or pain above the red line)."""

    exercise_id: str
    exercise_index: int
    ends_session: bool
    title: str
    why: list[str]
    now: str
    program: list[str]
    worsening: str


class SessionState(BaseModel):
    """What the player needs after each save; `step_down` while a check has just ended an exercise."""

    id: str
    status: str
    position: int
    resume: int
    total: int
    record: dict[str, Any]
    step_down: StepDown | None = None
    advice: AdviceView | None = None  # after an answer the rules ran on: what to do today


class SessionDetail(SessionState):
    """Everything the player needs to start: the script, clock speed, speech and exercise names."""

    script: list[dict[str, Any]]
    clock_speed: float
    speech: bool
    exercises: dict[str, dict[str, Any]]
    # How the player judges a symptom check itself while offline (the red line, each check's step-down words).
    offline: dict[str, Any]


ERRORS: dict[int | str, dict[str, Any]] = {
    404: problem("No such session of yours"),
    409: problem("The step does not fit the session (out of order, or it has ended)"),
    422: INVALID,
    423: GATED,
}
SEE_OTHER = {"description": "Go to the session's player", "headers": {"Location": {"schema": {"type": "string"}}}}


def step_down(view: use.SessionView, catalog: Catalog) -> StepDown | None:
    """The advice for the exercise a check has just ended, if any (shared by the JSON and the player page)."""
    index = pending_end(view.script, view.position, view.record)
    if index is None:
        return None
    item = view.record.exercises[index]
    assert item.ended is not None
    library = catalog.library
    name = library.exercises[item.exercise_id].name if item.exercise_id in library.exercises else item.exercise_id
    more = view.status == "in_progress" and view.position < len(view.script)
    words = advice(item.ended, name, more_to_come=more)
    return StepDown(
        exercise_id=item.exercise_id,
        exercise_index=index,
        ends_session=item.ended.ends_session,
        **words.to_dict(),
    )


def _state(view: use.SessionView, catalog: Catalog) -> SessionState:
    return SessionState(
        id=view.id,
        status=view.status,
        position=view.position,
        resume=view.resume,
        total=len(view.script),
        record=view.record.to_dict(),
        step_down=step_down(view, catalog),
        advice=AdviceView(**view.advice.to_dict()) if view.advice is not None else None,
    )


def _detail(view: use.SessionView, settings: Settings, catalog: Catalog) -> SessionDetail:
    library = catalog.library
    ids = {p.exercise_id for p in view.script}
    return SessionDetail(
        **_state(view, catalog).model_dump(),
        script=[p.to_dict() for p in view.script],
        clock_speed=settings.clock_speed,
        speech=settings.speech,
        exercises={
            i: {"name": library.exercises[i].name, "illustrations": [x.id for x in library.exercises[i].illustrations]}
            for i in ids
            if i in library.exercises
        },
        offline=offline_rules(view.script, lambda i: library.exercises[i].name, use.pain_limit(catalog)),
    )


@router.post("/sessions", status_code=303, response_class=RedirectResponse, responses={303: SEE_OTHER, 423: GATED})
def start_session(store: StoreDep, catalog: CatalogDep, patient_id: PatientId) -> Response:
    """Start today's session, or go back to the one in progress; 423 while exercise is gated."""
    started = use.start_or_resume(store, catalog, patient_id)
    return RedirectResponse(f"/session/{started.session.id}", status_code=303)


def _demonstrations(view: use.SessionView, library: Library, speed: float) -> list[dict[str, Any]]:
    """The moving figure of each exercise of the session at this session's own dose, following the player."""
    demos = []
    for entry in view.record.exercises:
        # The sides its reps are done on (the checks around an exercise have no side of their own).
        sides = tuple(dict.fromkeys(p.side for p in view.script if p.exercise_id == entry.exercise_id and p.rep))
        item = PrescribedExercise(entry.exercise_id, entry.reps_planned, entry.hold_seconds, sides)
        demo = demo_view(library.exercises[entry.exercise_id], item, sides=sides or ("",), speed=speed, sync=True)
        if demo is not None:
            demos.append(demo)
    return demos


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
    _, caution_notes = cautioned(db, patient_id, current_prescription(db, patient_id, library), library)
    context = {
        "nav": "today",
        "row": view,
        "exercises": exercises,
        "demos": _demonstrations(view, library, settings.clock_speed),
        "settings": settings,
        "reach_levels": _reach_levels(),
        "caution_notes": caution_notes,
    }
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
    return _state(use.record_progress(store, catalog, patient_id, session_id, body.completed_index), catalog)


@router.post("/api/sessions/{session_id}/check", responses=ERRORS)
def check(
    session_id: str, body: CheckBody, store: StoreDep, catalog: CatalogDep, patient_id: PatientId
) -> SessionState:
    """Answer a before/after symptom check: saved on the record and as a check-in."""
    report = SymptomCheck(body.back, body.leg, body.left_reach, body.right_reach)
    return _state(use.answer_check(store, catalog, patient_id, session_id, body.index, report), catalog)


@router.post("/api/sessions/{session_id}/skip", responses=ERRORS)
def skip(
    session_id: str, store: StoreDep, catalog: CatalogDep, patient_id: PatientId, body: SkipBody | None = None
) -> SessionState:
    """Skip the exercise under way (with `index`, a repeat of the same skip changes nothing)."""
    at_index = body.index if body is not None else None
    return _state(use.skip_exercise(store, catalog, patient_id, session_id, at_index), catalog)


@router.post("/api/sessions/{session_id}/stop", responses={k: ERRORS[k] for k in (404, 409, 422)})
def stop(
    session_id: str, store: StoreDep, catalog: CatalogDep, patient_id: PatientId, body: StopBody | None = None
) -> SessionState:
    """Stop because it hurts: always allowed, even while gated. The exercise under way is flagged, with the pain and
    how far down each leg when given (all four answers, or none); a repeat changes nothing."""
    report = body.report() if body is not None else None
    return _state(use.stop_for_pain(store, catalog, patient_id, session_id, report), catalog)


STOP_FORM_FIELDS = {"back_pain": "back", "leg_pain": "leg", "left_reach": "left_reach", "right_reach": "right_reach"}


@router.post("/session/{session_id}/stop", status_code=303, response_model=None, responses={303: SEE_OTHER})
async def stop_form(
    session_id: str,
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    patient_id: PatientId,
    templates: TemplatesDep,
) -> Response:
    """The "Stop: this hurts" form: every answer chosen (else the form again, naming what is missing, and nothing
    saved), or "Stop without answering"; then the session's summary."""
    form = await request.form()
    report: SymptomCheck | None = None
    if form.get("without") is None:
        values: dict[str, object] = {name: str(form.get(name, "")) for name in STOP_FORM_FIELDS}
        try:
            report = parse_quick(values)
        except CheckinError as exc:
            context = {
                "nav": "today",
                "session_id": session_id,
                "reach_levels": _reach_levels(),
                "values": values,
                "problems": exc.problems,
            }
            page: Response = templates.TemplateResponse(
                request, "session/stop.html", context, status_code=422, headers=NO_STORE
            )
            return page
    await run_write(store, use.stop_for_pain, store, catalog, patient_id, session_id, report)
    return RedirectResponse(f"/session/{session_id}", status_code=303)


def _reach_levels() -> list[tuple[str, str]]:
    return [(value, REACH_LABELS[value]) for value in REACH_LEVELS]
