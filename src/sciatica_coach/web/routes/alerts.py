"""Clinic mode: one alert about a clinician's own patient (with the patient's alert history) and acknowledging it,
as a page with a form and as JSON. Someone else's alert is a 404, never told apart from a missing one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from sciatica_coach.domain.alerts import TIER_LABELS
from sciatica_coach.storage.models import Alert, as_utc
from sciatica_coach.storage.safety import NOTE_MAX_CHARS
from sciatica_coach.usecases.alerts import acknowledge_alert, view_alert
from sciatica_coach.web.auth import ClinicianDep
from sciatica_coach.web.deps import StoreDep, TemplatesDep
from sciatica_coach.web.openapi import INVALID, problem
from sciatica_coach.web.writes import run_write

router = APIRouter()
ERRORS: dict[int | str, dict[str, Any]] = {
    401: problem("Sign in first"),
    403: problem("For clinicians only"),
    404: problem("No such alert about one of your patients"),
}
ACK_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: problem("The alert was acknowledged already"),
    422: INVALID,
}


class Acknowledged(BaseModel):
    """Who acknowledged an alert, when, and their note."""

    by: str
    at: datetime
    note: str


class AlertOut(BaseModel):
    """One alert: which (id and version in alerts.yaml), its tier, reason, when, and its acknowledgement."""

    id: int
    patient_id: int
    alert_id: str
    version: int
    tier: str
    reason: str
    raised_at: datetime
    acknowledged: Acknowledged | None

    @classmethod
    def of(cls, row: Alert) -> AlertOut:
        """From a stored row."""
        done = None
        if row.acknowledged_at is not None:
            done = Acknowledged(by=row.acknowledged_by_name or "", at=as_utc(row.acknowledged_at), note=row.note or "")
        return cls(
            id=row.id,
            patient_id=row.patient_id,
            alert_id=row.alert_id,
            version=row.version,
            tier=row.tier,
            reason=row.reason,
            raised_at=as_utc(row.raised_at),
            acknowledged=done,
        )


class AcknowledgeBody(BaseModel):
    """An optional note with the acknowledgement."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=NOTE_MAX_CHARS)


@router.get("/clinic/alerts/{alert_id}", response_class=HTMLResponse)
async def alert_page(
    request: Request, alert_id: int, who: ClinicianDep, store: StoreDep, templates: TemplatesDep
) -> HTMLResponse:
    """The alert, the acknowledge form (while open) and the patient's alert history."""
    view = await run_in_threadpool(view_alert, store, who, alert_id)
    context = {"who": who, "view": view, "tier_labels": TIER_LABELS, "nav": "clinic", "as_utc": as_utc}
    response: HTMLResponse = templates.TemplateResponse(request, "clinic/alert.html", context)
    return response


@router.post("/clinic/alerts/{alert_id}/acknowledge", response_class=RedirectResponse, status_code=303)
async def acknowledge_form(
    alert_id: int,
    who: ClinicianDep,
    store: StoreDep,
    note: Annotated[str, Form(max_length=NOTE_MAX_CHARS)] = "",
) -> Response:
    """Acknowledge from the page, then show it again."""
    await run_write(store, acknowledge_alert, store, who, alert_id, note)
    return RedirectResponse(f"/clinic/alerts/{alert_id}", status_code=303)


@router.get("/api/clinic/alerts/{alert_id}", responses=ERRORS)
async def alert_json(alert_id: int, who: ClinicianDep, store: StoreDep) -> AlertOut:
    """One alert about one of your patients."""
    view = await run_in_threadpool(view_alert, store, who, alert_id)
    return AlertOut.of(view.alert)


@router.post("/api/clinic/alerts/{alert_id}/acknowledge", responses=ACK_ERRORS)
async def acknowledge_json(alert_id: int, body: AcknowledgeBody, who: ClinicianDep, store: StoreDep) -> AlertOut:
    """Acknowledge an alert about one of your patients, with an optional note; it stays in the history."""
    row = await run_write(store, acknowledge_alert, store, who, alert_id, body.note)
    return AlertOut.of(row)
