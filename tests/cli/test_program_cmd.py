"""`sciatica-coach program`: the program as JSON with ids and dosages, and as text that never advises a stretch."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sciatica_coach.cli.main import app
from sciatica_coach.domain.content import Library

IDS = ["nerve-glide", "nerve-glide-bent-knee", "prone-press-up", "hip-hinge"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "100"})
    return result.exit_code, result.output


def test_json_lists_every_exercise_with_its_dosage() -> None:
    code, output = run("program", "--json")
    assert code == 0
    data = json.loads(output)
    exercises = {e["id"]: e for e in data["exercises"]}
    assert list(exercises) == IDS
    glide = exercises["nerve-glide"]["dosage"]
    assert glide["reps"] == {"min": 5, "max": 10} and glide["hold_seconds"] == {"min": 5, "max": 5}
    assert glide["per_side"] is True and glide["sets"] == 1 and glide["times_per_day"]["min"] >= 2
    assert glide["duration_minutes"] is None
    press = exercises["prone-press-up"]["dosage"]
    assert press["reps"] == {"min": 5, "max": 10} and press["hold_seconds"] == {"min": 1, "max": 2}
    assert press["per_side"] is False and press["duration_minutes"] == {"min": 2, "max": 5}
    assert exercises["nerve-glide-bent-knee"]["variant_of"] == "nerve-glide"
    assert exercises["nerve-glide-bent-knee"]["dosage"]["reps"] == {"min": 5, "max": 10}
    hinge = exercises["hip-hinge"]
    assert any("thighs" in step["text"] for step in hinge["steps"])
    for exercise in exercises.values():
        assert exercise["steps"] and exercise["stop_rules"] and exercise["cues"]["move"]
        assert set(exercise["cues"]) >= {"get_ready", "move", "hold", "return", "rest"}


def test_json_marks_the_default_program(library: Library) -> None:
    _, output = run("program", "--json")
    data = json.loads(output)
    items = data["program"]["items"]
    assert [i["exercise_id"] for i in items] == [i.exercise for i in library.program.items]
    assert items[0] == {"exercise_id": "nerve-glide", "reps": 5, "hold_seconds": 5, "sides": ["left", "right"]}
    marked = {e["id"]: e["in_default_program"] for e in data["exercises"]}
    assert marked == {"nerve-glide": True, "nerve-glide-bent-knee": False, "prone-press-up": True, "hip-hinge": True}
    assert [c["id"] for c in data["never_offered"]] == ["hamstring-stretch"]
    assert len(data["never_offered"][0]["reasons"]) == 3
    assert "does not replace" in data["disclaimer"]


def test_text_shows_each_exercise_with_dosage_and_stop_rules(library: Library) -> None:
    code, output = run("program")
    assert code == 0
    for exercise in library.exercises.values():
        assert f"({exercise.id})" in output
    assert output.count("Dosage:") == 4 and output.count("Stop rules:") == 4
    press = output.split("(prone-press-up)")[1]  # the same words as the exercise's web page
    assert "5 to 10 slow repetitions" in press and "Hold each one for 1 to 2 seconds" in press
    assert "Spread over 2 to 5 minutes" in press
    assert "In the default program: 5 reps on each leg, 5-second hold" in output
    assert "does not replace" in output


def test_text_mentions_hamstring_stretches_only_as_a_warning() -> None:
    _, output = run("program")
    exercises, warning = output.split("Left out on purpose")
    assert "hamstring" not in exercises.lower()
    assert "Do not do: Hamstring stretches" in warning
    assert "irritated sciatic nerve tighter" in warning


def test_help_describes_the_options() -> None:
    code, output = run("program", "--help")
    assert code == 0 and "--json" in output
