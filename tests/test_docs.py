"""Documentation is checked: every command, setting and module area is where the README and architecture say."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from sciatica_coach.cli.main import app
from sciatica_coach.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def _command_paths() -> list[str]:
    root = get_command(app)
    paths: list[str] = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            paths.extend(f"{name} {sub}" for sub in subcommands)
        else:
            paths.append(name)
    return paths


@pytest.mark.parametrize("command", _command_paths())
def test_every_command_is_in_the_readme_and_has_help(command: str) -> None:
    assert f"`sciatica-coach {command}" in README, f"README.md has no row for `sciatica-coach {command}`"
    result = CliRunner().invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(field: str) -> None:
    names = {"DATABASE_URL"} if field == "database_url" else {f"SCIATICA_{field.upper()}"}
    assert any(f"`{name}`" in README for name in names), f"README.md does not document the setting {field}"


def test_readme_opens_with_the_two_setup_commands() -> None:
    head = README[:400]
    assert "make run" in head and "make test" in head


@pytest.mark.parametrize(
    "package",
    sorted(
        p.name
        for p in (ROOT / "src" / "sciatica_coach").iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name != "__pycache__"
    ),
)
def test_every_package_is_on_the_architecture_page(package: str) -> None:
    assert f"/{package}/" in ARCHITECTURE or f"`{package}/" in ARCHITECTURE, (
        f"docs/ARCHITECTURE.md does not say what src/sciatica_coach/{package}/ holds"
    )
