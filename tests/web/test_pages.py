"""Every page renders, on both databases, with the content it promises."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from helpers import Driver
from sciatica_coach.domain.content import Library

HTML = {"accept": "text/html"}


def test_today_shows_program_and_not_a_clinician_line(client: TestClient, screened: int, library: Library) -> None:
    response = client.get("/", headers=HTML)
    assert response.status_code == 200
    for item in library.program.items:
        assert f'href="/exercises/{item.exercise}"' in response.text
    assert "5 reps on each leg, 5-second hold" in response.text  # the nerve glide's dose, in words
    assert "Not a clinician." in response.text
    assert re.search(r'<button type="submit"\s*>Start session</button>', response.text)
    assert 'action="/sessions"' in response.text


def test_today_without_screening_shows_the_gate_and_disables_start(client: TestClient) -> None:
    response = client.get("/", headers=HTML)
    assert response.status_code == 200
    assert 'id="gate"' in response.text
    assert "Answer a few safety questions before your first session" in response.text
    assert 'href="/screening"' in response.text
    assert re.search(r"<button type=\"submit\" disabled[^>]*>Start session</button>", response.text)


def test_today_offers_resume_when_a_session_is_in_progress(client: TestClient, screened: int) -> None:
    session_id = client.post("/sessions", follow_redirects=False).headers["location"].removeprefix("/session/")
    response = client.get("/", headers=HTML)
    assert f'href="/session/{session_id}"' in response.text
    assert "Resume session" in response.text
    assert "Start session" not in response.text


def test_learn_page_gives_the_three_reasons(client: TestClient, library: Library) -> None:
    response = client.get("/learn", headers=HTML)
    assert response.status_code == 200
    section = next(s for s in library.education.sections if s.id == "why-not-hamstrings")
    assert len(section.bullets) == 3
    for reason in section.bullets:
        assert reason in response.text
    for cause in ("herniated or bulging disc", "piriformis", "stenosis", "Degenerative disc disease", "Pregnancy"):
        assert cause in response.text
    assert "Never in this program: hamstring stretches" in response.text


def test_exercise_list_links_every_technique_and_the_variant(client: TestClient) -> None:
    response = client.get("/exercises", headers=HTML)
    assert response.status_code == 200
    for exercise_id in ("nerve-glide", "nerve-glide-bent-knee", "prone-press-up", "hip-hinge"):
        assert f'href="/exercises/{exercise_id}"' in response.text
    assert response.text.count("<svg") == 3  # one drawing per main technique


@pytest.mark.parametrize("exercise_id", ["nerve-glide", "nerve-glide-bent-knee", "prone-press-up", "hip-hinge"])
def test_exercise_page_has_every_part(client: TestClient, library: Library, exercise_id: str) -> None:
    exercise = library.exercise(exercise_id)
    response = client.get(f"/exercises/{exercise_id}", headers=HTML)
    assert response.status_code == 200
    text = response.text
    assert text.count("<svg") == len(exercise.illustrations) + 1  # inline, not escaped; and the moving figure
    assert text.count('<figure class="demo"') == 1
    # The key positions are the same body's still frames (at rest and at the top), not the old hand-drawn lines.
    assert text.count('<svg class="demo-figure"') == 1 + min(2, len(exercise.illustrations))
    assert '<script type="application/json" class="demo-data">' in text
    assert "&lt;svg" not in text
    for picture in exercise.illustrations:
        assert picture.caption in text
    for step in exercise.steps:
        assert f'id="step-{step.id}"' in text
    for words in (*exercise.breathing_cues, *exercise.stop_rules, *exercise.good_signs, *exercise.avoid):
        assert words.replace("'", "&#39;") in text
    assert "times a day" in text


def test_dosage_is_in_plain_words(client: TestClient) -> None:
    glide = client.get("/exercises/nerve-glide", headers=HTML).text
    assert "5 to 10 slow repetitions, then the same on the other leg" in glide
    assert "Hold each one for 5 seconds" in glide
    assert "2 to 4 times a day" in glide
    press = client.get("/exercises/prone-press-up", headers=HTML).text
    assert "Hold each one for 1 to 2 seconds" in press
    assert "Spread over 2 to 5 minutes" in press


def test_glide_links_its_bent_knee_variant_and_back(client: TestClient) -> None:
    glide = client.get("/exercises/nerve-glide", headers=HTML).text
    assert 'href="/exercises/nerve-glide-bent-knee"' in glide
    bent = client.get("/exercises/nerve-glide-bent-knee", headers=HTML).text
    assert 'href="/exercises/nerve-glide"' in bent


def test_unknown_exercise_is_a_helpful_404(client: TestClient) -> None:
    response = client.get("/exercises/hamstring-stretch", headers=HTML)
    assert response.status_code == 404
    assert "We could not find that exercise" in response.text
    assert "hamstring-stretch" in response.text
    assert 'href="/exercises/nerve-glide"' in response.text


def test_empty_history_invites_a_first_session(client: TestClient) -> None:
    response = client.get("/history", headers=HTML)
    assert response.status_code == 200
    assert "No sessions yet" in response.text


def test_every_script_and_stylesheet_a_page_loads_is_served(client: TestClient, drive: Driver, screened: int) -> None:
    session_id = drive.start()
    for path in ("/", "/learn", "/checkin", f"/session/{session_id}"):
        page = client.get(path, headers=HTML).text
        assets = re.findall(r'(?:src|href)="(?:http://testserver)?(/static/[^"]+)"', page)
        assert any(asset.endswith(".css") for asset in assets), path
        for asset in assets:
            assert client.get(asset).status_code == 200, f"{path} loads {asset}, which is not served"
