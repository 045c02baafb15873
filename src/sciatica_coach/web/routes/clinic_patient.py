"""Clinic mode: one patient's page for their clinician (charts, sessions with the camera's count beside what was
reported, check-ins, plan changes with their reasons and rule ids, red flags with their assessments, the message
thread), sending a message, marking the thread read, and recording the assessment that clears a red-flag lock.

Another clinician's patient, or a made-up id, is 404 (never told apart). Opening the page marks nothing read."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.progress import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS
from sciatica_coach.storage.accounts import patient_account
from sciatica_coach.storage.checkins import list_checkins
from sciatica_coach.storage.messages import thread, unread_count
from sciatica_coach.storage.plans import current_plan, list_plan_changes
from sciatica_coach.storage.progress import load_progress
from sciatica_coach.storage.safety import ASSESSMENT_LEVELS, NOTE_MAX_CHARS, lock_flags, lock_history
from sciatica_coach.storage.sessions import list_sessions
from sciatica_coach.usecases.accounts import Account
from sciatica_coach.usecases.clinic import own_patient
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.usecases.messages import MESSAGE_MAX_CHARS, read_thread, send_message
from sciatica_coach.usecases.safety import assessment
from sciatica_coach.usecases.sessions import SessionView
from sciatica_coach.web.auth import ClinicianDep
from sciatica_coach.web.deps import CatalogDep, ReadDep, StoreDep, TemplatesDep
from sciatica_coach.web.plan_words import plan_view, stored_change_view
from sciatica_coach.web.routes.progress import progress_context
from sciatica_coach.web.session_summary import summarize, when
from sciatica_coach.web.writes import run_write

router = APIRouter()
SESSIONS_SHOWN = 20
CLEARED_WORDS = {
    "self-assessed": "assessment recorded by the patient",
    "clinician": "assessment recorded by a clinician",
    "acknowledged": "advice read by the patient",
}


def _locks(db: Session, patient_id: int, catalog: Catalog) -> list[dict[str, Any]]:
    content = catalog.red_flags
    signs = {item.id: item.sign for item in content.items}
    return [
        {
            "locked": when(lock.locked_at),
            "level": content.levels[lock.level].label if lock.level in content.levels else lock.level,
            "reason": lock.reason,
            "signs": [signs.get(flag, flag) for flag in lock_flags(db, lock)],
            "open": lock.cleared_at is None,
            "cleared": when(lock.cleared_at) if lock.cleared_at else "",
            "cleared_by": CLEARED_WORDS.get(lock.cleared_by or "", lock.cleared_by or ""),
            "assessed_by": lock.assessed_by or "",
            "assessed_on": lock.assessed_on.isoformat() if lock.assessed_on else "",
            "note": lock.clearance_note or "",
            "needs_assessment": lock.cleared_at is None and lock.level in ASSESSMENT_LEVELS,
        }
        for lock in lock_history(db, patient_id)
    ]


def page_context(db: Session, who: Account, patient_id: int, catalog: Catalog, days: int) -> dict[str, Any]:
    """Everything the clinician's page of one patient shows (NotFound when the patient is not theirs)."""
    name = own_patient(db, who, patient_id)
    library = catalog.library
    now = datetime.now(UTC)
    progress = load_progress(db, patient_id, library, now.date(), days, catalog.rules)
    since = datetime.combine(now.date() - timedelta(days=days - 1), time.min, tzinfo=UTC)
    account = patient_account(db, patient_id)
    locks = _locks(db, patient_id, catalog)
    return {
        **progress_context(progress, days, catalog),
        "nav": "clinic",
        "who": who,
        "patient_id": patient_id,
        "name": name,
        "email": account.email if account else "",
        "for_clinician": True,
        "sessions": [summarize(SessionView.of(row), library) for row in list_sessions(db, patient_id, SESSIONS_SHOWN)],
        "mornings": [row for row in list_checkins(db, patient_id, ["morning"], since) if row.back_pain is not None],
        "plan": plan_view(current_plan(db, patient_id, library), library),
        "changes": [stored_change_view(row, library) for row in list_plan_changes(db, patient_id, limit=50)],
        "locks": locks,
        "needs_assessment": any(lock["needs_assessment"] for lock in locks),
        "messages": thread(db, patient_id),
        "unread": unread_count(db, patient_id, "clinician"),
        "when": when,
        "today": now.date().isoformat(),
        "message_max": MESSAGE_MAX_CHARS,
        "note_max": NOTE_MAX_CHARS,
    }


Days = Annotated[int, Query(ge=MIN_DAYS, le=MAX_DAYS, description="How many days of charts to show")]


def _page(
    request: Request,
    db: Session,
    who: Account,
    patient_id: int,
    catalog: Catalog,
    templates: Any,
    days: int = DEFAULT_DAYS,
    **extra: Any,
) -> HTMLResponse:
    context = page_context(db, who, patient_id, catalog, days) | extra
    status = 422 if extra.get("problems") else 200
    response: HTMLResponse = templates.TemplateResponse(request, "clinic/patient.html", context, status_code=status)
    return response


@router.get("/clinic/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(
    patient_id: int,
    request: Request,
    who: ClinicianDep,
    db: ReadDep,
    catalog: CatalogDep,
    templates: TemplatesDep,
    days: Days = DEFAULT_DAYS,
) -> HTMLResponse:
    """One of the clinician's own patients: everything they recorded, and the thread with them."""
    return _page(request, db, who, patient_id, catalog, templates, days)


@router.post("/clinic/patients/{patient_id}/messages", response_model=None)
async def send(
    patient_id: int,
    request: Request,
    who: ClinicianDep,
    store: StoreDep,
    catalog: CatalogDep,
    templates: TemplatesDep,
    body: Annotated[str, Form(max_length=MESSAGE_MAX_CHARS * 2)] = "",
) -> Response:
    """A message to the patient (replying marks their messages read)."""
    try:
        await run_write(store, send_message, store, who, patient_id, body)
    except Invalid as exc:
        with store.read() as db:
            return _page(request, db, who, patient_id, catalog, templates, problems=exc.problems, draft=body)
    return RedirectResponse(f"/clinic/patients/{patient_id}#messages", status_code=303)


@router.post("/clinic/patients/{patient_id}/messages/read", response_model=None)
async def mark_read(patient_id: int, who: ClinicianDep, store: StoreDep) -> Response:
    """Mark the patient's messages read (opening the page never does)."""
    await run_write(store, read_thread, store, who, patient_id)
    return RedirectResponse(f"/clinic/patients/{patient_id}#messages", status_code=303)


@router.post("/clinic/patients/{patient_id}/assessment", response_model=None)
async def record_assessment(
    patient_id: int,
    request: Request,
    who: ClinicianDep,
    store: StoreDep,
    catalog: CatalogDep,
    templates: TemplatesDep,
    assessed_on: Annotated[str, Form(max_length=20)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=NOTE_MAX_CHARS * 2)] = "",
) -> Response:
    """The clinician records that they assessed the patient about their warning signs: the locks are cleared (who
    = the clinician) and the patient answers the full safety questions again before their next session."""
    try:
        await run_write(
            store,
            lambda: assessment(
                store,
                patient_id,
                confirm == "yes",
                note,
                assessed_by=who.display_name or who.email,
                assessed_on=assessed_on,
                by_clinician=who.id,
            ),
        )
    except Invalid as exc:
        with store.read() as db:
            return _page(request, db, who, patient_id, catalog, templates, problems=exc.problems)
    return RedirectResponse(f"/clinic/patients/{patient_id}#red-flags", status_code=303)
