"""Documentation is checked: every command and setting is in the README, every package, module and content file on
the architecture page."""

from __future__ import annotations

import re
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


PACKAGE = ROOT / "src" / "sciatica_coach"


def _architecture_sections() -> dict[str, str]:
    """The architecture page's sections by the package they describe ('' for the top level, then the test section)."""
    sections: dict[str, str] = {}
    for part in re.split(r"^## ", ARCHITECTURE, flags=re.MULTILINE)[1:]:
        found = re.search(r"src/sciatica_coach/(\w*)/?`", part.splitlines()[0])
        sections[found.group(1) if found else part.splitlines()[0]] = part
    return sections


def _documented_files() -> list[str]:
    """Every module (but `__init__.py` and migration versions) and every content file, relative to the package."""
    modules = [
        p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" and "versions" not in p.relative_to(PACKAGE).parts
    ]
    content = list((PACKAGE / "content").rglob("*.yaml"))
    return sorted(p.relative_to(PACKAGE).as_posix() for p in [*modules, *content] if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _documented_files())
def test_every_module_and_content_file_is_on_the_architecture_page(path: str) -> None:
    parts = path.split("/")
    area = parts[0] if len(parts) > 1 else ""
    section = _architecture_sections().get(area)
    assert section is not None, f"docs/ARCHITECTURE.md has no section for src/sciatica_coach/{area}/"
    inner = parts[1:] if area else parts
    # The file's own name, or for one exercise file the `exercises/*.yaml` the content section gives for all of them.
    names = {inner[-1]}
    if path.endswith(".yaml") and len(inner) > 1:
        names.add(f"{inner[-2]}/*.yaml")
    assert any(name in section for name in names), (
        f"docs/ARCHITECTURE.md does not say what src/sciatica_coach/{path} holds (in its {area or 'top-level'} section)"
    )
