"""Clinic mode: the prescription editor of one of the clinician's own patients (exercises, variants, doses inside
the content's ranges, a note), and the decisions on what the rules did: keep or undo a change, accept or decline an
open offer for the patient, put a paused or stopped exercise back. Every save is a new version (see
`usecases/clinic.py`); another clinician's patient is 404."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.content.schema import Dosage
from sciatica_coach.domain.prescribing import NOTE_MAX_CHARS, EditItem, families, family_of
from sciatica_coach.domain.wording import span
from sciatica_coach.storage.plans import current_plan
from sciatica_coach.storage.prescriptions import change_of, decided, list_versions, recent_rule_changes
from sciatica_coach.usecases import clinic as use
from sciatica_coach.usecases.accounts import Account
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.web.auth import ClinicianDep
from sciatica_coach.web.deps import CatalogDep, ReadDep, StoreDep, TemplatesDep
from sciatica_coach.web.plan_words import change_view, item_words, plan_view
from sciatica_coach.web.session_summary import when
from sciatica_coach.web.writes import run_write

router = APIRouter()
DECISION_DAYS = 30  # the rules' changes of the last 30 days can be kept or undone here
DECISION_WORDS = {"clinician-keep": "kept", "clinician-undo": "undone"}


class ItemBody(BaseModel):
    """One exercise of the new prescription (an empty `exercise_id`: this exercise is left out)."""

    model_config = ConfigDict(extra="forbid")

    exercise_id: str = Field("", max_length=60)
    reps: int = Field(0, ge=0, le=100)
    hold_seconds: float = Field(0, ge=0, le=600)


class PrescriptionBody(BaseModel):
    """The editor's form: one row per exercise of the content (with its variants), and the note."""

    model_config = ConfigDict(extra="forbid")

    items: list[ItemBody] = Field(max_length=40)
    note: str = Field("", max_length=NOTE_MAX_CHARS * 2)


def parse_form(form: Mapping[str, Any]) -> PrescriptionBody:
    """`items.<n>.<field>` and `note` form fields as the body; Invalid naming each field that does not fit."""
    rows: dict[int, dict[str, Any]] = {}
    problems: dict[str, str] = {}
    for key, value in form.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit() and int(parts[1]) < 40:
            rows.setdefault(int(parts[1]), {})[parts[2]] = value
        elif key != "note":
            problems[key[:60]] = "not a field of this form"
    if problems:
        raise Invalid(problems)
    if not rows:
        raise Invalid({"items": "The form sends one row per exercise; none came."})
    data = {"items": [rows[n] for n in sorted(rows)], "note": form.get("note", "")}
    try:
        return PrescriptionBody.model_validate(data)
    except ValidationError as exc:
        found = {}
        for err in exc.errors():
            loc = list(err["loc"])
            if loc and loc[0] == "items" and len(loc) > 1:
                loc[1] = sorted(rows)[int(loc[1])] if int(loc[1]) < len(rows) else loc[1]
            found[".".join(str(p) for p in loc)] = str(err["msg"])
        raise Invalid(found) from None


def _allowed(dosage: Dosage) -> str:
    return f"{span(dosage.reps, 'rep')}, hold {span(dosage.hold_seconds, 'second')}"


