"""Route: the calendar feed at its secret address. Calendar apps cannot sign in, so the token is the only key: a
wrong or old one is a plain 404 that says nothing about whose it might be. The feed holds no health details."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sciatica_coach.usecases.reminders import calendar_feed as feed_for
from sciatica_coach.web.calendar_feed import calendar_ics
from sciatica_coach.web.deps import StoreDep

router = APIRouter()
ICS_TYPE = "text/calendar; charset=utf-8"


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
