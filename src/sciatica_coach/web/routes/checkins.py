"""Routes: the morning check-in (with the short red-flag re-screen), the weekly SBI, and why the program changed.

Thin adapters over `usecases.checkins`; the HTML form and the JSON API validate through the same schemas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictBool
from sqlalchemy.orm import Session

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.checkins import MORNING_FIELDS, CheckinError
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.screening import NERVE_SIGNS, nerve_signs_of
from sciatica_coach.domain.symptoms import REACH_LEVELS
from sciatica_coach.domain.wording import ADVICE_WORDS
from sciatica_coach.storage.checkins import latest_checkin
from sciatica_coach.storage.plans import Applied, current_plan, current_prescription, list_plan_changes
from sciatica_coach.storage.safety import cautioned, recheck_due
from sciatica_coach.usecases import checkins as use
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.web.deps import CatalogDep, PatientId, ReadDep, StoreDep, TemplatesDep, write_context
from sciatica_coach.web.openapi import INVALID, ValidationProblem, problem
from sciatica_coach.web.plan_words import change_view, plan_view, stored_change_view
from sciatica_coach.web.routes.safety import answers_from_form, raw_answers, short_form_context
from sciatica_coach.web.writes import run_write

router = APIRouter()
RedFlagId = Annotated[str, Field(min_length=1, max_length=60)]
PAIN_SCHEMA: dict[str, JsonValue] = {"type": "integer", "minimum": 0, "maximum": 10}
REACH_SCHEMA: dict[str, JsonValue] = {"type": "string", "enum": list(REACH_LEVELS)}


class MorningBody(BaseModel):
    """The morning check-in as JSON: the six answers plus `red_flags` {question id: true/false}: the short re-screen
    when it is due (last screening more than 24 hours ago) and the questions a nerve sign opens (`numbness` or
    `weakness` true, or both legs affected). Pain scores are whole numbers 0-10, reach one of the levels; unknown
    keys are refused. Validated by the use case so that a red flag still wins when another answer has a problem."""

    model_config = ConfigDict(
        extra="allow", json_schema_extra={"additionalProperties": False, "required": [*MORNING_FIELDS, "red_flags"]}
    )

    back_pain: JsonValue = Field(default=None, json_schema_extra=PAIN_SCHEMA)
    leg_pain: JsonValue = Field(default=None, json_schema_extra=PAIN_SCHEMA)
    left_reach: JsonValue = Field(default=None, json_schema_extra=REACH_SCHEMA)
    right_reach: JsonValue = Field(default=None, json_schema_extra=REACH_SCHEMA)
    numbness: JsonValue = Field(default=None, json_schema_extra={"type": "boolean"})
    weakness: JsonValue = Field(default=None, json_schema_extra={"type": "boolean"})
    red_flags: dict[RedFlagId, StrictBool] = Field(default_factory=dict, max_length=50)


class SbiBody(BaseModel):
    """The SBI as JSON: {"answers": {item id: 0-6}}."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[Annotated[str, Field(max_length=60)], JsonValue] = Field(max_length=20)


class OfferForm(BaseModel):
    """Accept or decline an offer."""

    answer: Literal["accept", "decline"]


class PlanItem(BaseModel):
    """One exercise of the plan with its dose, also in words."""

    exercise_id: str
    name: str
    reps: int
    hold_seconds: float
    sides: list[str]
    dose: str
    range_note: str | None = Field(None, description="A smaller range to keep to, set by the rules after spreading")


class PlanOffer(BaseModel):
    """A change the person may accept or decline at `POST /plan/offers/{rule_id}`."""

    model_config = ConfigDict(populate_by_name=True)

    rule_id: str
    from_: str = Field(alias="from")
    to: str
    reason: str


class PlanReview(BaseModel):
    """An exercise taken out of the plan until a clinician has looked at it."""

    exercise_id: str
    name: str
    reason: str
    at: str


class PlanView(BaseModel):
    """The current plan: items with doses, open offers and exercises paused for review."""

    items: list[PlanItem]
    offers: list[PlanOffer]
    reviews: list[PlanReview]


class ChangeView(BaseModel):
    """A change (or hold) the rules made, in words: before and after are doses in words, `at` an ISO time."""

    rule_id: str
    rule_version: int | None
    exercise_id: str | None
    name: str
    action: str
    what: str
    before: str
    after: str
    reason: str
    at: str


