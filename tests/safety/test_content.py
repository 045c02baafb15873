"""The red-flag content: every warning sign of the issue is asked, with the right severity, form and message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from sciatica_coach.domain.content import ContentError
from sciatica_coach.domain.content.loader import default_content_dir
from sciatica_coach.domain.screening import RED_FLAGS_FILE, RedFlags, load_red_flags

# Every warning sign of issues 3 and 8 (part 5): its stable id, its level, the words its question must contain,
# and whether it is asked again in the short re-screen. Emergency and today lock exercise until an assessment;
# soon blocks until the advice is read.
SIGNS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "bladder-trouble": ("emergency", ("start passing urine", "stop the flow", "weaker"), True),
    "urine-retention": ("emergency", ("cannot pass urine",), True),
    "urine-leaking": ("emergency", ("leak urine",), True),
    "full-feeling": ("emergency", ("bladder", "bowel", "full"), True),
    "saddle-numbness": (
        "emergency",
        ("numbness", "pins and needles", "genitals", "buttocks", "back passage", "toilet paper"),
        True,
    ),
    "bowel-control": ("emergency", ("control your bowels",), True),
    "sexual-dysfunction": ("emergency", ("new problem with sex", "erection", "ejaculating", "genitals"), True),
    "both-legs": ("emergency", ("both legs", "weakness", "numbness"), True),
    "progressive-weakness": ("today", ("weaker", "foot", "drop"), True),
    "recent-trauma": ("emergency", ("fall", "accident", "injury"), True),
    "fever-unwell": ("today", ("fever", "unwell", "back pain"), True),
    "cancer-or-weight-loss": ("today", ("cancer", "weight", "without trying"), True),
    "night-pain": ("soon", ("night", "resting", "does not ease"), True),
    "steroids-osteoporosis": ("soon", ("steroid", "long term", "osteoporosis"), True),
    "weak-immunity": ("soon", ("immune system", "inject drugs"), True),
    "age-onset": ("soon", ("after the age of 50", "before the age of 20"), False),
}
CAUDA_EQUINA = [
    key
    for key in SIGNS
    if key
    in {
        "bladder-trouble",
        "urine-retention",
        "urine-leaking",
        "full-feeling",
        "saddle-numbness",
        "bowel-control",
        "sexual-dysfunction",
        "both-legs",
    }
]


@pytest.mark.parametrize(("item_id", "expected"), list(SIGNS.items()))
def test_each_warning_sign_is_asked_in_plain_words_with_its_level_and_lock(
    red_flags: RedFlags, item_id: str, expected: tuple[str, tuple[str, ...], bool]
) -> None:
    level, words, in_short = expected
    item = red_flags.item(item_id)
    for word in words:
        assert word in item.question.lower(), f"{item_id}: '{word}' missing from {item.question!r}"
    assert item.question.rstrip().endswith("?") or item.question.rstrip().endswith(".")
    assert "full" in item.forms
    assert ("short" in item.forms) is in_short
    assert item.level == level
    assert red_flags.locks(level) is (level in ("emergency", "today"))
    assert item.emergency is (level == "emergency")
    if in_short:  # the re-screen's intro asks about what is new since the last check; a past-tense question is reworded
        assert "since your last check" in red_flags.forms["short"].intro
        if "have you ever" in item.question.lower() or item.recheck is not None:
            assert "since your last check" in item.asked("short").lower()


@pytest.mark.parametrize("item_id", CAUDA_EQUINA)
def test_cauda_equina_signs_are_emergencies_asked_as_new_or_worse_at_every_check(
    red_flags: RedFlags, item_id: str
) -> None:
    item = red_flags.item(item_id)
    assert item.emergency and item.level == "emergency"
    assert item.group == "cauda-equina"
    assert "short" in item.forms
    assert "new" in item.question.lower() or "worse" in item.question.lower()
    assert set(item.opened_by) == {"numbness", "weakness", "both-legs"}, "nerve signs open every cauda equina question"


def test_nothing_else_is_asked_and_the_safety_net_lists_every_cauda_equina_sign(red_flags: RedFlags) -> None:
    assert {item.id for item in red_flags.items} == set(SIGNS)
    assert [item.id for item in red_flags.questions("full")] == [item.id for item in red_flags.items]
    assert red_flags.safety_net_signs() == tuple(red_flags.item(i).sign for i in CAUDA_EQUINA)
    opened = {item.id for item in red_flags.opened_questions(["weakness"])}
    assert opened == {*CAUDA_EQUINA, "progressive-weakness"}


def test_emergency_numbers_follow_the_country_and_default_to_112_999_911(red_flags: RedFlags) -> None:
    assert {line.number for line in red_flags.numbers_for("default")} == {"112", "999", "911"}
    assert [line.number for line in red_flags.numbers_for("US")] == ["911"]
    assert red_flags.numbers_for("GB")[0].number == "999"
    assert red_flags.numbers_for("AU")[0].number == "000"
    with pytest.raises(ValueError, match="no emergency numbers for country 'ZZ'"):
        red_flags.numbers_for("ZZ")


def test_emergency_message_sends_to_emergency_care_without_waiting(red_flags: RedFlags) -> None:
    message = red_flags.messages.emergency
    everything = " ".join([message.title, message.summary, message.text, *message.actions]).lower()
    assert "emergency department" in everything
    assert "call emergency services" in everything
    assert "do not wait" in everything
    assert "cauda equina" in everything
    assert "emergency" in message.summary.lower()
    assert all(line.number.isdigit() for lines in red_flags.emergency_numbers.values() for line in lines)


def test_urgent_message_sends_to_a_doctor_today_not_to_the_emergency_department_first(red_flags: RedFlags) -> None:
    message = red_flags.messages.today
    assert "today" in message.summary.lower()
    assert "doctor" in message.summary.lower()
    assert "urgent care" in message.summary.lower()
    assert "emergency" not in message.summary.lower()
    assert any("do not do the exercises" in action.lower() for action in message.actions)


def test_soon_message_sends_to_a_doctor_in_the_next_few_days_and_names_the_emergency_signs(red_flags: RedFlags) -> None:
    message = red_flags.messages.soon
    everything = " ".join([message.title, message.summary, message.text, *message.actions]).lower()
    assert "next few days" in message.summary.lower() and "not an emergency" in everything
    assert "emergency department now" in everything  # if it gets worse


def test_wording_is_plain_and_honest(red_flags: RedFlags) -> None:
    assert "not a clinician" in red_flags.not_a_clinician.lower()
    text = yaml.safe_dump(red_flags.model_dump()).lower()
    assert "hamstring" not in text
    for item in red_flags.items:
        assert len(item.question) < 220, f"{item.id}: keep questions short"


def _broken_copy(tmp_path: Path, change: object) -> Path:
    shutil.copy(default_content_dir() / RED_FLAGS_FILE, tmp_path / RED_FLAGS_FILE)
    data = yaml.safe_load((tmp_path / RED_FLAGS_FILE).read_text())
    change(data)  # type: ignore[operator]
    (tmp_path / RED_FLAGS_FILE).write_text(yaml.safe_dump(data))
    return tmp_path


def test_a_bad_file_is_refused_naming_file_and_field(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, lambda data: data["items"][0].update(level="mild"))
    with pytest.raises(ContentError) as error:
        load_red_flags(folder)
    assert str(folder / RED_FLAGS_FILE) in str(error.value)
    assert "items.0.level" in str(error.value)


def test_emergency_and_today_must_lock_and_soon_cannot(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, lambda data: data["levels"]["today"].update(locks=False))
    with pytest.raises(ContentError, match="must lock exercise"):
        load_red_flags(folder)
    folder = _broken_copy(tmp_path, lambda data: data["levels"]["soon"].update(locks=True))
    with pytest.raises(ContentError, match="cannot lock"):
        load_red_flags(folder)


def test_a_nerve_sign_question_must_be_in_the_short_form(tmp_path: Path) -> None:
    def change(data: dict) -> None:  # type: ignore[type-arg]
        item = next(i for i in data["items"] if i["id"] == "age-onset")
        item["opened_by"] = ["numbness"]

    with pytest.raises(ContentError, match="opened by a nerve sign"):
        load_red_flags(_broken_copy(tmp_path, change))


def test_a_cauda_equina_sign_cannot_be_downgraded_or_left_out_of_check_ins(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, lambda data: data["items"][0].update(level="today"))
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
