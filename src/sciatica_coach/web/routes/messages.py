"""Clinic mode, the patient's side of the thread with their clinician: `/messages`, sending, marking read.

Opening the page marks nothing read (reads never write): the "Mark as read" button posts, and replying marks the
clinician's messages read too."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sciatica_coach.storage.accounts import patient_account, user_by_id
from sciatica_coach.storage.messages import thread, unread_count, unread_for_clinician
from sciatica_coach.usecases.accounts import Account
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.usecases.messages import MESSAGE_MAX_CHARS, read_thread, send_message
from sciatica_coach.web.auth import CurrentAccount, session_user_id
from sciatica_coach.web.deps import PatientId, ReadDep, StoreDep, TemplatesDep
from sciatica_coach.web.session_summary import when
from sciatica_coach.web.writes import run_write

router = APIRouter()


def _context(db: Session, patient_id: int) -> dict[str, Any]:
    account = patient_account(db, patient_id)
    clinician = user_by_id(db, account.clinician_id) if account and account.clinician_id else None
    return {
        "nav": "messages",
        "messages": thread(db, patient_id),
        "unread": unread_count(db, patient_id, "patient"),
        "clinician": (clinician.display_name or "your clinician") if clinician else None,
        "when": when,
        "message_max": MESSAGE_MAX_CHARS,
        "problems": {},
        "draft": "",
    }


def _me(who: Account | None) -> Account:
    assert who is not None  # the patient router's dependency has signed them in
    return who


@router.get("/messages", response_class=HTMLResponse)
def messages(request: Request, db: ReadDep, patient_id: PatientId, templates: TemplatesDep) -> HTMLResponse:
    """The thread with your clinician, oldest first (opening it marks nothing read)."""
    response: HTMLResponse = templates.TemplateResponse(request, "messages.html", _context(db, patient_id))
    return response


@router.post("/messages", response_model=None)
async def send(
    request: Request,
    who: CurrentAccount,
    patient_id: PatientId,
    store: StoreDep,
    templates: TemplatesDep,
    body: Annotated[str, Form(max_length=MESSAGE_MAX_CHARS * 2)] = "",
) -> Response:
    """Send a message to your clinician (plain text)."""
    try:
        await run_write(store, send_message, store, _me(who), patient_id, body)
    except Invalid as exc:
        with store.read() as db:  # rendered inside the read: the thread's rows are read as the page is drawn
            context = _context(db, patient_id) | {"problems": exc.problems, "draft": body}
            response: Response = templates.TemplateResponse(request, "messages.html", context, status_code=422)
        return response
    return RedirectResponse("/messages#latest", status_code=303)


@router.post("/messages/read", response_model=None)
async def mark_read(who: CurrentAccount, patient_id: PatientId, store: StoreDep) -> Response:
    """Mark your clinician's messages read."""
    await run_write(store, read_thread, store, _me(who), patient_id)
    return RedirectResponse("/messages", status_code=303)


def nav_badge(request: Request) -> dict[str, Any]:
    """The nav's role and unread count, for every page in clinic mode (a template context processor): a patient's
    unread messages from their clinician, or a clinician's from all their patients. One count, read-only; nothing
    when nobody is signed in or the database is not answering (the page itself says so)."""
    user_id = session_user_id(request)
    if user_id is None:
        return {}
    store = request.app.state.store
    try:
        with store.read() as db:
            user = user_by_id(db, user_id)
            if user is None:
                return {}
            if user.role == "patient" and user.patient_id is not None:
                return {"nav_role": "patient", "nav_unread": unread_count(db, user.patient_id, "patient")}
            if user.role == "clinician":
                return {"nav_role": "clinician", "nav_unread": unread_for_clinician(db, user.id)}
            return {"nav_role": user.role}
    except SQLAlchemyError:
        return {}