class StoredChangeView(ChangeView):
    """A saved change, with its day in words (and, for a clinician's change, their name and note)."""

    day: str
    by: str | None = Field(None, description="The clinician who made this change (clinic mode)")
    note: str | None = Field(None, description="The clinician's note, when they wrote one")


class PlanAndChanges(BaseModel):
    """The current plan and every change the rules made, newest first."""

    plan: PlanView
    changes: list[StoredChangeView]


class Trend(BaseModel):
    """This morning compared with the previous morning check-in."""

    effect: str
    words: str


class AdviceView(BaseModel):
    """What to do today: the level (continue, ease-off, contact-clinician, urgent, emergency) and why, in words."""

    level: Literal["continue", "ease-off", "contact-clinician", "urgent", "emergency"]
    text: str


class MorningSaved(BaseModel):
    """The check-in was saved: the trend, what the rules changed or held, the plan now, and today's advice."""

    saved: Literal[True]
    red_flag: Literal[False]
    trend: Trend | None
    changes: list[ChangeView]
    holds: list[ChangeView]
    plan: PlanView
    advice: AdviceView
    corrected: bool = Field(
        False, description="Today's morning check-in was saved already: this one replaced it (one a day)"
    )


class GateView(BaseModel):
    """Exercise is blocked: why, where to go about it, and whether it is urgent."""

    reason: str
    url: str
    urgent: bool


class MorningRedFlag(BaseModel):
    """A warning sign was answered "yes": it is recorded (and exercise locked); the message says what to do."""

    saved: bool
    red_flag: Literal[True]
    emergency: bool
    message: str
    gate: GateView | None
    advice: AdviceView


class SbiScore(BaseModel):
    """The SBI total (0-24) and whether it meets the threshold."""

    total: int
    threshold: float
    meets_threshold: bool


def _outcome(applied: Applied, library: Library) -> dict[str, Any]:
    return {
        "changes": [change_view(c, library) for c in applied.changes],
        "holds": [change_view(c, library) for c in applied.holds],
    }


def _trend(outcome: use.MorningOutcome) -> dict[str, Any] | None:
    trend = outcome.trend
    return {"effect": trend.effect, "words": trend.words} if trend is not None else None


def _morning_page(
    request: Request,
    templates: Any,
    catalog: Catalog,
    values: Mapping[str, Any],
    problems: Mapping[str, str],
    rf_answers: Mapping[str, bool],
    rf_missing: list[str],
    due: bool,
    signs: tuple[str, ...] = (),
    *,
    saved_at: datetime | None = None,
) -> HTMLResponse:
    content = catalog.checkins
    failed = bool(problems or rf_missing)
    red_flags = catalog.red_flags
    context = {
        # The short re-screen when due; otherwise only the questions a nerve sign opens, shown as soon as one is
        # ticked (CSS) and after a post that still needs them.
        "rf_due": due,
        "saved_at": saved_at,  # today's check-in is saved: the form shows its answers to correct
        "nerve_items": red_flags.opened_questions(NERVE_SIGNS),
        "nerve_open": bool(rf_missing) and not due,
        "nerve_texts": red_flags.nerve_signs,
        "nerve_signs_given": signs,
        "nav": "checkin",
        "content": content,
        "form": content.forms["morning"],
        "questions": {q.field: q for q in content.form("morning")},
        "values": values,
        "problems": problems,
        "red_pending": any(rf_answers.values()),
        **short_form_context(red_flags, rf_answers, rf_missing),
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, "checkins/morning.html", context, status_code=422 if failed else 200
    )
    return response


@router.get("/checkin", response_class=HTMLResponse)
def morning_form(
    request: Request,
    db: ReadDep,
    patient_id: PatientId,
    catalog: CatalogDep,
    templates: TemplatesDep,
    store: StoreDep,
) -> HTMLResponse:
    """The morning check-in: back and leg pain, how far down each leg, numbness, weakness, and the safety questions
    (the short re-screen when due; the questions new numbness, weakness or symptoms in both legs open). One a day:
    after today's is saved, the form shows its answers to correct."""
    today = use.morning_today(store, catalog, patient_id)
    values: dict[str, str] = {}
    if today is not None:
        check = today.today.check
        values = {
            "back_pain": str(check.symptoms.back),
            "leg_pain": str(check.symptoms.leg),
            "left_reach": check.symptoms.left_reach,
            "right_reach": check.symptoms.right_reach,
            "numbness": "yes" if check.numbness else "no",
            "weakness": "yes" if check.weakness else "no",
        }
    saved_at = today.today.at.astimezone() if today is not None else None
    due = recheck_due(db, patient_id)
    return _morning_page(request, templates, catalog, values, {}, {}, [], due, saved_at=saved_at)


