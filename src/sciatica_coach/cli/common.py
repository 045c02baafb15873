"""Shared helpers for CLI commands: settings, database access, clean errors."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from sciatica_coach.settings import Settings

console = Console()
err_console = Console(stderr=True)


def load_settings() -> Settings:
    """Build settings from the environment, or exit with a readable message."""
    try:
        return Settings()
    except ValueError as exc:
        fail(f"invalid settings: {exc}")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error without a traceback and exit."""
    err_console.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(code)
