"""The alerts file and the pure triggers: one test per trigger, the tiers, not raising twice, inactivity, and the
content refused when it is wrong (unknown tier, trigger, rule or advice; repeated ids; missing settings)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from sciatica_coach.domain.adaptation import Advice
from sciatica_coach.domain.adaptation.plan import Change
from sciatica_coach.domain.alerts import (
    AlertBook,
    Observed,
    alerts_for,
    inactivity_alerts,
    new_nerve_signs,
    worst_tier,
)
from sciatica_coach.domain.catalog import Catalog, load_catalog
from sciatica_coach.domain.content import ContentError
from sciatica_coach.domain.content.loader import default_content_dir
from sciatica_coach.domain.symptoms import SymptomCheck

AT = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
CALM = SymptomCheck(back=2, leg=2, left_reach="thigh")


@pytest.fixture(scope="module")
def book() -> AlertBook:
    return load_catalog().alerts


def ids(book: AlertBook, seen: Observed, open_today: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(r.alert_id, r.tier) for r in alerts_for(book, seen, open_today)]


def test_a_calm_check_raises_nothing(book: AlertBook) -> None:
    assert ids(book, Observed(AT, after=CALM, before=CALM)) == []


def test_a_red_flag_is_critical(book: AlertBook) -> None:
    assert ids(book, Observed(AT, red_flag=True)) == [("red-flag", "critical")]


@pytest.mark.parametrize(
    ("leg", "raised"), [(6, []), (7, [("leg-pain-high", "high")]), (10, [("leg-pain-high", "high")])]
)
def test_leg_pain_of_7_or_more_is_high(book: AlertBook, leg: int, raised: list[tuple[str, str]]) -> None:
    assert ids(book, Observed(AT, after=SymptomCheck(back=0, leg=leg, left_reach="thigh"))) == raised


@pytest.mark.parametrize(
    ("leg", "raised"), [(3, []), (4, [("leg-pain-rise", "high")]), (6, [("leg-pain-rise", "high")])]
)
def test_a_rise_of_2_or_more_is_high(book: AlertBook, leg: int, raised: list[tuple[str, str]]) -> None:
    after = SymptomCheck(back=2, leg=leg, left_reach="thigh")
    assert ids(book, Observed(AT, after=after, before=CALM)) == raised
    assert ids(book, Observed(AT, after=after)) == []  # no check before: nothing to rise from


@pytest.mark.parametrize(
    ("left", "right", "raised"),
    [("thigh", "none", False), ("buttock", "none", False), ("below-knee", "none", True), ("thigh", "buttock", True)],
)
def test_spreading_down_either_leg_is_high(book: AlertBook, left: str, right: str, raised: bool) -> None:
    after = SymptomCheck(back=2, leg=2, left_reach=left, right_reach=right)
    assert ids(book, Observed(AT, after=after, before=CALM)) == ([("spreading", "high")] if raised else [])


def test_new_numbness_or_weakness_is_high(book: AlertBook) -> None:
    assert new_nerve_signs(True, False, None) and new_nerve_signs(False, True, (True, False))
    assert not new_nerve_signs(True, False, (True, False))  # numbness already there the morning before
    assert not new_nerve_signs(False, False, None)
    assert ids(book, Observed(AT, new_nerve_signs=True)) == [("new-nerve-signs", "high")]


def test_an_escalation_of_the_rules_is_high(book: AlertBook) -> None:
    stop = Change(AT, "worsening-stop", 1, "hip-hinge", "stop", "why", None, None)
    assert ids(book, Observed(AT).and_rules([stop], None)) == [("rules-escalation", "high")]
    worsening = Advice("contact-clinician", "words", ("worsening",))
    assert ids(book, Observed(AT).and_rules([], worsening)) == [("rules-escalation", "high")]
    eased = Advice("ease-off", "words", ("worse-morning",))
    step_down = Change(AT, "morning-worse-step-down", 1, "hip-hinge", "change-reps", "why", None, None)
    assert ids(book, Observed(AT).and_rules([step_down], eased)) == []  # stepping down is not an escalation


def test_the_most_urgent_comes_first_and_open_ones_are_not_raised_again(book: AlertBook) -> None:
    seen = Observed(AT, red_flag=True, after=SymptomCheck(back=2, leg=8, left_reach="foot"), before=CALM)
    assert ids(book, seen) == [
        ("red-flag", "critical"),
        ("leg-pain-high", "high"),
        ("leg-pain-rise", "high"),
        ("spreading", "high"),
    ]
    assert ids(book, seen, ("red-flag", "spreading")) == [("leg-pain-high", "high"), ("leg-pain-rise", "high")]
    assert worst_tier(["low", "high", "low"]) == "high" and worst_tier([]) is None


def test_inactivity_after_2_days_is_low_and_after_14_high(book: AlertBook) -> None:
    joined = AT - timedelta(days=30)

    def due(days: float, already: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        raised = inactivity_alerts(book, AT, joined, AT + timedelta(days=days), already)
        return [(r.alert_id, r.tier) for r in raised]

    assert due(1.9) == []
    assert due(2) == [("inactive-2-days", "low")]
    assert due(13) == [("inactive-2-days", "low")]
    assert due(13, ("inactive-2-days",)) == []  # once per quiet spell, acknowledged or not
    assert due(14, ("inactive-2-days",)) == [("inactive-14-days", "high")]  # only the longest spell due
    assert due(20, ("inactive-2-days", "inactive-14-days")) == []
    never = inactivity_alerts(book, None, AT, AT + timedelta(days=3))  # no activity since joining
    assert [r.alert_id for r in never] == ["inactive-2-days"]


def test_the_packaged_alerts_are_versioned_with_reasons(book: AlertBook) -> None:
    assert {a.id for a in book.alerts} >= {"red-flag", "rules-escalation", "inactive-2-days", "inactive-14-days"}
    assert all(a.version >= 1 and a.reason for a in book.alerts)
    assert isinstance(load_catalog(), Catalog)


def _broken(tmp_path: Path, change: object) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(default_content_dir(), folder)
    path = folder / "alerts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


def _escalation(data: dict) -> dict:  # type: ignore[type-arg]
    return next(a for a in data["alerts"] if a["trigger"]["test"] == "escalation")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["alerts"][0].update(tier="urgent"), "alerts.0.tier"),
        (lambda d: d["alerts"][0]["trigger"].update(test="sneezing"), "alerts.0.trigger.test"),
        (lambda d: d["alerts"].append(dict(d["alerts"][0])), "alert ids must be unique; repeated: red-flag"),
        (lambda d: d["alerts"][1]["trigger"].pop("at_least"), "'at_least' is needed for test leg-pain"),
        (lambda d: d["alerts"][0]["trigger"].update(days=3), "'days' is not allowed for red-flag"),
        (lambda d: _escalation(d)["trigger"].update(rules=["no-such-rule"]), "unknown rule 'no-such-rule'"),
        (lambda d: _escalation(d)["trigger"].update(advice=["shrug"]), "unknown advice 'shrug'"),
    ],
)
def test_bad_alert_content_is_refused_naming_file_and_field(tmp_path: Path, change: object, message: str) -> None:
    folder = _broken(tmp_path, change)
    with pytest.raises(ContentError, match=r"alerts\.yaml") as raised:
        load_catalog(folder)
    assert message in str(raised.value)
