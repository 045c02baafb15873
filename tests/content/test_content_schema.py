"""A broken or unsafe content file is refused at load, with an error naming the file and the field."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sciatica_coach.domain.content import ContentError, Library, load_library
from sciatica_coach.domain.content.loader import default_content_dir

Mutation = Callable[[dict[str, Any]], None]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of the packaged content folder."""
    folder = tmp_path / "content"
    shutil.copytree(default_content_dir(), folder)
    return folder


def edit(path: Path, mutate: Mutation) -> Path:
    """Load a YAML file, change it, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_an_untouched_copy_loads(content: Path, library: Library) -> None:
    copy = load_library(content)
    assert copy.exercises == library.exercises
    assert copy.program == library.program


def _set(*keys: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return mutate


def _drop(key: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        del data[key]

    return mutate


@pytest.mark.parametrize(
    ("file", "mutate", "field"),
    [
        ("exercises/nerve-glide.yaml", _set("dosage", "reps", "min", value="lots"), "dosage.reps.min"),
        ("exercises/nerve-glide.yaml", _set("dosage", "hold_seconds", "min", value=9), "dosage.hold_seconds"),
        ("exercises/prone-press-up.yaml", _drop("stop_rules"), "stop_rules"),
        ("exercises/prone-press-up.yaml", _set("dosage", "hold_secs", value=2), "dosage.hold_secs"),
        ("exercises/hip-hinge.yaml", _set("position", value="sitting"), "position"),
        ("exercises/hip-hinge.yaml", _set("steps", value=[{"id": "only", "text": "Just one step."}]), "steps"),
        ("exercises/hip-hinge.yaml", _set("pacing", "move_seconds", value=0), "pacing.move_seconds"),
        ("exercises/nerve-glide-bent-knee.yaml", _set("id", value="Bent Knee"), "id"),
        ("exercises/nerve-glide-bent-knee.yaml", _set("variant_of", value="no-such-glide"), "variant_of"),
        ("program.yaml", _set("items", 0, "exercise", value="no-such-exercise"), "items.0.exercise"),
        ("program.yaml", _set("items", 1, "reps", value=20), "items.1.reps"),
        ("contraindications.yaml", _set("items", 0, "reasons", value=[]), "items.0.reasons"),
        ("education.yaml", _drop("title"), "title"),
    ],
)
def test_a_bad_field_is_named_with_its_file(content: Path, file: str, mutate: Mutation, field: str) -> None:
    path = edit(content / file, mutate)
    with pytest.raises(ContentError) as caught:
        load_library(content)
    message = str(caught.value)
    assert str(path) in message
    assert re.search(rf"field '{re.escape(field)}", message), message


def test_an_id_must_match_its_file_name(content: Path) -> None:
    path = edit(content / "exercises" / "hip-hinge.yaml", _set("id", value="hinge"))
    with pytest.raises(ContentError, match=re.escape(f"{path}: field 'id'")):
        load_library(content)


def test_an_illustration_must_be_plain_svg(content: Path) -> None:
    def add_script(data: dict[str, Any]) -> None:
        data["illustrations"][0]["svg"] = "<svg><script>alert(1)</script></svg>"

    path = edit(content / "exercises" / "nerve-glide.yaml", add_script)
    with pytest.raises(ContentError, match=re.escape(str(path)) + ".*illustrations.0.*scripts"):
        load_library(content)


def test_a_file_that_is_not_yaml_is_named(content: Path) -> None:
    path = content / "exercises" / "nerve-glide.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape(f"{path}: not valid YAML")):
        load_library(content)


@pytest.mark.parametrize(
    ("name", "extra_step"),
    [
        ("Standing hamstring stretch", "Reach toward your toes."),
        ("Morning loosener", "Bend down for a toe touch and hold it."),
        ("Sitting reach", "Lean forward to stretch your hamstring."),
    ],
)
def test_a_contraindicated_exercise_added_to_the_folder_is_refused(content: Path, name: str, extra_step: str) -> None:
    def offer_stretch(data: dict[str, Any]) -> None:
        data["id"] = "new-exercise"
        data["name"] = name
        data["steps"].append({"id": "reach", "text": extra_step})

    source = content / "exercises" / "hip-hinge.yaml"
    target = content / "exercises" / "new-exercise.yaml"
    shutil.copy(source, target)
    edit(target, offer_stretch)
    with pytest.raises(ContentError, match=re.escape(str(target)) + ".*contraindicated \\(hamstring-stretch\\)"):
        load_library(content)


def test_an_empty_exercise_folder_is_refused(content: Path) -> None:
    for path in (content / "exercises").glob("*.yaml"):
        path.unlink()
    with pytest.raises(ContentError, match="no exercise files found"):
        load_library(content)
