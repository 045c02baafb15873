"""The rules file is validated on load: errors name the file and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sciatica_coach.domain.adaptation import load_rules
from sciatica_coach.domain.content import ContentError, Library
from sciatica_coach.domain.content.loader import default_content_dir


def _write(tmp_path: Path, edit: Any) -> Path:
    data = yaml.safe_load((default_content_dir() / "rules.yaml").read_text())
    edit(data)
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return tmp_path


def test_packaged_rules_load_and_every_rule_has_a_reason(library: Library) -> None:
    book = load_rules(library=library)
    assert book.traffic_light.light(3) == "green" and book.traffic_light.light(5) == "amber"
    assert book.traffic_light.light(6) == "red" and book.traffic_light.light(0, stopped_for_pain=True) == "red"
    assert all(len(rule.reason) > 40 and rule.version >= 1 for rule in book.rules)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["rules"][0]["condition"].update(test="sometimes"), r"field 'rules.0.condition.test'"),
        (
            lambda d: d["rules"][0].update(when="after-exercise", condition={"test": "light", "light": "red"}),
            r"field 'rules.0'.*cannot be used after-exercise",
        ),
        (lambda d: d["rules"][2]["action"].pop("to"), r"field 'rules.2.action'.*'to' is needed"),
        (lambda d: d["rules"][2].update(reason="Switched to {variant}, sorry about that."), "unknown placeholder"),
        (lambda d: d["rules"].append(d["rules"][0]), "rule ids must be unique"),
        (lambda d: d["traffic_light"].update(fine_max=6), "fine_max must be below acceptable_max"),
        (lambda d: d["rules"][0].update(surprise=1), r"field 'rules.0.surprise'"),
    ],
)
def test_bad_rules_name_file_and_field(tmp_path: Path, edit: Any, message: str) -> None:
    folder = _write(tmp_path, edit)
    with pytest.raises(ContentError, match=r"rules.yaml: .*" + message):
        load_rules(folder)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["rules"][0].update(exercise="toe-touch"), r"field 'rules.0.exercise': unknown exercise"),
        (lambda d: d["rules"][2]["action"].update(to="hip-hinge"), "is not a variant of"),
    ],
)
def test_rules_are_cross_checked_against_the_exercises(
    tmp_path: Path, library: Library, edit: Any, message: str
) -> None:
    folder = _write(tmp_path, edit)
    load_rules(folder)  # the file itself is well formed
    with pytest.raises(ContentError, match=message):
        load_rules(folder, library)
