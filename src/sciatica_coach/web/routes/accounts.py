"""Clinic mode: sign in, sign out, sign up through a clinician's invite, and the account page.

Sign-in attempts are rate limited in process memory (`domain.accounts.SignInLimiter`, one per app): after 5
failures for one account or 20 from one address within 15 minutes, further attempts get a 429 with Retry-After
before any password is checked.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sciatica_coach.domain.accounts import PASSWORD_MAX, PASSWORD_MIN, SignInLimiter, normalize_email
from sciatica_coach.usecases import accounts as use
from sciatica_coach.usecases.errors import Invalid, NotFound
from sciatica_coach.web.auth import CurrentAccount, SignedInDep, start_session
from sciatica_coach.web.deps import StoreDep, TemplatesDep

router = APIRouter()

WRONG = "That e-mail address and password do not match an account."
LIMITED = "Too many sign-in attempts; wait {minutes} minutes and try again."
HOME = {"patient": "/", "clinician": "/clinic", "admin": "/account"}
Text = Annotated[str, Form(max_length=1024)]


def _next(target: str | None, fallback: str) -> str:
    """Only a path on this site (never `//host` or a full URL) is followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def _limiter(request: Request) -> SignInLimiter:
    limiter: SignInLimiter = request.app.state.signin_limiter
    return limiter


def _page(
    templates: TemplatesDep, request: Request, name: str, context: dict[str, object], status: int = 200
) -> HTMLResponse:
    base = {"password_min": PASSWORD_MIN, "password_max": PASSWORD_MAX, "nav": "account"}
    response: HTMLResponse = templates.TemplateResponse(request, name, {**base, **context}, status_code=status)
    return response


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, templates: TemplatesDep, next: str | None = None) -> HTMLResponse:
    """The sign-in form."""
    return _page(templates, request, "accounts/signin.html", {"next": _next(next, ""), "email": ""})


@router.post("/signin", response_model=None)
async def signin(
    request: Request, store: StoreDep, templates: TemplatesDep, email: Text, password: Text, next: Text = ""
) -> Response:
    """Check the password (rate limited per account and per address); on success a fresh signed session."""
    limiter = _limiter(request)
    account_key = normalize_email(email)
    address = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(account_key, address, time.monotonic())
    context = {"next": _next(next, ""), "email": email[:254]}
    if wait is not None:
        response = _page(
            templates,
            request,
            "accounts/signin.html",
            {**context, "error": LIMITED.format(minutes=max(1, round(wait / 60)))},
            status=429,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    who = await run_in_threadpool(use.authenticate, store, email, password)
    if who is None:
        limiter.failed(account_key, address, time.monotonic())
        return _page(templates, request, "accounts/signin.html", {**context, "error": WRONG}, status=401)
    limiter.succeeded(account_key)
    start_session(request, who)
    return RedirectResponse(_next(next, HOME[who.role]), status_code=303)


@router.post("/signout")
def signout(request: Request) -> RedirectResponse:
    """Forget the session (the cookie is cleared)."""
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, who: CurrentAccount, templates: TemplatesDep, changed: bool = False) -> Response:
    """Who is signed in, the way out, and changing the password."""
    if who is None:
        return RedirectResponse("/signin?next=/account", status_code=303)
    return _page(templates, request, "accounts/account.html", {"who": who, "changed": changed})


@router.post("/account/password", response_model=None)
async def change_password(
    request: Request,
    who: SignedInDep,
    store: StoreDep,
    templates: TemplatesDep,
    current: Text,
    password: Text,
    confirm: Text,
) -> Response:
    """A new password (the current one checked first); this device stays signed in, every other one is signed out."""
    problems = {"confirm": "The two new passwords are not the same."} if password != confirm else {}
    if not problems:
        try:
            who = await run_in_threadpool(use.change_password, store, who.id, current, password)
        except NotFound as exc:
            raise HTTPException(404, exc.message) from None
        except Invalid as exc:
            problems = exc.problems
    if problems:
        return _page(templates, request, "accounts/account.html", {"who": who, "problems": problems}, status=422)
    start_session(request, who)
    return RedirectResponse("/account?changed=true", status_code=303)


@router.get("/invite/{token}", response_class=HTMLResponse)
def invite_form(token: str, request: Request, store: StoreDep, templates: TemplatesDep) -> HTMLResponse:
    """The sign-up form behind an invite link (404 when the link is expired, used or forged)."""
    try:
        name = use.check_invite(store, token[:128])
    except NotFound as exc:
        raise HTTPException(404, exc.message) from None
    return _page(templates, request, "accounts/invite.html", {"token": token, "name": name, "email": ""})


@router.post("/invite/{token}", response_model=None)
async def accept_invite(
    token: str,
    request: Request,
    store: StoreDep,
    templates: TemplatesDep,
    email: Text,
    password: Text,
    confirm: Text,
    name: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    """Create the patient's account from the invite and sign them in."""
    context = {"token": token, "name": name, "email": email[:254]}
    if password != confirm:
        problems = {"confirm": "The two passwords are not the same."}
        return _page(templates, request, "accounts/invite.html", {**context, "problems": problems}, status=422)
    try:
        who = await run_in_threadpool(use.accept_invite, store, token[:128], email, password, name)
    except NotFound as exc:
        raise HTTPException(404, exc.message) from None
    except Invalid as exc:
        return _page(templates, request, "accounts/invite.html", {**context, "problems": exc.problems}, status=422)
    start_session(request, who)
    return RedirectResponse("/screening", status_code=303)
