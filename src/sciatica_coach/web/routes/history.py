"""Routes: the patient's past sessions, newest first, and one session in detail."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from sciatica_coach.storage.sessions import get_session, list_sessions
from sciatica_coach.usecases.sessions import SessionView
from sciatica_coach.web.deps import LibraryDep, PatientId, ReadDep, TemplatesDep
from sciatica_coach.web.session_summary import summarize

router = APIRouter()


@router.get("/history", response_class=HTMLResponse)
def history(
    request: Request, db: ReadDep, patient_id: PatientId, library: LibraryDep, templates: TemplatesDep
) -> HTMLResponse:
    """Every session of this patient, newest first."""
    sessions = [summarize(SessionView.of(row), library) for row in list_sessions(db, patient_id)]
    return templates.TemplateResponse(request, "history/list.html", {"nav": "history", "sessions": sessions})


@router.get("/history/{session_id}", response_class=HTMLResponse)
def session_detail(
    session_id: str,
    request: Request,
    db: ReadDep,
    patient_id: PatientId,
    library: LibraryDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    """One session: what was done in each exercise, and the symptom checks before and after."""
    row = get_session(db, patient_id, session_id)
    if row is None:
        raise HTTPException(404, "There is no session with that id in your history.")
    context = {"nav": "history", "summary": summarize(SessionView.of(row), library)}
    return templates.TemplateResponse(request, "history/detail.html", context)
