"""What a person is asked to do today: exercises with their dosage, always inside the allowed ranges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.flat import flat_dict

SIDES_BOTH = ("left", "right")
NO_SIDE: tuple[str, ...] = ("",)


@dataclass(frozen=True)
class PrescribedExercise:
    """One exercise with its dose for a session."""

    exercise_id: str
    reps: int
    hold_seconds: float
    sides: tuple[str, ...]


@dataclass(frozen=True)
class Prescription:
    """An ordered list of prescribed exercises."""

    items: tuple[PrescribedExercise, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"items": [flat_dict(item) for item in self.items]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Prescription:
        """Inverse of `to_dict`."""
        return cls(
            items=tuple(
                PrescribedExercise(
                    exercise_id=str(item["exercise_id"]),
                    reps=int(item["reps"]),
                    hold_seconds=float(item["hold_seconds"]),
                    sides=tuple(item["sides"]),
                )
                for item in data["items"]
            )
        )


class DosageError(ValueError):
    """A dose outside the range the content allows."""


def prescribe(
    library: Library, exercise_id: str, reps: int | None = None, hold: float | None = None
) -> PrescribedExercise:
    """Prescribe one exercise, defaulting to the low end of its range and refusing doses outside it."""
    exercise = library.exercise(exercise_id)
    dosage = exercise.dosage
    reps = int(dosage.reps.min) if reps is None else reps
    hold = dosage.hold_seconds.max if hold is None else hold
    if not dosage.reps.contains(reps):
        raise DosageError(f"{exercise_id}: {reps} reps is outside {dosage.reps.min:g}-{dosage.reps.max:g}")
    if not dosage.hold_seconds.contains(hold):
        raise DosageError(
            f"{exercise_id}: a {hold:g} s hold is outside {dosage.hold_seconds.min:g}-{dosage.hold_seconds.max:g} s"
        )
    return PrescribedExercise(exercise_id, reps, hold, SIDES_BOTH if dosage.per_side else NO_SIDE)


def default_prescription(library: Library) -> Prescription:
    """The starting program from `program.yaml`."""
    return Prescription(
        items=tuple(prescribe(library, i.exercise, i.reps, i.hold_seconds) for i in library.program.items)
    )
