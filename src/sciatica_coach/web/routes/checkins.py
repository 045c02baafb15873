"""Routes: the morning check-in (with the short red-flag re-screen), the weekly SBI, and why the program changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Body, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from sciatica_coach.domain.adaptation import OfferError
from sciatica_coach.domain.centralization import classify_change
from sciatica_coach.domain.checkins import CheckinError, MorningCheck, load_checkin_content, parse_morning
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.instruments.sbi import SbiScore, load_sbi, score_sbi
from sciatica_coach.domain.screening import load_red_flags
from sciatica_coach.storage.checkins import checkin_symptoms, latest_checkin, save_morning_checkin, save_sbi
from sciatica_coach.storage.plans import Applied, apply_adaptation, current_plan, list_plan_changes, respond_to_offer
from sciatica_coach.storage.safety import exercise_gate, record_screening
from sciatica_coach.web.deps import CurrentPatient, LibraryDep, SessionDep, TemplatesDep
from sciatica_coach.web.plan_words import change_view, plan_view, stored_change_view
from sciatica_coach.web.routes.safety import answers_from_form, short_form_context

router = APIRouter()
MORNING_FIELDS = ("back_pain", "leg_pain", "left_reach", "right_reach", "numbness", "weakness")


def _trend(db: Session, patient_id: int, check: MorningCheck) -> dict[str, Any] | None:
    """This morning against the previous morning check, in words (None on the first one)."""
    previous = latest_checkin(db, patient_id, "morning")
    before = checkin_symptoms(previous) if previous is not None else None
    if before is None:
        return None
    result = classify_change(before, check.symptoms)
    return {"effect": result.effect, "words": result.words}


def _save_morning(db: Session, patient_id: int, check: MorningCheck, library: Library) -> tuple[Any, Applied]:
    trend = _trend(db, patient_id, check)
    save_morning_checkin(db, patient_id, check)
    return trend, apply_adaptation(db, patient_id, library)


def _outcome(applied: Applied, library: Library) -> dict[str, Any]:
    return {
        "changes": [change_view(c, library) for c in applied.changes],
        "holds": [change_view(c, library) for c in applied.holds],
    }


def _morning_page(
    request: Request,
    templates: Any,
    values: Mapping[str, Any],
    problems: Mapping[str, str],
    rf_answers: Mapping[str, bool],
    rf_missing: list[str],
) -> HTMLResponse:
    content = load_checkin_content()
    failed = bool(problems or rf_missing)
    context = {
        "nav": "checkin",
        "content": content,
        "form": content.forms["morning"],
        "questions": {q.field: q for q in content.form("morning")},
        "values": values,
        "problems": problems,
        "red_pending": any(rf_answers.values()),
        **short_form_context(rf_answers, rf_missing),
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, "checkins/morning.html", context, status_code=422 if failed else 200
    )
    return response


@router.get("/checkin", response_class=HTMLResponse)
def morning_form(request: Request, templates: TemplatesDep) -> HTMLResponse:
    """The morning check-in: back and leg pain, how far down each leg, numbness, weakness, and the safety questions."""
    return _morning_page(request, templates, {}, {}, {}, [])


@router.post("/checkin", response_model=None)
async def submit_morning(
    request: Request, db: SessionDep, patient: CurrentPatient, library: LibraryDep, templates: TemplatesDep
) -> Response:
    """Save the morning check-in. Any red flag wins: it is recorded first and the urgent page is shown."""
    form = await request.form()
    values = {name: str(form.get(name, "")) for name in MORNING_FIELDS}
    rf_answers = answers_from_form(form, "short")
    rf_missing = [item.id for item in load_red_flags().questions("short") if item.id not in rf_answers]
    check: MorningCheck | None = None
    problems: dict[str, str] = {}
    try:
        check = parse_morning(values)
    except CheckinError as exc:
        problems = exc.problems
    if any(rf_answers.values()) and not rf_missing:
        record_screening(db, patient.id, "short", rf_answers)
        if check is not None:
            _save_morning(db, patient.id, check, library)
        return RedirectResponse("/safety", status_code=303)
    if problems or rf_missing or check is None:
        return _morning_page(request, templates, values, problems, rf_answers, rf_missing)
    record_screening(db, patient.id, "short", rf_answers)
    trend, applied = _save_morning(db, patient.id, check, library)
    plan = current_plan(db, patient.id, library)
    context = {
        "nav": "checkin",
        "trend": trend,
        **_outcome(applied, library),
        "plan": plan_view(plan, library),
        "gate": exercise_gate(db, patient.id),
    }
    return templates.TemplateResponse(request, "checkins/saved.html", context)


@router.post("/api/checkins/morning", response_model=None, status_code=201)
def api_morning(
    db: SessionDep, patient: CurrentPatient, library: LibraryDep, payload: dict[str, Any] = Body(...)
) -> Response | dict[str, Any]:
    """The morning check-in as JSON: the six answers plus `red_flags` {question id: true/false}."""
    raw_flags = payload.get("red_flags")
    flags = raw_flags if isinstance(raw_flags, dict) else {}
    rf_answers = {str(k): v for k, v in flags.items() if isinstance(v, bool)}
    problems: dict[str, str] = {}
    questions = load_red_flags().questions("short")
    for item in questions:
        if item.id not in rf_answers:
            problems[f"red_flags.{item.id}"] = "answer true or false"
    check: MorningCheck | None = None
    try:
        check = parse_morning(payload)
    except CheckinError as exc:
        problems = {**exc.problems, **problems}
    red = any(rf_answers.values()) and not any(k.startswith("red_flags.") for k in problems)
    if red:
        result = record_screening(db, patient.id, "short", rf_answers)
        if check is not None:
            _save_morning(db, patient.id, check, library)
        gate = exercise_gate(db, patient.id)
        body = {"saved": check is not None, "red_flag": True, "emergency": result.emergency, "message": result.message}
        return JSONResponse({**body, "gate": asdict(gate) if gate else None}, status_code=201)
    if problems or check is None:
        return JSONResponse({"detail": _sentence(problems), "problems": problems}, status_code=422)
    record_screening(db, patient.id, "short", rf_answers)
    trend, applied = _save_morning(db, patient.id, check, library)
    return {
        "saved": True,
        "red_flag": False,
        "trend": trend,
        **_outcome(applied, library),
        "plan": plan_view(current_plan(db, patient.id, library), library),
    }


def _sentence(problems: Mapping[str, str]) -> str:
    return "; ".join(f"{name}: {message}" for name, message in problems.items())


def _sbi_page(
    request: Request, templates: Any, values: Mapping[str, str], problems: Mapping[str, str], db: Session, pid: int
) -> HTMLResponse:
    content = load_sbi()
    last = latest_checkin(db, pid, "sbi")
    context = {"nav": "checkin", "sbi": content, "values": values, "problems": problems, "last": last}
    response: HTMLResponse = templates.TemplateResponse(
        request, "checkins/sbi.html", context, status_code=422 if problems else 200
    )
    return response


@router.get("/checkin/sbi", response_class=HTMLResponse)
def sbi_form(request: Request, db: SessionDep, patient: CurrentPatient, templates: TemplatesDep) -> HTMLResponse:
    """The weekly Sciatica Bothersomeness Index: four symptoms, each 0 to 6."""
    return _sbi_page(request, templates, {}, {}, db, patient.id)


@router.post("/checkin/sbi", response_class=HTMLResponse)
async def submit_sbi(
    request: Request, db: SessionDep, patient: CurrentPatient, templates: TemplatesDep
) -> HTMLResponse:
    """Score and save the SBI; 422 with the answers kept when something is missing or out of range."""
    form = await request.form()
    values = {item.id: str(form.get(item.id, "")) for item in load_sbi().items}
    try:
        score = score_sbi(values)
    except CheckinError as exc:
        return _sbi_page(request, templates, values, exc.problems, db, patient.id)
    previous = latest_checkin(db, patient.id, "sbi")
    save_sbi(db, patient.id, score)
    context = {"nav": "checkin", "sbi": load_sbi(), "score": score, "previous": previous}
    return templates.TemplateResponse(request, "checkins/sbi_saved.html", context)


@router.post("/api/checkins/sbi", response_model=None, status_code=201)
def api_sbi(db: SessionDep, patient: CurrentPatient, payload: dict[str, Any] = Body(...)) -> Response | dict[str, Any]:
    """The SBI as JSON: {"answers": {item id: 0-6}}."""
    answers = payload.get("answers")
    if not isinstance(answers, dict):
        return JSONResponse({"detail": "answers: give an object of item id to 0-6"}, status_code=422)
    try:
        score: SbiScore = score_sbi(answers)
    except CheckinError as exc:
        return JSONResponse({"detail": str(exc), "problems": exc.problems}, status_code=422)
    save_sbi(db, patient.id, score)
    return {"total": score.total, "threshold": score.threshold, "meets_threshold": score.meets_threshold}


def _plan_context(db: Session, patient_id: int, library: Library) -> dict[str, Any]:
    plan = current_plan(db, patient_id, library)
    return {
        "plan": plan_view(plan, library),
        "changes": [stored_change_view(row, library) for row in list_plan_changes(db, patient_id)],
    }


@router.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request, db: SessionDep, patient: CurrentPatient, library: LibraryDep, templates: TemplatesDep
) -> HTMLResponse:
    """Your program now, open offers, and every change the rules made with its reason."""
    context = {"nav": "checkin", **_plan_context(db, patient.id, library)}
    return templates.TemplateResponse(request, "checkins/plan.html", context)


@router.get("/api/plan")
def api_plan(db: SessionDep, patient: CurrentPatient, library: LibraryDep) -> dict[str, Any]:
    """The current plan and its change history, newest first."""
    return _plan_context(db, patient.id, library)


@router.post("/plan/offers/{rule_id}", response_model=None)
async def answer_offer(
    rule_id: str, request: Request, db: SessionDep, patient: CurrentPatient, library: LibraryDep
) -> Response:
    """Accept or decline an offer (form field `answer` = accept or decline)."""
    answer = str((await request.form()).get("answer", ""))
    if answer not in ("accept", "decline"):
        raise HTTPException(422, "Choose accept or decline.")
    try:
        respond_to_offer(db, patient.id, library, rule_id, accept=answer == "accept")
    except OfferError as exc:
        raise HTTPException(409, f"{str(exc).capitalize()}; it may have been answered already.") from None
    return RedirectResponse("/plan#changes", status_code=303)
