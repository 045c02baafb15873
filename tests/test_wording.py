"""Doses, pain and reach are said one way (`domain/wording.py`) on the pages, in the JSON and in the terminal."""

from __future__ import annotations

from sciatica_coach.cli.program_data import program_data
from sciatica_coach.domain import wording
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import prescribe
from sciatica_coach.domain.symptoms import SymptomCheck


def test_dose_words(library: Library) -> None:
    glide = library.exercise("nerve-glide").dosage
    assert wording.dosage_lines(glide) == [
        "5 to 10 slow repetitions, then the same on the other leg",
        "Hold each one for 5 seconds",
        "2 to 4 times a day",
    ]
    assert wording.dosage_text(glide) == (
        "5 to 10 slow repetitions, then the same on the other leg. Hold each one for 5 seconds. 2 to 4 times a day."
    )
    assert wording.prescribed(prescribe(library, "nerve-glide", 6)) == "6 reps on each leg, 5-second hold"
    press = prescribe(library, "prone-press-up", 7, 1.5)
    assert wording.named_dose("Prone press-up", press) == "Prone press-up: 7 reps, 1.5-second hold"
    assert wording.named_dose("Prone press-up", press, named=False) == "7 reps, 1.5-second hold"
    assert wording.named_dose("", None) == ""


def test_pain_and_reach_words() -> None:
    assert wording.pain(None) == "not recorded"
    report = SymptomCheck(back=3, leg=4, left_reach="thigh", right_reach="none")
    assert wording.pain(report) == "back 3, leg 4; left leg down to the thigh, right leg clear"
    assert set(wording.REACH_PHRASES) == set(wording.REACH_SHORT)


def test_the_json_says_the_dose_as_the_pages_do(library: Library) -> None:
    for exercise in program_data(library)["exercises"]:
        assert exercise["dosage"]["text"] == wording.dosage_text(library.exercise(exercise["id"]).dosage)
