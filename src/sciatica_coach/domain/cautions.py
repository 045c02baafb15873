"""Cautions (pregnancy, a known spinal stenosis): what they change in a prescription, and why, in one pure function.

The cautions and their effects are content (`contraindications.yaml`, `cautions`): `leave-out` drops the exercises
it names (by id, or by the position they are done in, e.g. lying face down), `check-with-clinician` keeps them and
marks them "check with your clinician". Each change comes back as a note with the reason to show the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.content.schema import CautionEffect
from sciatica_coach.domain.engine.prescription import Prescription

CHECK_WITH_CLINICIAN = "Check with your clinician"
LEFT_OUT = "Left out"


@dataclass(frozen=True)
class CautionNote:
    """One exercise a caution changed: which caution, what it did, and the reason in words."""

    caution_id: str
    exercise_id: str
    exercise_name: str
    effect: CautionEffect
    reason: str

    @property
    def label(self) -> str:
        """ "Left out" or "Check with your clinician"."""
        return LEFT_OUT if self.effect == "leave-out" else CHECK_WITH_CLINICIAN

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {
            "caution_id": self.caution_id,
            "exercise_id": self.exercise_id,
            "name": self.exercise_name,
            "effect": self.effect,
            "label": self.label,
            "reason": self.reason,
        }


def apply_cautions(
    cautions: Mapping[str, bool], prescription: Prescription, library: Library
) -> tuple[Prescription, tuple[CautionNote, ...]]:
    """The prescription with every caution answered "yes" applied, and a note per exercise changed.

    Exercises left out are dropped (a leave-out wins over a check-with-clinician for the same exercise); the others
    keep their dose. Unknown caution ids are ignored (a caution retired from the content)."""
    known = {caution.id: caution for caution in library.contraindications.cautions}
    active = [known[key] for key in cautions if cautions[key] is True and key in known]
    notes: list[CautionNote] = []
    dropped: set[str] = set()
    for effect in ("leave-out", "check-with-clinician"):
        for caution in (c for c in active if c.effect == effect):
            for item in prescription.items:
                exercise = library.exercise(item.exercise_id)
                hit = exercise.id in caution.exercises or exercise.position in caution.positions
                if not hit or exercise.id in dropped:
                    continue
                if effect == "leave-out":
                    dropped.add(exercise.id)
                notes.append(CautionNote(caution.id, exercise.id, exercise.name, caution.effect, caution.reason))
    kept = tuple(item for item in prescription.items if item.exercise_id not in dropped)
    return Prescription(items=kept), tuple(notes)