def _rows(catalog: Catalog, db: Session, patient_id: int, posted: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    library = catalog.library
    plan = current_plan(db, patient_id, library)
    current = {family_of(library, item.exercise_id): item for item in plan.prescription.items}
    rows = []
    # The plan's exercises first, in the plan's order (the order the sessions follow), then the others.
    order = list(current)
    ordered = sorted(families(library), key=lambda f: order.index(f[0].id) if f[0].id in order else len(order))
    for index, (base, variants) in enumerate(ordered):
        item = current.get(base.id)
        where = f"items.{index}"
        chosen = item.exercise_id if item else ""
        reps: Any = item.reps if item else int(base.dosage.reps.min)
        hold: Any = item.hold_seconds if item else base.dosage.hold_seconds.max
        if posted is not None:
            chosen = str(posted.get(f"{where}.exercise_id", ""))
            reps = posted.get(f"{where}.reps", reps)
            hold = posted.get(f"{where}.hold_seconds", hold)
        rows.append(
            {
                "index": index,
                "name": base.name,
                "chosen": chosen,
                "reps": reps,
                "hold": f"{hold:g}" if isinstance(hold, float) else hold,
                "options": [
                    {"id": v.id, "name": v.name, "range": _allowed(v.dosage), "variant": v.variant_of is not None}
                    for v in variants
                ],
                "reps_min": int(min(v.dosage.reps.min for v in variants)),
                "reps_max": int(max(v.dosage.reps.max for v in variants)),
                "hold_min": min(v.dosage.hold_seconds.min for v in variants),
                "hold_max": max(v.dosage.hold_seconds.max for v in variants),
            }
        )
    return rows


def editor_context(
    db: Session, who: Account, patient_id: int, catalog: Catalog, posted: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The editor (NotFound when the patient is not this clinician's)."""
    name = use.own_patient(db, who, patient_id)
    library = catalog.library
    since = datetime.now(UTC) - timedelta(days=DECISION_DAYS)
    decisions = decided(db, patient_id, since)
    rule_changes = [
        {
            "id": row.id,
            "day": when(row.created_at),
            **change_view(change_of(row), library),
            "decision": DECISION_WORDS.get(decisions.get(row.id, ""), ""),
        }
        for row in recent_rule_changes(db, patient_id, since)
    ]
    versions = [
        {
            "version": row.version,
            "by": row.clinician_name,
            "at": when(row.created_at),
            "action": row.action,
            "note": row.note,
            "doses": [item_words(library, item) for item in row.prescription.get("items", [])],
        }
        for row in list_versions(db, patient_id)
    ]
    return {
        "nav": "clinic",
        "who": who,
        "patient_id": patient_id,
        "name": name,
        "rows": _rows(catalog, db, patient_id, posted),
        "plan": plan_view(current_plan(db, patient_id, library), library),
        "rule_changes": rule_changes,
        "versions": versions,
        "note": (posted or {}).get("note", ""),
        "note_max": NOTE_MAX_CHARS,
        "problems": {},
    }


def _editor(
    request: Request,
    store: Any,
    who: Account,
    patient_id: int,
    catalog: Catalog,
    templates: Any,
    posted: Mapping[str, Any] | None = None,
    problems: dict[str, str] | None = None,
) -> HTMLResponse:
    with store.read() as db:
        context = editor_context(db, who, patient_id, catalog, posted)
    context["problems"] = problems or {}
    response: HTMLResponse = templates.TemplateResponse(
        request, "clinic/prescription.html", context, status_code=422 if problems else 200
    )
    return response


@router.get("/clinic/patients/{patient_id}/prescription", response_class=HTMLResponse)
def editor(
    patient_id: int, request: Request, who: ClinicianDep, db: ReadDep, catalog: CatalogDep, templates: TemplatesDep
) -> HTMLResponse:
    """The patient's prescription to edit, its versions, and what the rules changed or offered lately."""
    response: HTMLResponse = templates.TemplateResponse(
        request, "clinic/prescription.html", editor_context(db, who, patient_id, catalog)
    )
    return response


@router.post("/clinic/patients/{patient_id}/prescription", response_model=None)
async def save(
    patient_id: int, request: Request, who: ClinicianDep, store: StoreDep, catalog: CatalogDep, templates: TemplatesDep
) -> Response:
    """Save a new version: the chosen exercises and variants at their doses, with the note the patient reads."""
    form = await request.form()
    posted = {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        body = parse_form(posted)
        items = [EditItem(i.exercise_id, i.reps, i.hold_seconds) for i in body.items]
        await run_write(store, use.save_prescription, store, catalog, who, patient_id, items, body.note)
    except Invalid as exc:
        return await run_in_threadpool(
            _editor, request, store, who, patient_id, catalog, templates, posted, exc.problems
        )
    return RedirectResponse(f"/clinic/patients/{patient_id}/prescription#versions", status_code=303)


@router.post("/clinic/patients/{patient_id}/changes/{change_id}", response_model=None)
async def decide(
    patient_id: int,
    change_id: int,
    who: ClinicianDep,
    store: StoreDep,
    catalog: CatalogDep,
    decision: Annotated[Literal["keep", "undo"], Form()],
    note: Annotated[str, Form(max_length=NOTE_MAX_CHARS * 2)] = "",
) -> Response:
    """Keep (approve) or undo (override) a change the rules made."""
    await run_write(store, use.decide_change, store, catalog, who, patient_id, change_id, decision == "keep", note)
    return RedirectResponse(f"/clinic/patients/{patient_id}/prescription#rule-changes", status_code=303)


@router.post("/clinic/patients/{patient_id}/offers/{rule_id}", response_model=None)
async def offer(
    patient_id: int,
    rule_id: str,
    who: ClinicianDep,
    store: StoreDep,
    catalog: CatalogDep,
    answer: Annotated[Literal["accept", "decline"], Form()],
    note: Annotated[str, Form(max_length=NOTE_MAX_CHARS * 2)] = "",
) -> Response:
    """Accept or decline an open offer of the rules for the patient."""
    await run_write(store, use.answer_offer, store, catalog, who, patient_id, rule_id[:80], answer == "accept", note)
    return RedirectResponse(f"/clinic/patients/{patient_id}/prescription#offers", status_code=303)


@router.post("/clinic/patients/{patient_id}/reviews/{exercise_id}", response_model=None)
async def resume(
    patient_id: int,
    exercise_id: str,
    who: ClinicianDep,
    store: StoreDep,
    catalog: CatalogDep,
    note: Annotated[str, Form(max_length=NOTE_MAX_CHARS * 2)] = "",
) -> Response:
    """Put an exercise paused or stopped for review back in the plan, at the dose it had."""
    await run_write(store, use.resume, store, catalog, who, patient_id, exercise_id[:60], note)
    return RedirectResponse(f"/clinic/patients/{patient_id}/prescription#reviews", status_code=303)
