"""Typed dependencies: who is asking, a read-only database session, the store for writes, content, templates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, NamedTuple

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.content import Library
from sciatica_coach.settings import Settings
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.patients import local_patient_id
from sciatica_coach.web.auth import NOT_YOURS, SignInRequired, signed_in


# The cheap dependencies are coroutines: each plain function would cost a trip to the thread pool per request.
async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


async def _library(request: Request) -> Library:
    catalog: Catalog = request.app.state.catalog
    return catalog.library


async def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


async def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _read(request: Request) -> Iterator[Session]:
    """A read-only unit of work for the page: never committed, so no read can save a row."""
    store: Store = request.app.state.store
    with store.read() as db:
        yield db


SettingsDep = Annotated[Settings, Depends(_settings)]
CatalogDep = Annotated[Catalog, Depends(_catalog)]
LibraryDep = Annotated[Library, Depends(_library)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_templates)]
StoreDep = Annotated[Store, Depends(_store)]
# "function" scope: the snapshot closes before the response is sent.
ReadDep = Annotated[Session, Depends(_read, scope="function")]


async def _patient_id(request: Request) -> int:
    """The person using the app: in clinic mode the signed-in patient (anonymous: sign in first; a clinician or an
    admin: 403); in personal mode the default local profile (created once, on first use). The account is asked for
    only in clinic mode (`signed_in`, once per request), not as a dependency of its own: this runs on every write."""
    settings: Settings = request.app.state.settings
    if settings.clinic:
        who = await signed_in(request)
        if who is None:
            raise SignInRequired
        if who.role != "patient" or who.patient_id is None:
            raise HTTPException(403, NOT_YOURS)
        return who.patient_id
    cached: int | None = getattr(request.app.state, "local_patient_id", None)
    if cached is None:
        cached = await run_in_threadpool(local_patient_id, request.app.state.store)
        request.app.state.local_patient_id = cached
    return cached


PatientId = Annotated[int, Depends(_patient_id)]


class WriteContext(NamedTuple):
    """What a hot write route needs: the store, the content and the person writing."""

    store: Store
    catalog: Catalog
    patient_id: int


async def write_context(request: Request) -> WriteContext:
    """`StoreDep`, `CatalogDep` and `PatientId` in one call, for the writes made most often (every morning, every
    step of a session): FastAPI's solving of each dependency costs about as much as a small query, per request.
    The same checks: in clinic mode the signed-in patient (asked for once per request), else the local profile."""
    return WriteContext(request.app.state.store, request.app.state.catalog, await _patient_id(request))


# Put on every patient router in clinic mode, so routes that read no patient data also need a patient signed in.
require_patient = Depends(_patient_id)
