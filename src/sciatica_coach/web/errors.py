"""Error pages and JSON errors: a clear message, never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sciatica_coach.domain.adaptation import OfferError
from sciatica_coach.domain.checkins import CheckinError
from sciatica_coach.domain.engine.flow import FlowError
from sciatica_coach.domain.prescribing import PlanMovedOn
from sciatica_coach.usecases.errors import AlreadyDone, Gated, Invalid, MovedOn, NotFound

log = logging.getLogger(__name__)

DATABASE_DOWN_TITLE = "The database is not answering"
DATABASE_DOWN_MESSAGE = "The database is not answering right now; nothing you saved is lost, try again in a minute."


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith("/api/")


def _field_problems(exc: RequestValidationError) -> dict[str, str]:
    """Each invalid field (a dotted path, or `request`) with what is wrong with it; several problems are joined."""
    problems: dict[str, str] = {}
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")) or "request"
        message = str(err.get("msg", "invalid"))
        problems[where] = f"{problems[where]}; {message}" if where in problems else message
    return problems


def install(app: FastAPI) -> None:
    """Register handlers that answer 4xx with a helpful message."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return _problems(request, _field_problems(exc))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404, "Not found", exc.message)

    @app.exception_handler(MovedOn)
    async def _moved_on(request: Request, exc: MovedOn) -> Response:
        return error_response(request, 409, "This session moved on", exc.message)

    @app.exception_handler(AlreadyDone)
    async def _already_done(request: Request, exc: AlreadyDone) -> Response:
        return error_response(request, 409, "Done already", exc.message)

    @app.exception_handler(FlowError)
    async def _flow(request: Request, exc: FlowError) -> Response:
        if exc.status == 422:  # the step named is not one of this session's (or its answers do not fit it)
            return _problems(request, {"request": exc.message})
        return error_response(request, exc.status, "That step does not fit the session", exc.message)

    @app.exception_handler(OfferError)
    async def _offer(request: Request, exc: OfferError) -> Response:
        return error_response(
            request, 409, "No such offer", f"{str(exc).capitalize()}; it may have been answered already."
        )

    @app.exception_handler(PlanMovedOn)
    async def _plan_moved_on(request: Request, exc: PlanMovedOn) -> Response:
        return error_response(request, 409, "The plan has changed since", f"{str(exc).capitalize()}.")

    @app.exception_handler(Invalid)
    async def _invalid(request: Request, exc: Invalid) -> Response:
        return _problems(request, exc.problems)

    @app.exception_handler(CheckinError)
    async def _checkin(request: Request, exc: CheckinError) -> Response:
        return _problems(request, exc.problems)

    @app.exception_handler(Gated)
    async def _gated(request: Request, exc: Gated) -> Response:
        gate = exc.gate
        if gate.kind == "recheck" and _wants_html(request):  # Start asks the short re-screen straight away
            return RedirectResponse(gate.url, status_code=303)
        if _wants_html(request):
            templates = request.app.state.templates
            response: Response = templates.TemplateResponse(
                request, "session/gated.html", {"gate": gate}, status_code=423
            )
            return response
        return JSONResponse({"detail": gate.reason, "url": gate.url, "urgent": gate.urgent}, status_code=423)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if _wants_html(request):
            return _page(request, exc.status_code, "Something is not right", message)
        return JSONResponse({"detail": message}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        if not database_unreachable(exc):
            raise exc  # a bug, not an outage: the server's 500 (statement parameters are hidden by the engine)
        log.warning("database not answering on %s %s: %s", request.method, request.url.path, describe_outage(exc))
        return error_response(request, 503, DATABASE_DOWN_TITLE, DATABASE_DOWN_MESSAGE, headers={"Retry-After": "60"})


def database_unreachable(exc: DBAPIError) -> bool:
    """A lost or refused connection, a timeout or a locked database (OperationalError), not a bad statement."""
    return exc.connection_invalidated or isinstance(exc, OperationalError)


def describe_outage(exc: DBAPIError) -> str:
    """The driver's error class and first line: never the statement or its parameters."""
    first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
    return f"{type(exc.orig).__name__}: {first[:200]}"


def error_response(
    request: Request, status: int, title: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    """A small HTML page for browsers, JSON `{"detail": message}` for the API and everyone else."""
    if _wants_html(request):
        page = _page(request, status, title, message)
        if headers:
            page.headers.update(headers)
        return page
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


def _problems(request: Request, problems: dict[str, str]) -> Response:
    """422: `{"detail": every problem in words, "problems": {field: problem}}` (`web.openapi.ValidationProblem`)."""
    message = "; ".join(f"{name}: {text}" for name, text in problems.items())
    if _wants_html(request):
        return _page(request, 422, "That input was not valid", message)
    return JSONResponse({"detail": message, "problems": problems}, status_code=422)


def _page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    templates = request.app.state.templates
    response: HTMLResponse = templates.TemplateResponse(
        request, "error.html", {"title": title, "message": message, "status": status}, status_code=status
    )
    return response
