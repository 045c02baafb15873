"""Fixtures for the command-line tests: the real `sciatica-coach` app against a fresh test database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from typer.testing import CliRunner

from sciatica_coach.cli.main import app

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(database_url: str) -> Invoke:
    """Run `sciatica-coach ARGS…` in-process with DATABASE_URL pointing at the test database."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        environment = {"DATABASE_URL": database_url, "COLUMNS": "100", "SCIATICA_MODE": "local", **(env or {})}
        return CliRunner().invoke(app, list(args), input=input, env=environment)

    return run
