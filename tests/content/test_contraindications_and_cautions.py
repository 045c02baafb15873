"""The contraindication filter catches forward folds, toe touches and sit-and-reach stretches by name and alias,
wherever an exercise names them; the cautions (pregnancy, spinal stenosis) change a prescription, with reasons."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from sciatica_coach.domain.cautions import apply_cautions
from sciatica_coach.domain.content import ContentError, Library, load_library
from sciatica_coach.domain.content.loader import default_content_dir, normalise_words
from sciatica_coach.domain.engine.prescription import default_prescription


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(default_content_dir(), folder)
    return folder


def _add_exercise(content: Path, field: str, text: str) -> Path:
    target = content / "exercises" / "new-exercise.yaml"
    data = yaml.safe_load((content / "exercises" / "hip-hinge.yaml").read_text(encoding="utf-8"))
    data["id"] = "new-exercise"
    data["name"] = "New exercise"
    if field == "steps":
        data["steps"].append({"id": "extra", "text": text})
    elif field == "cues":
        data["cues"]["move"] = text
    else:
        data[field] = text
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("name", "Standing forward fold"),
        ("name", "Seated fold"),
        ("name", "Sit-and-reach"),
        ("name", "Sit and Reach stretch"),
        ("name", "Uttanasana"),
        ("name", "Paschimottanasana"),
        ("steps", "Now touch your toes and hold for 30 seconds."),
        ("steps", "Reach for your toes with straight knees."),
        ("steps", "Finish with a few toe touches."),
        ("summary", "A gentle hamstrings stretch to end the day."),
        ("when_to_use", "Whenever you feel stiff, try a standing fold."),
        ("cues", "Reach towards your toes."),
    ],
)
def test_every_name_and_alias_of_a_forward_fold_is_refused_wherever_it_appears(
    content: Path, field: str, text: str
) -> None:
    target = _add_exercise(content, field, text)
    with pytest.raises(ContentError, match=re.escape(str(target)) + ".*contraindicated \\(hamstring-stretch\\)"):
        load_library(content)


def test_the_hinge_itself_is_not_mistaken_for_a_forward_fold(library: Library) -> None:
    assert "hip-hinge" in library.exercises
    assert normalise_words("Sit-and-Reach!") == "sit and reach"


def test_a_caution_naming_an_unknown_exercise_or_position_is_refused(content: Path) -> None:
    path = content / "contraindications.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["cautions"][1]["exercises"] = ["no-such-exercise"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError, match=r"cautions\.1\.exercises.*no-such-exercise"):
        load_library(content)
    data["cautions"][1]["exercises"] = ["prone-press-up"]
    data["cautions"][0]["positions"] = ["upside-down"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError, match=r"cautions\.0\.positions"):
        load_library(content)


def test_pregnancy_leaves_out_every_exercise_done_lying_face_down(library: Library) -> None:
    prescription = default_prescription(library)
    changed, notes = apply_cautions({"pregnancy": True}, prescription, library)
    prone = [i.exercise_id for i in prescription.items if library.exercise(i.exercise_id).position == "prone"]
    assert prone == ["prone-press-up"]
    assert [i.exercise_id for i in changed.items] == [
        i.exercise_id for i in prescription.items if i.exercise_id not in prone
    ]
    assert [(n.caution_id, n.exercise_id, n.effect, n.label) for n in notes] == [
        ("pregnancy", "prone-press-up", "leave-out", "Left out")
    ]
    assert "pregnant" in notes[0].reason and "face down" in notes[0].reason


def test_stenosis_keeps_prone_press_ups_marked_check_with_your_clinician(library: Library) -> None:
    prescription = default_prescription(library)
    changed, notes = apply_cautions({"spinal-stenosis": True}, prescription, library)
    assert changed == prescription, "the dose and the list stay; only the mark is added"
    assert [(n.exercise_id, n.effect, n.label) for n in notes] == [
        ("prone-press-up", "check-with-clinician", "Check with your clinician")
    ]
    assert "stenosis" in notes[0].reason and "clinician" in notes[0].reason


def test_both_cautions_leave_out_once_and_no_caution_changes_nothing(library: Library) -> None:
    prescription = default_prescription(library)
    changed, notes = apply_cautions({"pregnancy": True, "spinal-stenosis": True}, prescription, library)
    assert "prone-press-up" not in [i.exercise_id for i in changed.items]
    assert [n.effect for n in notes] == ["leave-out"], "a left-out exercise is not also marked"
    assert apply_cautions({"pregnancy": False, "spinal-stenosis": False}, prescription, library) == (prescription, ())
    assert apply_cautions({"retired-caution": True}, prescription, library) == (prescription, ())
