"""The red-flag content: every warning sign of the issue is asked, with the right severity, form and message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from sciatica_coach.domain.content import ContentError
from sciatica_coach.domain.content.loader import default_content_dir
from sciatica_coach.domain.screening import RED_FLAGS_FILE, RedFlags, load_red_flags

# Each warning sign listed in issue 3, part 1: its stable id and words its question must contain.
CAUDA_EQUINA = {
    "bladder-trouble": ("urine", "flow"),
    "saddle-numbness": ("numbness", "back passage", "genitals", "saddle"),
    "bowel-control": ("bowels", "rectum", "full"),
    "sexual-dysfunction": ("new", "sex"),
    "both-legs": ("both legs", "weakness", "numbness", "sciatica"),
}
OTHER_SIGNS = {
    "progressive-weakness": ("weaker", "foot", "drop"),
    "fever-unwell": ("fever", "unwell", "back pain"),
    "cancer-or-weight-loss": ("cancer", "weight"),
    "recent-trauma": ("fall", "accident", "injury"),
}


@pytest.mark.parametrize(("item_id", "words"), [*CAUDA_EQUINA.items(), *OTHER_SIGNS.items()])
def test_every_warning_sign_of_the_issue_is_asked(red_flags: RedFlags, item_id: str, words: tuple[str, ...]) -> None:
    item = red_flags.item(item_id)
    for word in words:
        assert word in item.question.lower(), f"{item_id}: '{word}' missing from {item.question!r}"
    assert item.question.rstrip().endswith("?")
    assert "full" in item.forms


@pytest.mark.parametrize("item_id", CAUDA_EQUINA)
def test_cauda_equina_signs_are_emergencies_asked_as_new_or_worse_at_every_check_in(
    red_flags: RedFlags, item_id: str
) -> None:
    item = red_flags.item(item_id)
    assert item.emergency and item.severity == "emergency"
    assert item.group == "cauda-equina"
    assert "short" in item.forms
    assert "new" in item.question.lower() or "worse" in item.question.lower()


@pytest.mark.parametrize("item_id", OTHER_SIGNS)
def test_other_signs_are_urgent_not_emergency(red_flags: RedFlags, item_id: str) -> None:
    assert red_flags.item(item_id).severity == "urgent"
    assert not red_flags.item(item_id).emergency


def test_nothing_else_is_asked_and_progressive_weakness_is_in_the_short_form(red_flags: RedFlags) -> None:
    assert {item.id for item in red_flags.items} == set(CAUDA_EQUINA) | set(OTHER_SIGNS)
    short = {item.id for item in red_flags.questions("short")}
    assert set(CAUDA_EQUINA) | {"progressive-weakness"} <= short
    assert [item.id for item in red_flags.questions("full")] == [item.id for item in red_flags.items]


def test_emergency_message_sends_to_emergency_care_without_waiting(red_flags: RedFlags) -> None:
    message = red_flags.messages.emergency
    everything = " ".join([message.title, message.summary, message.text, *message.actions]).lower()
    assert "emergency department" in everything
    assert "call emergency services" in everything
    assert "do not wait" in everything
    assert "cauda equina" in everything
    assert "emergency" in message.summary.lower()
    assert all(line.number.isdigit() for line in red_flags.emergency_numbers)


def test_urgent_message_sends_to_a_doctor_today_not_to_the_emergency_department_first(red_flags: RedFlags) -> None:
    message = red_flags.messages.urgent
    assert "today" in message.summary.lower()
    assert "doctor" in message.summary.lower()
    assert "urgent care" in message.summary.lower()
    assert "emergency" not in message.summary.lower()
    assert any("do not do the exercises" in action.lower() for action in message.actions)


def test_wording_is_plain_and_honest(red_flags: RedFlags) -> None:
    assert "not a clinician" in red_flags.not_a_clinician.lower()
    text = yaml.safe_dump(red_flags.model_dump()).lower()
    assert "hamstring" not in text
    for item in red_flags.items:
        assert len(item.question) < 200, f"{item.id}: keep questions short"


def _broken_copy(tmp_path: Path, change: object) -> Path:
    shutil.copy(default_content_dir() / RED_FLAGS_FILE, tmp_path / RED_FLAGS_FILE)
    data = yaml.safe_load((tmp_path / RED_FLAGS_FILE).read_text())
    change(data)  # type: ignore[operator]
    (tmp_path / RED_FLAGS_FILE).write_text(yaml.safe_dump(data))
    return tmp_path


def test_a_bad_file_is_refused_naming_file_and_field(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, lambda data: data["items"][0].update(severity="mild"))
    with pytest.raises(ContentError) as error:
        load_red_flags(folder)
    assert str(folder / RED_FLAGS_FILE) in str(error.value)
    assert "items.0.severity" in str(error.value)


def test_a_cauda_equina_sign_cannot_be_downgraded_or_left_out_of_check_ins(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, lambda data: data["items"][0].update(severity="urgent"))
    with pytest.raises(ContentError, match=r"items\.0"):
        load_red_flags(folder)
    folder = _broken_copy(tmp_path, lambda data: data["items"][1].update(forms=["full"]))
    with pytest.raises(ContentError, match=r"items\.1"):
        load_red_flags(folder)


def test_repeated_ids_are_refused(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, lambda data: data["items"][1].update(id=data["items"][0]["id"]))
    with pytest.raises(ContentError, match="repeated: bladder-trouble"):
        load_red_flags(folder)


def test_packaged_content_loads_from_a_folder_too() -> None:
    assert load_red_flags(default_content_dir()) == load_red_flags()
