"""Shared helpers for CLI commands: settings, database access, clean errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from sciatica_coach.domain.catalog import Catalog, load_catalog
from sciatica_coach.domain.content import ContentError
from sciatica_coach.settings import Settings
from sciatica_coach.storage.db import make_engine
from sciatica_coach.storage.migrate import upgrade
from sciatica_coach.storage.unit_of_work import Store

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


def load_content() -> Catalog:
    """Every content file, loaded, validated and cross-checked once; or exit naming the broken file and field."""
    try:
        return load_catalog()
    except ContentError as exc:
        fail(f"the program content is broken: {exc}")


@contextmanager
def open_store(settings: Settings, *, migrate: bool = False) -> Iterator[Store]:
    """The store for the configured database (migrated first with `migrate`); database errors exit cleanly, what
    was already saved is kept, and the engine is disposed."""
    engine = make_engine(settings.database_url)
    try:
        if migrate:
            upgrade(settings.database_url)
        yield Store(engine)
    except SQLAlchemyError as exc:
        hint = "" if migrate else "; run `sciatica-coach db upgrade` first"
        fail(f"could not use the database ({exc.__class__.__name__}){hint}; what was already saved is kept")
    finally:
        engine.dispose()
