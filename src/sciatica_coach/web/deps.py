"""Typed dependencies: who is asking, their database session, the content library, templates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.domain.content import Library
from sciatica_coach.settings import Settings
from sciatica_coach.storage.models import Patient
from sciatica_coach.storage.patients import default_patient


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _library(request: Request) -> Library:
    library: Library = request.app.state.library
    return library


def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def _db(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


SettingsDep = Annotated[Settings, Depends(_settings)]
LibraryDep = Annotated[Library, Depends(_library)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_templates)]
# "function" scope: the unit of work commits before the response is sent, so a redirect never outruns its data.
SessionDep = Annotated[Session, Depends(_db, scope="function")]


def _current_patient(db: SessionDep) -> Patient:
    """The person using the app. Until accounts exist, the default local profile (created on first use)."""
    return default_patient(db)


CurrentPatient = Annotated[Patient, Depends(_current_patient)]
