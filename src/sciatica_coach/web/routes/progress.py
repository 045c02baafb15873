"""Routes: the progress page (charts drawn on the server as SVG, each with a table) and its JSON."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.centralization import EFFECT_NAMES, Effect
from sciatica_coach.domain.progress import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS, Progress
from sciatica_coach.domain.symptoms import REACH_LABELS
from sciatica_coach.storage.progress import load_progress
from sciatica_coach.web import charts
from sciatica_coach.web.deps import CatalogDep, PatientId, ReadDep, TemplatesDep
from sciatica_coach.web.openapi import INVALID

router = APIRouter()
Days = Annotated[int, Query(ge=MIN_DAYS, le=MAX_DAYS, description="How many days to show")]


class Symptoms(BaseModel):
    """One quick symptom check: back and leg pain 0-10 and how far down each leg symptoms reach."""

    back: int
    leg: int
    left_reach: str
    right_reach: str


class MorningDay(BaseModel):
    """A morning check-in on a day."""

    day: date
    symptoms: Symptoms


class SbiDay(BaseModel):
    """A weekly SBI total on a day."""

    day: date
    total: int


class AdherenceDay(BaseModel):
    """Sessions planned, completed and stopped on a day."""

    day: date
    planned: int
    completed: int
    stopped: int


class TrendDay(BaseModel):
    """A morning compared with the previous one: centralizing, peripheralizing or unchanged, in words."""

    day: date
    previous_day: date
    effect: Effect
    words: str


class ExerciseEffect(BaseModel):
    """How one exercise has been affecting the symptoms: a count per effect and the latest one in words."""

    exercise_id: str
    name: str
    counts: dict[Effect, int]
    latest: str


class ProgressData(BaseModel):
    """Per-day pain, reach, SBI and adherence over the period, and the centralization trends and effects."""

    first_day: date
    last_day: date
    mornings: list[MorningDay]
    sbi: list[SbiDay]
    sbi_threshold: float
    adherence: list[AdherenceDay]
    trends: list[TrendDay]
    effects: list[ExerciseEffect]
    planned_per_day: int
    empty: bool


def _today() -> date:
    return datetime.now(UTC).date()


def progress_context(progress: Progress, days: int, catalog: Catalog) -> dict[str, Any]:
    """Everything the progress template needs."""
    return {
        "nav": "progress",
        "progress": progress,
        "days": days,
        "first_label": charts.day_label(progress.first_day),
        "last_label": charts.day_label(progress.last_day),
        "day_label": charts.day_label,
        "reach_labels": REACH_LABELS,
        "sbi": catalog.sbi,
        "trend_effects": {t.day: EFFECT_NAMES[t.classification.effect] for t in progress.trends},
        "charts": {
            "pain": charts.pain_chart(progress),
            "reach": charts.reach_chart(progress),
            "sbi": charts.sbi_chart(progress),
            "adherence": charts.adherence_chart(progress),
        },
    }


@router.get("/progress", response_class=HTMLResponse)
def progress_page(
    request: Request,
    db: ReadDep,
    patient_id: PatientId,
    catalog: CatalogDep,
    templates: TemplatesDep,
    days: Days = DEFAULT_DAYS,
) -> HTMLResponse:
    """Charts of pain, reach, SBI and sessions done, and whether symptoms are centralizing, in words."""
    progress = load_progress(db, patient_id, catalog.library, _today(), days, catalog.rules)
    return templates.TemplateResponse(request, "progress/index.html", progress_context(progress, days, catalog))


@router.get("/api/progress", responses={422: INVALID})
def progress_json(db: ReadDep, patient_id: PatientId, catalog: CatalogDep, days: Days = DEFAULT_DAYS) -> ProgressData:
    """The same data as JSON (dates as ISO strings)."""
    progress = load_progress(db, patient_id, catalog.library, _today(), days, catalog.rules)
    data = asdict(progress)
    data["trends"] = [
        {
            "day": t.day,
            "previous_day": t.previous_day,
            "effect": t.classification.effect,
            "words": t.classification.words,
        }
        for t in progress.trends
    ]
    data["effects"] = [
        {"exercise_id": e.exercise_id, "name": e.name, "counts": e.counts, "latest": e.latest.words}
        for e in progress.effects
    ]
    return ProgressData.model_validate(data)