@router.get("/checkin/today", response_class=HTMLResponse, response_model=None)
def morning_result(
    request: Request, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep, store: StoreDep
) -> Response:
    """Today's morning check-in, what changed since the last one and what the rules made of it (where the form
    goes after saving, so a reload never saves it again)."""
    today = use.morning_today(store, catalog, patient_id)
    if today is None:
        return RedirectResponse("/checkin", status_code=303)
    context = {
        "nav": "checkin",
        "trend": {"effect": today.trend.effect, "words": today.trend.words} if today.trend else None,
        "changes": [stored_change_view(row, catalog.library) for row in today.changes],
        "holds": [],
        "plan": plan_view(today.plan, catalog.library),
        "gate": today.gate,
        "advice": today.advice.to_dict(),
        "advice_words": ADVICE_WORDS,
        "saved_at": today.today.at.astimezone(),
    }
    return templates.TemplateResponse(request, "checkins/saved.html", context)


@router.post("/checkin", response_model=None)
async def submit_morning(
    request: Request, store: StoreDep, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep
) -> Response:
    """Save the morning check-in. Any red flag wins: it is recorded first and the urgent page is shown."""
    form = await request.form()
    values: dict[str, object] = {name: str(form.get(name, "")) for name in MORNING_FIELDS}
    try:
        outcome = await run_write(store, use.morning_checkin, store, catalog, patient_id, values, raw_answers(form))
    except Invalid as exc:
        problems = {k: v for k, v in exc.problems.items() if not k.startswith("red_flags.")}
        missing = [k.removeprefix("red_flags.") for k in exc.problems if k.startswith("red_flags.")]
        rf_answers = answers_from_form(form, "short", catalog.red_flags)
        with store.read() as db:
            due = recheck_due(db, patient_id)
        given = nerve_signs_of(
            values["numbness"] == "yes",
            values["weakness"] == "yes",
            str(values["left_reach"]),
            str(values["right_reach"]),
        )
        return _morning_page(request, templates, catalog, values, problems, rf_answers, missing, due, given)
    if outcome.screening.red_flag:
        return RedirectResponse("/safety", status_code=303)
    return RedirectResponse("/checkin/today", status_code=303)  # post, then redirect: a reload saves nothing


@router.post(
    "/api/checkins/morning",
    status_code=201,
    responses={
        422: problem(
            "Answers missing or out of range; `problems` names each field. Warning-sign questions still to answer "
            "are named `red_flags.<id>`: the short re-screen when it is due (the last screening is more than 24 "
            "hours old) and, always, the questions opened by `numbness` or `weakness` true or symptoms in both legs "
            "(`left_reach` and `right_reach` both not `none`); nothing is saved until they are answered, unless one "
            "is answered true",
            ValidationProblem,
        )
    },
)
async def api_morning(body: MorningBody, request: Request) -> MorningSaved | MorningRedFlag:
    """The morning check-in as JSON: the six answers plus `red_flags` {question id: true/false}. A nerve sign
    (`numbness` or `weakness` true, or both legs affected) opens warning-sign questions: answer them in `red_flags`
    or the 422 names each one still to answer.

    A coroutine that runs the use case through `run_write` (inline on SQLite when the write lock is free, else in
    the thread pool): a plain function would cost two trips to the pool (FastAPI also validates a sync endpoint's
    answer there), on the hottest write of the app. Its store, content and person come from one call
    (`write_context`), not three dependencies.
    """
    store, catalog, patient_id = await write_context(request)
    answers: dict[str, object] = {name: getattr(body, name) for name in MORNING_FIELDS}
    extra = sorted(body.model_extra or {})
    if extra:
        raise Invalid({name: "not a question of the morning check-in" for name in extra})
    outcome = await run_write(
        store, use.morning_checkin, store, catalog, patient_id, answers, body.red_flags, strict=True, with_gate=False
    )
    if outcome.screening.red_flag:
        result = outcome.screening
        gate = GateView(**asdict(outcome.gate)) if outcome.gate else None
        return MorningRedFlag(
            saved=outcome.saved,
            red_flag=True,
            emergency=result.emergency,
            message=result.message,
            gate=gate,
            advice=AdviceView(**outcome.advice.to_dict()),
        )
    return MorningSaved.model_validate(
        {
            "saved": True,
            "red_flag": False,
            "corrected": outcome.corrected,
            "trend": _trend(outcome),
            **_outcome(outcome.applied, catalog.library),
            "plan": plan_view(outcome.plan, catalog.library),
            "advice": outcome.advice.to_dict(),
        }
    )


