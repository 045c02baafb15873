"""The script's timing agrees with the content's dosage: press-ups spread over 2 to 5 minutes."""

from __future__ import annotations

import pytest

from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import Prescription, default_prescription, prescribe
from sciatica_coach.domain.engine.script import build_script, script_duration


@pytest.mark.parametrize("reps", [5, 10])
@pytest.mark.parametrize("hold", [1.0, 2.0])
def test_press_ups_fill_two_to_five_minutes(library: Library, reps: int, hold: float) -> None:
    dosage = library.exercise("prone-press-up").dosage
    assert dosage.duration_minutes is not None
    prescription = Prescription(items=(prescribe(library, "prone-press-up", reps, hold),))
    script = build_script(prescription, library)
    total = script_duration(script)
    assert dosage.duration_minutes.min * 60 <= total <= dosage.duration_minutes.max * 60, total
    # Even counting only from the first press to the last lowering, the press-ups stay in the range.
    moves = [i for i, p in enumerate(script) if p.kind == "move"]
    returns = [i for i, p in enumerate(script) if p.kind == "return"]
    span = script_duration(script[moves[0] : returns[-1] + 1])
    assert dosage.duration_minutes.min * 60 <= span <= dosage.duration_minutes.max * 60, span


def test_every_rep_of_the_default_program_is_in_the_script(library: Library) -> None:
    prescription = default_prescription(library)
    script = build_script(prescription, library)
    for index, item in enumerate(prescription.items):
        returns = [p for p in script if p.exercise_index == index and p.kind == "return"]
        assert len(returns) == item.reps * len(item.sides)
        holds = [p for p in script if p.exercise_index == index and p.kind == "hold"]
        assert all(p.duration == item.hold_seconds for p in holds)
        kinds = [p.kind for p in script if p.exercise_index == index]
        # One check between two exercises (after the first, before the next), not two forms in a row.
        assert kinds[0] == ("check-before" if index == 0 else "get-ready")
        assert kinds[-1] == ("check-after" if index == len(prescription.items) - 1 else "check-between")
        assert [p.kind for p in script if p.duration is None].count("check-between") == len(prescription.items) - 1
        assert kinds.count("switch-side") == len(item.sides) - 1
