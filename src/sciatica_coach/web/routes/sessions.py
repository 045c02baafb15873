"""Routes: start a guided session, the player page, and the JSON API the player saves through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.record import PainReport, rep_start
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.domain.symptoms import REACH_LABELS, REACH_LEVELS
from sciatica_coach.settings import Settings
from sciatica_coach.storage.checkins import record_exercise_check
from sciatica_coach.storage.models import ExerciseSession
from sciatica_coach.storage.plans import current_prescription
from sciatica_coach.storage.safety import Gate, exercise_gate
from sciatica_coach.storage.sessions import active_session, create_session, get_session, save_progress
from sciatica_coach.web.deps import CurrentPatient, LibraryDep, SessionDep, SettingsDep, TemplatesDep
from sciatica_coach.web.session_flow import Flow, FlowError
from sciatica_coach.web.session_summary import summarize

router = APIRouter()
NOT_YOURS = "There is no session with that id. It may belong to someone else or have been removed."


class ProgressBody(BaseModel):
    """The timed phase the player just finished."""

    completed_index: int


class CheckBody(BaseModel):
    """Answers to a quick symptom check phase."""

    index: int
    back: int
    leg: int
    left_reach: str = "none"
    right_reach: str = "none"


def _owned(db: Session, patient_id: int, session_id: str, lock: bool = False) -> ExerciseSession:
    row = get_session(db, patient_id, session_id)
    if row is None:
        raise HTTPException(404, NOT_YOURS)
    if lock:
        db.refresh(row, with_for_update=True)  # serialises concurrent writers on PostgreSQL
    return row


def _gate_json(gate: Gate) -> JSONResponse:
    return JSONResponse({"detail": gate.reason, "url": gate.url, "urgent": gate.urgent}, status_code=423)


def _gate_page(request: Request, templates: Any, gate: Gate) -> Response:
    if "text/html" not in request.headers.get("accept", ""):
        return _gate_json(gate)
    response: Response = templates.TemplateResponse(request, "session/gated.html", {"gate": gate}, status_code=423)
    return response


def _state(row: ExerciseSession, flow: Flow, full: bool, settings: Settings, library: Library) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": row.id,
        "status": flow.record.status,
        "position": flow.position,
        "resume": rep_start(flow.script, flow.position),
        "total": len(flow.script),
        "record": flow.record.to_dict(),
    }
    if full:
        ids = {p.exercise_id for p in flow.script}
        data["script"] = [p.to_dict() for p in flow.script]
        data["clock_speed"] = settings.clock_speed
        data["speech"] = settings.speech
        data["exercises"] = {
            i: {"name": library.exercises[i].name, "illustrations": [x.id for x in library.exercises[i].illustrations]}
            for i in ids
            if i in library.exercises
        }
    return data


def _save(db: Session, row: ExerciseSession, flow: Flow) -> None:
    """Save the flow's position and record (SessionDep commits before the response is sent)."""
    save_progress(db, row, flow.position, flow.record)


@router.post("/sessions", response_model=None)
def start_session(
    request: Request, db: SessionDep, patient: CurrentPatient, library: LibraryDep, templates: TemplatesDep
) -> Response:
    """Start today's session, or go back to the one in progress; 423 while exercise is gated."""
    gate = exercise_gate(db, patient.id)
    if gate is not None:
        return _gate_page(request, templates, gate)
    row = active_session(db, patient.id)
    if row is None:
        prescription = current_prescription(db, patient.id, library)
        row = create_session(db, patient.id, prescription, build_script(prescription, library))
    return RedirectResponse(f"/session/{row.id}", status_code=303)


@router.get("/session/{session_id}", response_class=HTMLResponse, response_model=None)
def player(
    session_id: str,
    request: Request,
    db: SessionDep,
    patient: CurrentPatient,
    library: LibraryDep,
    templates: TemplatesDep,
    settings: SettingsDep,
) -> Response:
    """The session player, or the summary once the session has ended."""
    row = _owned(db, patient.id, session_id)
    if row.status != "in_progress":
        context = {"nav": "today", "summary": summarize(row, library), "ended_now": False}
        response: Response = templates.TemplateResponse(request, "session/ended.html", context)
        return response
    gate = exercise_gate(db, patient.id)
    if gate is not None:
        return _gate_page(request, templates, gate)
    exercises = [library.exercises[i] for i in dict.fromkeys(p["exercise_id"] for p in row.script)]
    reach_levels = [(value, REACH_LABELS[value]) for value in REACH_LEVELS]
    context = {"nav": "today", "row": row, "exercises": exercises, "settings": settings, "reach_levels": reach_levels}
    return templates.TemplateResponse(request, "session/player.html", context)


