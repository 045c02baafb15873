"""The app factory: everything the web app needs comes from the injected settings."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from sciatica_coach.domain.accounts import SignInLimiter
from sciatica_coach.domain.catalog import Catalog, load_catalog
from sciatica_coach.domain.screening import safety_net
from sciatica_coach.settings import Settings
from sciatica_coach.storage.db import make_engine, make_session_factory
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.patients import local_patient_id
from sciatica_coach.web import access_log, auth, errors, openapi, security
from sciatica_coach.web.deps import require_patient
from sciatica_coach.web.routes import (
    accounts,
    alerts,
    calendar,
    camera,
    checkins,
    clinic,
    clinic_exports,
    clinic_patient,
    clinic_prescription,
    exports,
    history,
    messages,
    offline,
    pages,
    progress,
    reminders,
    safety,
    sessions,
)

HERE = Path(__file__).parent
log = logging.getLogger(__name__)


def create_app(settings: Settings, catalog: Catalog | None = None) -> FastAPI:
    """Build the app. Content is loaded, validated and cross-checked here, once (or injected); the database engine
    connects lazily on first use."""
    catalog = catalog or load_catalog()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The local profile exists before the first page is read, so reading a page never has to create it.
        # (Clinic mode has no local profile: every patient signs in.)
        try:
            if not settings.clinic:
                app.state.local_patient_id = await run_in_threadpool(local_patient_id, app.state.store)
        except SQLAlchemyError:
            log.warning("the database is not reachable at start-up; the local profile will be made on first use")
        yield
        engine.dispose()

    app = FastAPI(title="Sciatica Coach", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.store = Store(engine)
    app.state.session_factory = make_session_factory(engine)  # for scripts and tests that set data up directly
    app.state.catalog = catalog
    # Clinic mode: every page's nav shows the unread messages (one read-only count, `messages.nav_badge`).
    processors: list[Callable[[Request], dict[str, Any]]] = [messages.nav_badge] if settings.clinic else []
    templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=processors)
    templates.env.globals["settings"] = settings
    # The safety-net line on every page and at every stop, and the emergency numbers for the country setting (an
    # unknown country fails here, at start-up).
    templates.env.globals["safety_net"] = safety_net(catalog.red_flags, settings.country)
    templates.env.globals["emergency_numbers"] = catalog.red_flags.numbers_for(settings.country)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    errors.install(app)
    security.install(app, settings)
    openapi.install(app, catalog)
    auth.install(app, settings)
    # Clinic mode: every patient route needs a signed-in patient (anonymous users are sent to sign in); the camera
    # socket checks the cookie itself.
    patient_only = [require_patient] if settings.clinic else []
    # Routes are matched in the order included, each router in turn: the two that take the writes made during a
    # session and every morning (the player's saves, the check-ins) go first, so their requests match at once.
    for module in (sessions, checkins, pages, history, safety, progress, exports, reminders):
        app.include_router(module.router, dependencies=patient_only)
    app.include_router(camera.router)
    # The manifest, the service worker and the offline page: nothing personal, so no sign-in (an installed app opens
    # and a signed-out browser still gets its worker).
    app.include_router(offline.router)
    # The calendar feed: calendar apps cannot sign in, so its secret token is the key (no patient dependency).
    app.include_router(calendar.router)
    access_log.install()  # the calendar's and the invites' tokens never reach the access log
    if settings.clinic:
        app.state.signin_limiter = SignInLimiter()
        app.include_router(accounts.router)
        app.include_router(clinic.router)
        app.include_router(clinic_patient.router)
        app.include_router(clinic_exports.router)
        app.include_router(clinic_prescription.router)
        app.include_router(messages.router, dependencies=patient_only)
        app.include_router(alerts.router)
    return app
