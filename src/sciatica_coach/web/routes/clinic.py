"""Clinic mode: the clinician's dashboard of their own patients, and inviting a new patient."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from sciatica_coach.domain.adaptation import advice_of, worst
from sciatica_coach.domain.alerts import TIER_LABELS
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.dashboard import SHOWS, SORT_KEYS, WINDOW_DAYS, Row, Show, SortKey, arrange, build_row
from sciatica_coach.domain.symptoms import REACH_LABELS
from sciatica_coach.storage.accounts import clinician_patients, last_activity
from sciatica_coach.storage.alerts import open_alerts
from sciatica_coach.storage.messages import unread_from_patients
from sciatica_coach.storage.plans import current_plan
from sciatica_coach.storage.progress import load_progress
from sciatica_coach.storage.safety import open_locks
from sciatica_coach.usecases.accounts import Account, make_invite
from sciatica_coach.usecases.checkins import lock_advice
from sciatica_coach.web.auth import ClinicianDep
from sciatica_coach.web.deps import CatalogDep, ReadDep, StoreDep, TemplatesDep
from sciatica_coach.web.writes import run_write

router = APIRouter()

SORT_LABELS = {
    "name": "Name",
    "activity": "Last activity",
    "adherence": "Sessions done (7 days)",
    "leg": "Leg pain",
    "back": "Back pain",
    "sbi": "SBI",
    "locks": "Open red flags",
    "advice": "Today's advice",
    "alerts": "Open alerts",
}
SHOW_LABELS = {
    "all": "Everyone",
    "locked": "Open red flags",
    "inactive": "No activity for 2 days or more",
    "worse": "Pain rose at the latest check-in",
    "alerts": "Open alerts",
    "critical": "Open critical alerts",
}
ADVICE_LABELS = {
    "continue": "Carry on",
    "ease-off": "Ease off",
    "contact-clinician": "Contact clinician",
    "urgent": "Urgent",
    "emergency": "Emergency",
}


def rows_for(db: Session, clinician_id: int, catalog: Catalog, today: datetime) -> list[Row]:
    """One row per patient of this clinician; each patient's reads are bounded by the 14-day window."""
    rows = []
    for user, patient in clinician_patients(db, clinician_id):
        progress = load_progress(db, patient.id, catalog.library, today.date(), WINDOW_DAYS, catalog.rules)
        locks = [lock.level for lock in open_locks(db, patient.id)]
        plan = current_plan(db, patient.id, catalog.library)
        advice = worst([lock_advice(db, patient.id), advice_of(plan.notes, catalog.rules)]).level
        alerts = [(alert.id, alert.tier) for alert in open_alerts(db, patient.id)]
        name = user.display_name or patient.display_name
        rows.append(build_row(patient.id, name, progress, last_activity(db, patient.id), locks, advice, alerts))
    return rows


def _context(
    db: Session, who: Account, catalog: Catalog, sort: SortKey, order: str, show: Show, q: str
) -> dict[str, Any]:
    now = datetime.now(UTC)
    rows = arrange(rows_for(db, who.id, catalog, now), now.date(), sort, order == "desc", show, q)
    return {
        "who": who,
        "rows": rows,
        "today": now.date(),
        "sort": sort,
        "order": order,
        "show": show,
        "q": q,
        "sort_keys": SORT_KEYS,
        "shows": SHOWS,
        "sort_labels": SORT_LABELS,
        "show_labels": SHOW_LABELS,
        "reach_labels": REACH_LABELS,
        "unread": unread_from_patients(db, [row.patient_id for row in rows]),
        "advice_labels": ADVICE_LABELS,
        "tier_labels": TIER_LABELS,
        "nav": "clinic",
    }


@router.get("/clinic", response_class=HTMLResponse)
def dashboard(
    request: Request,
    who: ClinicianDep,
    db: ReadDep,
    catalog: CatalogDep,
    templates: TemplatesDep,
    sort: Annotated[SortKey, Query()] = "name",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    show: Annotated[Show, Query()] = "all",
    q: Annotated[str, Query(max_length=120)] = "",
) -> HTMLResponse:
    """The clinician's own patients, sortable and filterable through the query string."""
    context = _context(db, who, catalog, sort, order, show, q)
    response: HTMLResponse = templates.TemplateResponse(request, "clinic/dashboard.html", context)
    return response


@router.post("/clinic/invites", response_class=HTMLResponse)
async def invite(
    request: Request,
    who: ClinicianDep,
    store: StoreDep,
    templates: TemplatesDep,
    name: Annotated[str, Form(max_length=120)] = "",
) -> HTMLResponse:
    """A one-time sign-up link for a new patient, shown once (72 hours)."""
    token = await run_write(store, make_invite, store, who.id, name)
    link = str(request.base_url).rstrip("/") + f"/invite/{token}"
    response: HTMLResponse = templates.TemplateResponse(
        request, "clinic/invite.html", {"who": who, "link": link, "name": name, "nav": "clinic"}
    )
    return response
