"""The app factory: everything the web app needs comes from the injected settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from sciatica_coach.domain.content import load_library
from sciatica_coach.settings import Settings
from sciatica_coach.storage.db import make_engine, make_session_factory
from sciatica_coach.web import errors, security
from sciatica_coach.web.routes import camera, checkins, history, pages, progress, safety, sessions

HERE = Path(__file__).parent


def create_app(settings: Settings) -> FastAPI:
    """Build the app. The database engine is created lazily by SQLAlchemy on first use."""
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="Sciatica Coach", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.library = load_library()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["settings"] = settings
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    errors.install(app)
    security.install(app, settings)
    for module in (pages, sessions, history, safety, checkins, progress, camera):
        app.include_router(module.router)
    return app
