"""`sciatica-coach rules simulate`: the format of its answer, --check, and clear errors for bad scenario files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import PROJECT_ROOT
from sciatica_coach.cli.main import app

SCENARIOS = PROJECT_ROOT / "scenarios"
CALM = {"back_pain": 2, "leg_pain": 2, "left_reach": "thigh"}


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["rules", "simulate", *args], env={"COLUMNS": "200"})


def write(tmp_path: Path, data: object, name: str = "s.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_json_is_one_object_per_day_in_the_documented_shape() -> None:
    result = run(str(SCENARIOS / "worsening.yaml"), "--json")
    assert result.exit_code == 0, result.output
    days = json.loads(result.stdout)
    assert [day["date"] for day in days[:2]] == ["2025-03-03", "2025-03-04"]
    for day in days:
        assert set(day) == {"date", "plan", "advice", "changes", "locked", "alerts"}
        assert set(day["advice"]) == {"level", "text"} and day["advice"]["text"]
        assert day["locked"] is False
        for item in day["plan"].values():
            assert set(item) == {"reps", "hold_seconds", "status"} and item["status"] in ("active", "paused", "stopped")
        for change in day["changes"]:
            assert set(change) == {"rule", "exercise_id", "reason"}
        for alert in day["alerts"]:
            assert set(alert) == {"alert", "tier", "reason"} and alert["tier"] in ("low", "high", "critical")
    assert days[0]["alerts"] == []  # a calm first day raises nothing
    # Day 2: the worse morning escalates (the rules stop the hip hinge) and numbness is new.
    assert [(a["alert"], a["tier"]) for a in days[1]["alerts"]] == [
        ("spreading", "high"),
        ("new-nerve-signs", "high"),
        ("rules-escalation", "high"),
    ]
    assert days[4]["alerts"][0]["alert"] == "leg-pain-high"  # leg pain 7
    assert days[0]["advice"]["level"] == "continue"
    assert days[1]["advice"]["level"] == "contact-clinician"
    assert {c["rule"] for c in days[1]["changes"]} == {"worse-at-minimum-stop"}
    assert days[1]["plan"]["hip-hinge"] == {"reps": 5, "hold_seconds": 2.0, "status": "stopped"}


def test_text_output_names_each_day_its_advice_and_changes() -> None:
    result = run(str(SCENARIOS / "cauda-equina-day-5.yaml"))
    assert result.exit_code == 0, result.output
    assert "Cauda equina signs at day 5" in result.output
    assert "Day 5, 2025-03-07 exercise locked" in result.output
    assert "Advice: get emergency help now (emergency)" in result.output
    assert "Changed by traffic-light-progress (hip-hinge)" in result.output
    assert "Not done (not in the plan, or exercise locked): hip-hinge" in result.output
    assert "Alert for the clinician, critical: red-flag" in result.output


def test_a_json_scenario_and_a_day_without_anything(tmp_path: Path) -> None:
    scenario = {"start": "2025-01-06", "days": [{"morning": CALM}, {}, {"morning": {**CALM, "leg_pain": 5}}]}
    result = run(write(tmp_path, scenario), "--json")
    assert result.exit_code == 0, result.output
    days = json.loads(result.stdout)
    levels = [day["advice"]["level"] for day in days]
    assert levels == ["continue", "continue", "contact-clinician"]  # leg pain up 3 within the week
    assert [[a["alert"] for a in day["alerts"]] for day in days] == [[], [], ["leg-pain-rise", "rules-escalation"]]


def test_the_inactivity_alerts_each_day_would_raise(tmp_path: Path) -> None:
    """Two quiet days raise the low alert (once for the spell); fourteen the high one; a check-in ends the spell."""
    scenario = {"start": "2025-01-06", "days": [{"morning": CALM}, *[{}] * 15, {"morning": CALM}, {}, {}, {}]}
    result = run(write(tmp_path, scenario), "--json")
    assert result.exit_code == 0, result.output
    raised = {day["date"]: [(a["alert"], a["tier"]) for a in day["alerts"]] for day in json.loads(result.stdout)}
    assert {date: alerts for date, alerts in raised.items() if alerts} == {
        "2025-01-08": [("inactive-2-days", "low")],  # the check-in of the 6th at 08:00; by the 8th's end: 2.7 days
        "2025-01-20": [("inactive-14-days", "high")],
        "2025-01-24": [("inactive-2-days", "low")],  # a new spell after the check-in of the 22nd
    }


def test_check_exits_1_naming_what_did_not_hold(tmp_path: Path) -> None:
    scenario = {"start": "2025-01-06", "days": [{"morning": CALM}], "expect": [{"day": 1, "advice": "ease-off"}]}
    result = run(write(tmp_path, scenario), "--check")
    assert result.exit_code == 1
    assert "day 1 (2025-01-06): advice is continue, expected ease-off" in result.output
    passing = {**scenario, "expect": [{"day": 1, "advice": "continue", "locked": False}]}
    ok = run(write(tmp_path, passing, "ok.json"), "--check")
    assert ok.exit_code == 0 and "All 1 expectations hold." in ok.output


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days": [{}]}, "field 'start': Field required"),
        (
            {"start": "2025-01-06", "cautions": {"vertigo": True}, "days": [{}]},
            "field 'cautions': unknown caution vertigo",
        ),
        ({"start": "2025-01-06", "days": []}, "field 'days'"),
        ({"start": "2025-01-06", "days": [{"morning": {**CALM, "leg_pain": 11}}]}, "field 'days.0.morning.leg_pain'"),
        ({"start": "2025-01-06", "days": [{"morning": {**CALM, "left_reach": "knee"}}]}, "days.0.morning.left_reach"),
        ({"start": "2025-01-06", "days": [{"morning": {**CALM, "mood": 3}}]}, "field 'days.0.morning.mood'"),
        (
            {"start": "2025-01-06", "days": [{"morning": {**CALM, "red_flags": {"headache": True}}}]},
            "field 'days.0.morning.red_flags.headache': not a warning-sign question",
        ),
        (
            {"start": "2025-01-06", "days": [{"sessions": [{"toe-touch": {"before": CALM, "after": CALM}}]}]},
            "field 'days.0.sessions.0.toe-touch': unknown exercise",
        ),
        (
            {"start": "2025-01-06", "days": [{"sessions": [{"hip-hinge": {"before": CALM}}]}]},
            "'after' is needed unless the exercise was stopped for pain",
        ),
        ({"start": "2025-01-06", "days": [{}], "expect": [{"day": 3}]}, "there are only 1 days"),
        ("[1, 2", "not valid JSON"),
        ([1, 2], "expected a mapping with 'start' and 'days'"),
    ],
)
def test_bad_scenarios_get_a_clear_error_naming_the_field(tmp_path: Path, data: object, message: str) -> None:
    result = run(write(tmp_path, data))
    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())  # the console wraps long lines
    assert "Error: bad scenario:" in output and message in output
    assert "Traceback" not in result.output


def test_bad_yaml_and_missing_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("start: 2025-01-06\ndays: [\n")
    result = run(str(bad))
    assert result.exit_code == 2 and "not valid YAML" in result.output
    missing = run(str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "cannot read file" in missing.output
