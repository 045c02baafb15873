"""Shared helpers for CLI commands: settings, database access, clean errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.domain.content import ContentError, Library, load_library
from sciatica_coach.settings import Settings
from sciatica_coach.storage.db import make_engine, make_session_factory
from sciatica_coach.storage.migrate import upgrade

console = Console()
err_console = Console(stderr=True)


def load_settings() -> Settings:
    """Build settings from the environment, or exit with a readable message."""
    try:
        return Settings()
    except ValueError as exc:
        fail(f"invalid settings: {exc}")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error without a traceback and exit. The message is plain text: brackets such as `[video]` are shown,
    never read as rich markup."""
    err_console.print(f"[bold red]Error:[/] {escape(message)}")
    raise typer.Exit(code)


def load_content() -> Library:
    """The packaged program content, or exit naming the broken file and field."""
    try:
        return load_library()
    except ContentError as exc:
        fail(f"the program content is broken: {exc}")


@contextmanager
def open_database(settings: Settings, *, migrate: bool = False) -> Iterator[sessionmaker[Session]]:
    """A session factory for the configured database; database errors exit cleanly and the engine is disposed."""
    engine = make_engine(settings.database_url)
    try:
        if migrate:
            upgrade(settings.database_url)
        yield make_session_factory(engine)
    except SQLAlchemyError as exc:
        hint = "" if migrate else "; run `sciatica-coach db upgrade` first"
        fail(f"could not use the database ({exc.__class__.__name__}){hint}; what was already saved is kept")
    finally:
        engine.dispose()
