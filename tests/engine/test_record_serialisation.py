"""A record loaded from stored JSON never shares nested state with it."""

from __future__ import annotations

from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.engine.record import SessionRecord, complete_phase
from sciatica_coach.domain.engine.script import build_script


def test_from_dict_copies_nested_counts(library: Library) -> None:
    prescription = default_prescription(library)
    stored = SessionRecord.start(prescription).to_dict()
    record = SessionRecord.from_dict(stored)
    first_return = next(p for p in build_script(prescription, library) if p.kind == "return")
    complete_phase(record, first_return)
    assert record.exercises[0].reps_done[first_return.side] == 1
    # The stored JSON must be unchanged, or an ORM would see no change to save.
    assert stored["exercises"][0]["reps_done"][first_return.side] == 0
    assert SessionRecord.from_dict(record.to_dict()) == record
