"""Route: the calendar feed at its secret address. Calendar apps cannot sign in, so the token is the only key: a
wrong or old one is a plain 404 that says nothing about whose it might be. The feed holds no health details."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sciatica_coach.usecases.reminders import calendar_feed as feed_for
from sciatica_coach.web.calendar_feed import calendar_ics
from sciatica_coach.web.deps import StoreDep

router = APIRouter()
ICS_TYPE = "text/calendar; charset=utf-8"
SECRET_PATH = re.compile(r"/calendar/[^/?\s]*\.ics")
HIDDEN_PATH = "/calendar/(token hidden).ics"


class HideCalendarTokens(logging.Filter):
    """Keeps the feed's secret token out of the server's access log (uvicorn logs every request's path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                SECRET_PATH.sub(HIDDEN_PATH, arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def hide_tokens_in_access_log() -> None:
    """Install `HideCalendarTokens` on uvicorn's access log, once however many apps are built."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, HideCalendarTokens) for existing in access.filters):
        access.addFilter(HideCalendarTokens())


@router.get(
    "/calendar/{token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "The reminders as iCalendar"}},
    name="calendar_feed",
)
async def calendar_feed(token: str, request: Request, store: StoreDep) -> Response:
    """Your reminders as an iCalendar feed (daily session and check-in events, no health details)."""
    feed = await run_in_threadpool(feed_for, store, token)
    body = calendar_ics(feed, str(request.base_url), datetime.now(UTC))
    # Not cached by shared caches, and the address itself is not sent on as a referrer.
    headers = {"Cache-Control": "private, no-cache", "Referrer-Policy": "no-referrer"}
    return Response(body, media_type=ICS_TYPE, headers=headers)