def _sbi_page(
    request: Request,
    templates: Any,
    catalog: Catalog,
    values: Mapping[str, str],
    problems: Mapping[str, str],
    db: Session,
    pid: int,
) -> HTMLResponse:
    last = latest_checkin(db, pid, "sbi")
    context = {"nav": "checkin", "sbi": catalog.sbi, "values": values, "problems": problems, "last": last}
    response: HTMLResponse = templates.TemplateResponse(
        request, "checkins/sbi.html", context, status_code=422 if problems else 200
    )
    return response


@router.get("/checkin/sbi", response_class=HTMLResponse)
def sbi_form(
    request: Request, db: ReadDep, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep
) -> HTMLResponse:
    """The weekly Sciatica Bothersomeness Index: four symptoms, each 0 to 6."""
    return _sbi_page(request, templates, catalog, {}, {}, db, patient_id)


@router.post("/checkin/sbi", response_class=HTMLResponse)
async def submit_sbi(
    request: Request, store: StoreDep, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep
) -> HTMLResponse:
    """Score and save the SBI; 422 with the answers kept when something is missing or out of range."""
    form = await request.form()
    values = {item.id: str(form.get(item.id, "")) for item in catalog.sbi.items}
    try:
        outcome = await run_write(store, use.weekly_sbi, store, catalog, patient_id, values)
    except CheckinError as exc:
        with store.read() as db:
            return _sbi_page(request, templates, catalog, values, exc.problems, db, patient_id)
    context = {"nav": "checkin", "sbi": catalog.sbi, "score": outcome.score, "previous": outcome.previous_total}
    return templates.TemplateResponse(request, "checkins/sbi_saved.html", context)


@router.post(
    "/api/checkins/sbi",
    status_code=201,
    responses={422: problem("Answers missing or out of range; `problems` names each item", ValidationProblem)},
)
def api_sbi(body: SbiBody, store: StoreDep, patient_id: PatientId, catalog: CatalogDep) -> SbiScore:
    """The SBI as JSON: {"answers": {item id: 0-6}}."""
    score = use.weekly_sbi(store, catalog, patient_id, body.answers).score
    return SbiScore(total=score.total, threshold=score.threshold, meets_threshold=score.meets_threshold)


def _plan_context(db: Session, patient_id: int, library: Library) -> dict[str, Any]:
    plan = current_plan(db, patient_id, library)
    return {
        "plan": plan_view(plan, library),
        "changes": [stored_change_view(row, library) for row in list_plan_changes(db, patient_id)],
    }


@router.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request, db: ReadDep, patient_id: PatientId, catalog: CatalogDep, templates: TemplatesDep
) -> HTMLResponse:
    """Your program now, open offers, and every change the rules made with its reason."""
    library = catalog.library
    _, caution_notes = cautioned(db, patient_id, current_prescription(db, patient_id, library), library)
    context = {"nav": "checkin", **_plan_context(db, patient_id, library), "caution_notes": caution_notes}
    return templates.TemplateResponse(request, "checkins/plan.html", context)


@router.get("/api/plan")
def api_plan(db: ReadDep, patient_id: PatientId, catalog: CatalogDep) -> PlanAndChanges:
    """The current plan and its change history, newest first."""
    return PlanAndChanges.model_validate(_plan_context(db, patient_id, catalog.library))


@router.post(
    "/plan/offers/{rule_id}",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        303: {"description": "Back to the plan", "headers": {"Location": {"schema": {"type": "string"}}}},
        409: problem("No such open offer (it may have been answered already)"),
        422: INVALID,
    },
)
def answer_offer(
    rule_id: str, form: Annotated[OfferForm, Form()], store: StoreDep, patient_id: PatientId, catalog: CatalogDep
) -> Response:
    """Accept or decline an offer (form field `answer` = accept or decline)."""
    use.answer_offer(store, catalog, patient_id, rule_id[:80], accept=form.answer == "accept")
    return RedirectResponse("/plan#changes", status_code=303)
