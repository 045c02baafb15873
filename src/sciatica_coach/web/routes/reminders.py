"""Routes: the reminders page (session and check-in times, time zone, the calendar link) and its JSON API; the
calendar feed itself is in `routes/calendar.py` (it needs no sign-in)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from sciatica_coach.domain.reminders import (
    DEFAULT_CHECKIN_TIME,
    DEFAULT_SESSION_TIMES,
    DEFAULT_TIMEZONE,
    MAX_SESSION_TIMES,
    ReminderTimes,
    next_reminder,
    time_zones,
)
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.usecases.reminders import has_calendar_link, new_calendar_link, reminders_of, save_reminders
from sciatica_coach.web.deps import PatientId, ReadDep, StoreDep, TemplatesDep
from sciatica_coach.web.openapi import INVALID
from sciatica_coach.web.writes import run_write

router = APIRouter()
FIELD_MAX = 80  # a form field longer than this is refused before it is looked at
LABELS = {
    "session_times": "Session times",
    "checkin_time": "Morning check-in",
    "timezone": "Time zone",
    "reminders": "Calendar link",
}


class ReminderForm(BaseModel):
    """The reminders form: up to three session times (blank ones left out), the check-in time, the time zone."""

    model_config = ConfigDict(extra="ignore")

    session_time_1: str = Field(default="", max_length=FIELD_MAX)
    session_time_2: str = Field(default="", max_length=FIELD_MAX)
    session_time_3: str = Field(default="", max_length=FIELD_MAX)
    checkin_time: str = Field(default="", max_length=FIELD_MAX)
    timezone: str = Field(default="", max_length=FIELD_MAX)

    def session_times(self) -> list[str]:
        """The session times filled in, in form order."""
        given = (self.session_time_1, self.session_time_2, self.session_time_3)
        return [item.strip() for item in given if item.strip()]


def problems_of(exc: ValidationError) -> dict[str, str]:
    """Each invalid field of the schedule (`session_times`, `checkin_time`, `timezone`) with what is wrong."""
    problems: dict[str, str] = {}
    for err in exc.errors():
        where = str(err["loc"][0]) if err["loc"] else "request"
        message = str(err["msg"]).removeprefix("Value error, ")
        problems.setdefault(where, message)
    return problems


def parse_form(form: ReminderForm) -> ReminderTimes:
    """The schedule the form holds; Invalid naming each field that is wrong."""
    try:
        return ReminderTimes(
            session_times=tuple(form.session_times()),
            checkin_time=form.checkin_time.strip(),
            timezone=form.timezone.strip(),
        )
    except ValidationError as exc:
        raise Invalid(problems_of(exc)) from None


class NextReminder(BaseModel):
    """The next reminder: what it is for, and when (in the person's time zone)."""

    kind: Literal["session", "checkin"]
    at: datetime


class RemindersView(BaseModel):
    """The person's reminders: whether they chose any, the times and time zone, whether a calendar link works, and
    the next reminder."""

    chosen: bool
    session_times: list[str]
    checkin_time: str
    timezone: str
    calendar_link: bool
    next_reminder: NextReminder | None


class CalendarLink(BaseModel):
    """A new calendar link (shown once: only its hash is kept); the old one no longer works."""

    url: str


def view(db: Session, patient_id: int, now: datetime | None = None) -> RemindersView:
    """The person's reminders as the page and the JSON show them (defaults when none are chosen yet)."""
    times = reminders_of(db, patient_id)
    coming = next_reminder(times, now or datetime.now(UTC)) if times else None
    return RemindersView(
        chosen=times is not None,
        session_times=list(times.session_times if times else DEFAULT_SESSION_TIMES),
        checkin_time=times.checkin_time if times else DEFAULT_CHECKIN_TIME,
        timezone=times.timezone if times else DEFAULT_TIMEZONE,
        calendar_link=has_calendar_link(db, patient_id),
        next_reminder=NextReminder(kind=coming.kind, at=coming.at) if coming else None,
    )


def calendar_url(request: Request, token: str) -> str:
    """The feed's full address for `token`."""
    return str(request.url_for("calendar_feed", token=token))


def _page(
    request: Request,
    templates: Any,
    shown: RemindersView,
    *,
    form: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
    link: str = "",
    saved: bool = False,
    status: int = 200,
) -> HTMLResponse:
    times = list(shown.session_times) + [""] * (MAX_SESSION_TIMES - len(shown.session_times))
    values = form or {
        **{f"session_time_{n + 1}": value for n, value in enumerate(times)},
        "checkin_time": shown.checkin_time,
        "timezone": shown.timezone,
    }
    context = {
        "nav": "reminders",
        "shown": shown,
        "values": values,
        "problems": problems or {},
        "labels": LABELS,
        "zones": time_zones(),
        "link": link,
        "saved": saved,
        "slots": range(1, MAX_SESSION_TIMES + 1),
    }
    response: HTMLResponse = templates.TemplateResponse(request, "reminders.html", context, status_code=status)
    return response


@router.get("/reminders", response_class=HTMLResponse)
def reminders_page(
    request: Request, db: ReadDep, patient_id: PatientId, templates: TemplatesDep, saved: bool = False
) -> HTMLResponse:
    """Your reminder times, your time zone and your calendar link."""
    return _page(request, templates, view(db, patient_id), saved=saved)


@router.post("/reminders", response_model=None)
async def submit_reminders(
    request: Request,
    form: Annotated[ReminderForm, Form()],
    store: StoreDep,
    patient_id: PatientId,
    templates: TemplatesDep,
) -> Response:
    """Save your reminder times (422 naming the field that is wrong)."""
    try:
        times = parse_form(form)
        await run_write(store, save_reminders, store, patient_id, times)
    except Invalid as exc:
        with store.read() as db:
            shown = view(db, patient_id)
        return _page(request, templates, shown, form=form.model_dump(), problems=exc.problems, status=422)
    return RedirectResponse("/reminders?saved=true", status_code=303)


@router.post("/reminders/calendar-link", response_model=None)
async def make_calendar_link(
    request: Request, store: StoreDep, patient_id: PatientId, templates: TemplatesDep
) -> Response:
    """Make a new calendar link (the old one stops working); shown once on the page."""
    try:
        token = await run_write(store, new_calendar_link, store, patient_id)
    except Invalid as exc:
        with store.read() as db:
            shown = view(db, patient_id)
        return _page(request, templates, shown, problems=exc.problems, status=422)
    with store.read() as db:
        shown = view(db, patient_id)
    page = _page(request, templates, shown, link=calendar_url(request, token))
    page.headers["Cache-Control"] = "no-store"  # the page holds the secret link: never kept in a cache
    return page


@router.get("/api/reminders")
def api_reminders(db: ReadDep, patient_id: PatientId) -> RemindersView:
    """Your reminders as JSON (the defaults, with `chosen: false`, before you have saved any)."""
    return view(db, patient_id)


@router.put("/api/reminders", responses={422: INVALID})
def api_save_reminders(body: ReminderTimes, store: StoreDep, patient_id: PatientId) -> RemindersView:
    """Save your reminders: {"session_times": ["09:00", "18:00"], "checkin_time": "08:00", "timezone": "..."}."""
    save_reminders(store, patient_id, body)
    with store.read() as db:
        return view(db, patient_id)


@router.post("/api/reminders/calendar-link", responses={422: INVALID})
def api_calendar_link(request: Request, store: StoreDep, patient_id: PatientId) -> CalendarLink:
    """A new calendar link (the old one stops working); 422 (`reminders`) until reminder times are saved."""
    return CalendarLink(url=calendar_url(request, new_calendar_link(store, patient_id)))
