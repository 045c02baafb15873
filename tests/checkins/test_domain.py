"""Check-in content, answers and validation; the Sciatica Bothersomeness Index and its threshold."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sciatica_coach.domain.checkins import CheckinError, load_checkin_content, parse_morning, parse_quick
from sciatica_coach.domain.content import ContentError
from sciatica_coach.domain.content.loader import default_content_dir
from sciatica_coach.domain.instruments.sbi import load_sbi, meets_threshold, score_sbi

GOOD = {"back_pain": "3", "leg_pain": "5", "left_reach": "thigh", "right_reach": "none"}


def test_content_forms() -> None:
    content = load_checkin_content()
    assert [q.field for q in content.form("quick")] == ["back_pain", "leg_pain", "left_reach", "right_reach"]
    assert [q.field for q in content.form("morning")][-2:] == ["numbness", "weakness"]
    assert [level.id for level in content.reach.levels] == ["none", "buttock", "thigh", "below-knee", "foot"]


def test_quick_and_morning_parse_form_strings_and_json_values() -> None:
    quick = parse_quick(GOOD)
    assert (quick.back, quick.leg, quick.left_reach, quick.right_reach) == (3, 5, "thigh", "none")
    morning = parse_morning({**GOOD, "back_pain": 0, "numbness": "yes", "weakness": False})
    assert morning.symptoms.back == 0 and morning.numbness is True and morning.weakness is False


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(CheckinError) as caught:
        parse_morning({"back_pain": "11", "leg_pain": "-1", "left_reach": "knee", "numbness": "maybe"})
    assert caught.value.problems == {
        "back_pain": "choose a whole number from 0 to 10",
        "leg_pain": "choose a whole number from 0 to 10",
        "left_reach": "choose one of: none, buttock, thigh, below-knee, foot",
        "right_reach": "please answer this question",
        "numbness": "answer yes or no",
        "weakness": "please answer this question",
    }
    with pytest.raises(CheckinError, match="back_pain"):
        parse_quick({**GOOD, "back_pain": True})  # a boolean is not a score
    with pytest.raises(CheckinError, match="leg_pain"):
        parse_quick({**GOOD, "leg_pain": "4.5"})


def _copy_content(tmp_path: Path, name: str, change: dict) -> Path:  # type: ignore[type-arg]
    data = yaml.safe_load((default_content_dir() / name).read_text())
    data.update(change)
    (tmp_path / name).write_text(yaml.safe_dump(data))
    return tmp_path


def test_bad_checkin_content_names_file_and_field(tmp_path: Path) -> None:
    content = yaml.safe_load((default_content_dir() / "checkins.yaml").read_text())
    content["questions"][0]["max"] = 5
    (tmp_path / "checkins.yaml").write_text(yaml.safe_dump(content))
    with pytest.raises(ContentError, match=r"checkins.yaml: field 'questions.0': .*0 to 10"):
        load_checkin_content(tmp_path)
    content["questions"][0]["max"] = 10
    content["forms"]["quick"]["questions"] = ["back-pain", "leg-pain"]
    (tmp_path / "checkins.yaml").write_text(yaml.safe_dump(content))
    with pytest.raises(ContentError, match="form 'quick' must ask exactly"):
        load_checkin_content(tmp_path)


def test_sbi_content() -> None:
    sbi = load_sbi()
    assert [item.id for item in sbi.items] == ["leg-pain", "numbness-tingling", "weakness", "sitting-pain"]
    assert sbi.threshold.value == 6.5 and sbi.threshold.direction == "at-or-below"
    assert "Published" in sbi.threshold.label


def test_bad_sbi_content_names_file_and_field(tmp_path: Path) -> None:
    folder = _copy_content(
        tmp_path, "sbi.yaml", {"threshold": {"value": 30, "direction": "at-or-below", "label": "x", "explanation": "y"}}
    )
    with pytest.raises(ContentError, match=r"sbi.yaml: field 'threshold.value'"):
        load_sbi(folder)
    folder = _copy_content(tmp_path, "sbi.yaml", {"items": [{"id": "leg-pain", "text": "Leg pain"}]})
    with pytest.raises(ContentError, match="exactly 4 items"):
        load_sbi(folder)


@pytest.mark.parametrize(
    ("answers", "total", "success"),
    [
        ({"leg-pain": 0, "numbness-tingling": 0, "weakness": 0, "sitting-pain": 0}, 0, True),
        ({"leg-pain": 2, "numbness-tingling": 2, "weakness": 0, "sitting-pain": 2}, 6, True),
        ({"leg-pain": "2", "numbness-tingling": "2", "weakness": "1", "sitting-pain": "2"}, 7, False),
        ({"leg-pain": 6, "numbness-tingling": 6, "weakness": 6, "sitting-pain": 6}, 24, False),
    ],
)
def test_sbi_scoring_and_threshold(answers: dict[str, object], total: int, success: bool) -> None:
    score = score_sbi(answers)
    assert score.total == total and score.meets_threshold is success
    assert score.items == {k: int(v) for k, v in answers.items()}  # type: ignore[call-overload]


def test_threshold_boundary() -> None:
    assert meets_threshold(6.5, 6.5) and meets_threshold(6, 6.5) and not meets_threshold(7, 6.5)


def test_sbi_refuses_bad_answers_naming_each() -> None:
    with pytest.raises(CheckinError) as caught:
        score_sbi({"leg-pain": 7, "numbness-tingling": "", "weakness": True, "mood": 2})
    assert caught.value.problems == {
        "mood": "not a question of the SBI",
        "leg-pain": "choose a whole number from 0 to 6",
        "numbness-tingling": "please answer this question",
        "weakness": "choose a whole number from 0 to 6",
        "sitting-pain": "please answer this question",
    }
