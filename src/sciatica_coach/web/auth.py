"""Clinic mode in the web app: the signed session cookie, who is signed in, and the role each route needs.

The cookie is Starlette's `SessionMiddleware` (itsdangerous, signed with `Settings.secret_key`; HttpOnly,
SameSite=Lax, Secure when `cookie_secure`), holding only the account id and the password's stamp (a fingerprint that
changes with the password, so changing it signs out every other device). A cookie whose signature or stamp does not
match is ignored, so that request is anonymous. In personal mode (local) none of this is installed and `PatientId` stays
the local profile.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import HTTPConnection

from sciatica_coach.settings import Settings
from sciatica_coach.usecases.accounts import Account, account

SESSION_COOKIE = "sc_session"
SESSION_HOURS = 12
NOT_YOURS = "This page is for patients; you are signed in with a clinician or admin account."


class SignInRequired(Exception):
    """Nobody is signed in: browsers are sent to the sign-in page, the API answers 401."""


def install(app: FastAPI, settings: Settings) -> None:
    """The session cookie and the sign-in redirect, in clinic mode only."""
    if not settings.clinic:
        return
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=settings.cookie_secure,
    )

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        if request.method == "GET" and not request.url.path.startswith("/api/"):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/signin?next={quote(target, safe='/')}", status_code=303)
        return JSONResponse({"detail": "Sign in first."}, status_code=401)


def session_user_id(connection: HTTPConnection) -> int | None:
    """The account id in the (validly signed) session cookie, if any."""
    if "session" not in connection.scope:
        return None
    value = connection.session.get("uid")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def start_session(request: Request, who: Account) -> None:
    """A fresh session for `who` (anything in the old one is dropped)."""
    request.session.clear()
    request.session["uid"] = who.id
    request.session["stamp"] = who.stamp


_SIGNED_IN = "sciatica.signed_in"  # in the request's scope: the account found, asked for once per request


async def signed_in(connection: HTTPConnection) -> Account | None:
    """The signed-in account (None when anonymous, in personal mode, when the account no longer exists, or when its
    password changed since this cookie was given). Looked up once per request, however many ask."""
    if _SIGNED_IN in connection.scope:
        found: Account | None = connection.scope[_SIGNED_IN]
        return found
    who = None
    user_id = session_user_id(connection)
    if user_id is not None:
        who = await run_in_threadpool(account, connection.app.state.store, user_id)
        if who is not None and connection.session.get("stamp") != who.stamp:
            who = None
    connection.scope[_SIGNED_IN] = who
    return who


async def _current(request: Request) -> Account | None:
    return await signed_in(request)


CurrentAccount = Annotated[Account | None, Depends(_current)]


async def _signed_in_only(who: CurrentAccount) -> Account:
    if who is None:
        raise SignInRequired
    return who


SignedInDep = Annotated[Account, Depends(_signed_in_only)]


async def _clinician(who: SignedInDep) -> Account:
    if who.role != "clinician":
        raise HTTPException(403, "This page is for clinicians.")
    return who


ClinicianDep = Annotated[Account, Depends(_clinician)]
