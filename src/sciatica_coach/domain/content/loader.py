"""Load and validate the content files; a bad file fails loudly, naming the file and the field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sciatica_coach.domain.content.schema import Contraindications, Education, Exercise, Program

M = TypeVar("M", bound=BaseModel)


class ContentError(ValueError):
    """A content file is missing, unreadable or does not match the schema."""


def default_content_dir() -> Path:
    """The content folder shipped inside the package."""
    return Path(str(resources.files("sciatica_coach") / "content"))


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Parse one YAML file into `model`, turning every problem into a ContentError naming file and field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContentError(f"{path}: cannot read file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise ContentError(f"{path}: expected a mapping at the top level")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"field '{'.'.join(str(p) for p in err['loc']) or '(top)'}': {err['msg']}" for err in exc.errors()
        )
        raise ContentError(f"{path}: {problems}") from exc


@dataclass(frozen=True)
class Library:
    """All program content, validated and cross-checked."""

    exercises: dict[str, Exercise]
    education: Education
    contraindications: Contraindications
    program: Program
    folder: Path = field(default_factory=default_content_dir)

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id, or KeyError naming it."""
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise KeyError(f"no exercise with id '{exercise_id}'") from None

    def variants(self, exercise_id: str) -> list[Exercise]:
        """Exercises declared as variants of `exercise_id`."""
        return [e for e in self.exercises.values() if e.variant_of == exercise_id]


def load_library(folder: Path | None = None) -> Library:
    """Load every content file from `folder` (the packaged content by default)."""
    folder = folder or default_content_dir()
    exercises: dict[str, Exercise] = {}
    for path in sorted((folder / "exercises").glob("*.yaml")):
        exercise = load_yaml_model(path, Exercise)
        if exercise.id != path.stem:
            raise ContentError(f"{path}: field 'id': '{exercise.id}' must match the file name '{path.stem}'")
        exercises[exercise.id] = exercise
    if not exercises:
        raise ContentError(f"{folder / 'exercises'}: no exercise files found")
    library = Library(
        exercises=exercises,
        education=load_yaml_model(folder / "education.yaml", Education),
        contraindications=load_yaml_model(folder / "contraindications.yaml", Contraindications),
        program=load_yaml_model(folder / "program.yaml", Program),
        folder=folder,
    )
    _cross_check(library)
    return library


def normalise_words(text: str) -> str:
    """Lower case, hyphens and punctuation as spaces, single spaces: "Sit-and-reach" matches "sit and reach"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def offered_text(exercise: Exercise) -> str:
    """Everything an exercise tells a person (id, name, summary, when to use, steps, cues), normalised; a term
    matches anywhere in it (so "toe touch" also catches "toe touches")."""
    cues = [value for value in exercise.cues.model_dump().values() if isinstance(value, str)]
    parts = [exercise.id, exercise.name, exercise.summary, exercise.when_to_use, *(s.text for s in exercise.steps)]
    return f" {normalise_words(' '.join([*parts, *cues]))} "


def _cross_check(library: Library) -> None:
    """References resolve, and nothing contraindicated is ever offered as an exercise."""
    folder = library.folder
    for exercise in library.exercises.values():
        if exercise.variant_of is not None and exercise.variant_of not in library.exercises:
            raise ContentError(
                f"{folder / 'exercises' / (exercise.id + '.yaml')}: field 'variant_of': "
                f"unknown exercise '{exercise.variant_of}'"
            )
        offered = offered_text(exercise)
        for item in library.contraindications.items:
            for term in item.match_terms:
                if normalise_words(term) in offered:
                    raise ContentError(
                        f"{folder / 'exercises' / (exercise.id + '.yaml')}: offers '{term}', "
                        f"which is contraindicated ({item.id})"
                    )
    positions = {exercise.position for exercise in library.exercises.values()}
    for index, caution in enumerate(library.contraindications.cautions):
        where = f"{folder / 'contraindications.yaml'}: field 'cautions.{index}"
        for exercise_id in caution.exercises:
            if exercise_id not in library.exercises:
                raise ContentError(f"{where}.exercises': unknown exercise '{exercise_id}'")
        for position in caution.positions:
            if position not in positions:
                raise ContentError(f"{where}.positions': no exercise is done in position '{position}'")
    for index, entry in enumerate(library.program.items):
        where = f"{folder / 'program.yaml'}: field 'items.{index}"
        if entry.exercise not in library.exercises:
            raise ContentError(f"{where}.exercise': unknown exercise '{entry.exercise}'")
        dosage = library.exercises[entry.exercise].dosage
        if entry.reps is not None and not dosage.reps.contains(entry.reps):
            raise ContentError(f"{where}.reps': outside the allowed range")
        if entry.hold_seconds is not None and not dosage.hold_seconds.contains(entry.hold_seconds):
            raise ContentError(f"{where}.hold_seconds': outside the allowed range")
