"""The demonstration's page context: what `_demo.html` draws for the exercise page and (later) the player."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.demonstration import BONES, demonstrate
from sciatica_coach.domain.engine.prescription import prescribe
from sciatica_coach.web.demonstrations import caption, demo_view, program_dose


def test_the_player_gets_one_view_per_side_following_its_clock(library: Library) -> None:
    exercise = library.exercise("nerve-glide")
    view = demo_view(exercise, prescribe(library, "nerve-glide"), sides=("left", "right"), speed=20.0, sync=True)
    assert view is not None
    assert view["sync"] is True and view["speed"] == 20.0
    assert set(view["data"]["views"]) == {"left", "right"}
    assert view["data"]["first"] == "left"
    left, right = view["data"]["views"]["left"], view["data"]["views"]["right"]
    assert left["frames"][left["still"]]["p"] != right["frames"][right["still"]]["p"]  # seen from the working side
    assert len(view["bones"]) == len(BONES)


def test_the_words_say_the_timing_and_the_cues(library: Library) -> None:
    exercise = library.exercise("prone-press-up")
    view = demo_view(exercise, program_dose(library, "prone-press-up"))
    assert view is not None
    words = view["caption"]
    assert "Over 3 seconds: Breathe out and press your chest up a little. Hips stay down." in words
    assert "Hold for 2 seconds:" in words
    assert "Rest 22 seconds between repetitions." in words  # the real rest, though the figure rests 3 s


def test_the_program_dose_times_the_exercise_page(library: Library) -> None:
    assert program_dose(library, "nerve-glide").hold_seconds == 5
    assert program_dose(library, "nerve-glide-bent-knee").exercise_id == "nerve-glide-bent-knee"  # not in the program
    exercise = library.exercise("hip-hinge")
    one = demonstrate(exercise, prescribe(library, "hip-hinge", hold=1.0))
    assert "Hold for 1 second:" in caption(exercise, one)


def test_the_player_page_draws_each_exercise_on_the_sides_its_reps_are_done(client: TestClient, screened: int) -> None:
    started = client.post("/sessions", headers={"accept": "text/html"}, follow_redirects=True)
    assert started.status_code == 200
    blocks = re.findall(r'<script type="application/json" class="demo-data">(.*?)</script>', started.text, re.S)
    views = {data["exercise"]: (data["first"], sorted(data["views"])) for data in map(json.loads, blocks)}
    assert views["nerve-glide"] == ("left", ["left", "right"])  # not the side-less checks around it
    assert views["hip-hinge"] == ("", [""])