@router.get("/session/{session_id}/summary", response_class=HTMLResponse)
def summary_fragment(
    session_id: str,
    request: Request,
    db: SessionDep,
    patient: CurrentPatient,
    library: LibraryDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    """The end-of-session summary, as a fragment the player swaps in when it finishes."""
    row = _owned(db, patient.id, session_id)
    context = {"summary": summarize(row, library), "ended_now": True}
    response: HTMLResponse = templates.TemplateResponse(request, "session/_summary.html", context)
    return response


@router.get("/api/sessions/{session_id}", response_model=None)
def state(
    session_id: str, db: SessionDep, patient: CurrentPatient, library: LibraryDep, settings: SettingsDep
) -> dict[str, Any] | Response:
    """Everything the player needs: the script, where to resume, the record, status and clock speed."""
    row = _owned(db, patient.id, session_id)
    if row.status == "in_progress" and (gate := exercise_gate(db, patient.id)) is not None:
        return _gate_json(gate)
    return _state(row, Flow.load(row.script, row.position, row.record), True, settings, library)


def _mutate(db: Session, patient_id: int, session_id: str, gated: bool) -> tuple[ExerciseSession, Flow] | JSONResponse:
    row = _owned(db, patient_id, session_id, lock=True)
    if gated and row.status == "in_progress" and (gate := exercise_gate(db, patient_id)) is not None:
        return _gate_json(gate)
    return row, Flow.load(row.script, row.position, row.record)


def _flow_error(exc: FlowError) -> JSONResponse:
    return JSONResponse({"detail": exc.message}, status_code=exc.status)


@router.post("/api/sessions/{session_id}/progress", response_model=None)
def progress(
    session_id: str,
    body: ProgressBody,
    db: SessionDep,
    patient: CurrentPatient,
    library: LibraryDep,
    settings: SettingsDep,
) -> dict[str, Any] | Response:
    """Mark the next timed phase done; repeats of done phases change nothing; skipping ahead is refused."""
    loaded = _mutate(db, patient.id, session_id, gated=True)
    if isinstance(loaded, Response):
        return loaded
    row, flow = loaded
    try:
        if flow.complete(body.completed_index):
            _save(db, row, flow)
    except FlowError as exc:
        return _flow_error(exc)
    return _state(row, flow, False, settings, library)


@router.post("/api/sessions/{session_id}/check", response_model=None)
def check(
    session_id: str,
    body: CheckBody,
    db: SessionDep,
    patient: CurrentPatient,
    library: LibraryDep,
    settings: SettingsDep,
) -> dict[str, Any] | Response:
    """Answer a before/after symptom check: saved on the record and as a check-in."""
    loaded = _mutate(db, patient.id, session_id, gated=True)
    if isinstance(loaded, Response):
        return loaded
    row, flow = loaded
    report = PainReport(body.back, body.leg, body.left_reach, body.right_reach)
    try:
        when = flow.answer_check(body.index, report)
    except FlowError as exc:
        return _flow_error(exc)
    if when is not None:
        exercise_id = flow.script[body.index].exercise_id
        record_exercise_check(db, patient.id, row.id, exercise_id, when, report)
        _save(db, row, flow)
    return _state(row, flow, False, settings, library)


@router.post("/api/sessions/{session_id}/skip", response_model=None)
def skip(
    session_id: str, db: SessionDep, patient: CurrentPatient, library: LibraryDep, settings: SettingsDep
) -> dict[str, Any] | Response:
    """Skip the exercise under way."""
    return _act(db, patient.id, session_id, settings, library, gated=True, action=Flow.skip_exercise)


@router.post("/api/sessions/{session_id}/stop", response_model=None)
def stop(
    session_id: str, db: SessionDep, patient: CurrentPatient, library: LibraryDep, settings: SettingsDep
) -> dict[str, Any] | Response:
    """Stop because it hurts: always allowed, even while gated. The exercise under way is flagged."""
    return _act(db, patient.id, session_id, settings, library, gated=False, action=Flow.stop_for_pain)


def _act(
    db: Session,
    patient_id: int,
    session_id: str,
    settings: Settings,
    library: Library,
    *,
    gated: bool,
    action: Callable[[Flow], object],
) -> dict[str, Any] | Response:
    """Load the session, apply one flow action, save, and answer with the new state."""
    loaded = _mutate(db, patient_id, session_id, gated=gated)
    if isinstance(loaded, Response):
        return loaded
    row, flow = loaded
    try:
        action(flow)
    except FlowError as exc:
        return _flow_error(exc)
    _save(db, row, flow)
    return _state(row, flow, False, settings, library)
