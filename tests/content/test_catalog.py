"""All content is loaded, validated and cross-checked once, then injected; nothing caches it at module level."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sciatica_coach.domain.catalog import load_catalog
from sciatica_coach.domain.content import ContentError
from sciatica_coach.domain.content.loader import default_content_dir
from sciatica_coach.settings import Settings
from sciatica_coach.web.app import create_app

SRC = Path(__file__).parents[2] / "src" / "sciatica_coach"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(default_content_dir(), folder)
    return folder


def test_rules_naming_an_unknown_exercise_are_refused_with_file_and_field(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    rules = folder / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(re.sub(r"exercise: nerve-glide\b", "exercise: hamstring-stretch", text, count=1), "utf-8")
    with pytest.raises(ContentError, match=r"rules\.yaml: field 'rules\.\d+\.exercise': unknown exercise"):
        load_catalog(folder)


def test_a_broken_red_flags_file_stops_the_app_from_being_built(tmp_path: Path, database_url: str) -> None:
    folder = _copy(tmp_path)
    (folder / "red_flags.yaml").write_text("id: red-flags\nversion: one\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"red_flags\.yaml"):
        create_app(Settings(database_url=database_url), load_catalog(folder))


def test_the_app_shows_the_catalog_it_was_given(settings: Settings) -> None:
    catalog = load_catalog()
    program = catalog.library.program.model_copy(update={"disclaimer": "An injected disclaimer for this test."})
    injected = replace(catalog, library=replace(catalog.library, program=program))
    with TestClient(create_app(settings, injected)) as client:
        assert "An injected disclaimer for this test." in client.get("/").text


def test_no_module_keeps_content_in_a_cache() -> None:
    cached = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"\blru_cache\b|functools\.cache\b|@cache\b", path.read_text(encoding="utf-8"))
    ]
    assert cached == []
