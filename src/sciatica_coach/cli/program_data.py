"""The program as plain data (what `sciatica-coach program --json` prints); the words come from `domain/wording.py`."""

from __future__ import annotations

from typing import Any

from sciatica_coach.domain.content import Library
from sciatica_coach.domain.content.schema import Dosage, Exercise, Range
from sciatica_coach.domain.engine.prescription import PrescribedExercise, default_prescription
from sciatica_coach.domain.wording import dosage_text


def json_number(value: float) -> int | float:
    """5.0 -> 5, 1.5 -> 1.5 (whole numbers serialise as integers)."""
    return int(value) if float(value).is_integer() else value


def ordered_exercises(library: Library) -> list[Exercise]:
    """Program exercises in program order, each followed by its variants, then anything else."""
    ordered: list[Exercise] = []
    for item in library.program.items:
        for exercise in (library.exercise(item.exercise), *library.variants(item.exercise)):
            if exercise not in ordered:
                ordered.append(exercise)
    ordered += [e for e in library.exercises.values() if e not in ordered]
    return ordered


def _dose(item: PrescribedExercise) -> dict[str, Any]:
    return {"reps": item.reps, "hold_seconds": json_number(item.hold_seconds), "sides": list(item.sides)}


def _range(r: Range | None) -> dict[str, int | float] | None:
    return None if r is None else {"min": json_number(r.min), "max": json_number(r.max)}


def dosage_data(dosage: Dosage) -> dict[str, Any]:
    """JSON-ready dosage."""
    return {
        "reps": _range(dosage.reps),
        "hold_seconds": _range(dosage.hold_seconds),
        "per_side": dosage.per_side,
        "sets": dosage.sets,
        "times_per_day": _range(dosage.times_per_day),
        "duration_minutes": _range(dosage.duration_minutes),
        "text": dosage_text(dosage),
    }


def exercise_data(exercise: Exercise, prescribed: PrescribedExercise | None) -> dict[str, Any]:
    """JSON-ready exercise, marked with its default-program dose when it is in the program."""
    return {
        "id": exercise.id,
        "version": exercise.version,
        "name": exercise.name,
        "summary": exercise.summary,
        "technique": exercise.technique,
        "variant_of": exercise.variant_of,
        "when_to_use": exercise.when_to_use,
        "position": exercise.position,
        "in_default_program": prescribed is not None,
        "default_dose": None if prescribed is None else _dose(prescribed),
        "steps": [{"id": step.id, "text": step.text} for step in exercise.steps],
        "dosage": dosage_data(exercise.dosage),
        "cues": exercise.cues.model_dump(by_alias=True),
        "breathing_cues": list(exercise.breathing_cues),
        "stop_rules": list(exercise.stop_rules),
        "good_signs": list(exercise.good_signs),
        "avoid": list(exercise.avoid),
        "illustrations": [{"id": i.id, "caption": i.caption} for i in exercise.illustrations],
    }


def program_data(library: Library) -> dict[str, Any]:
    """Everything `program --json` prints: the default program, every exercise, what is never offered."""
    prescription = default_prescription(library)
    by_id = {item.exercise_id: item for item in prescription.items}
    return {
        "program": {
            "id": library.program.id,
            "version": library.program.version,
            "name": library.program.name,
            "items": [
                {
                    "exercise_id": item.exercise_id,
                    "reps": item.reps,
                    "hold_seconds": json_number(item.hold_seconds),
                    "sides": list(item.sides),
                }
                for item in prescription.items
            ],
        },
        "exercises": [exercise_data(e, by_id.get(e.id)) for e in ordered_exercises(library)],
        "never_offered": [
            {"id": c.id, "name": c.name, "reasons": list(c.reasons), "instead": c.instead}
            for c in library.contraindications.items
        ],
        "disclaimer": library.program.disclaimer,
    }
