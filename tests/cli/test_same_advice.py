"""The same history gives the same advice on the check-in page, in the JSON answer, in `sciatica-coach checkin`
and in `sciatica-coach rules simulate` (SQLite and PostgreSQL)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from helpers import clear_to_exercise, fresh_database
from sciatica_coach.cli.main import app as cli_app
from sciatica_coach.domain.catalog import load_catalog
from sciatica_coach.domain.screening import all_no
from sciatica_coach.settings import LOOPBACK_HOSTS, Settings
from sciatica_coach.storage.db import make_engine
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.checkins import morning_checkin
from sciatica_coach.web.app import create_app

# Two mornings before today, then today's: worse two mornings running (spreading, then leg pain up 2).
HISTORY: list[dict[str, Any]] = [
    {"back_pain": 2, "leg_pain": 2, "left_reach": "thigh", "right_reach": "none", "numbness": False, "weakness": False},
    {
        "back_pain": 2,
        "leg_pain": 2,
        "left_reach": "below-knee",
        "right_reach": "none",
        "numbness": True,
        "weakness": False,
    },
]
TODAY: dict[str, Any] = {
    "back_pain": 2,
    "leg_pain": 4,
    "left_reach": "below-knee",
    "right_reach": "none",
    "numbness": True,
    "weakness": False,
}
Channel = Callable[[str, Path], tuple[str, str]]


def words(text: str) -> str:
    return " ".join(text.split())


def _history(url: str) -> None:
    """The mornings before today, saved through the check-in use case with their times."""
    catalog = load_catalog()
    engine = make_engine(url)
    try:
        store = Store(engine)
        patient_id = clear_to_exercise(url)
        for back, answers in zip((2, 1), HISTORY, strict=True):
            at = datetime.combine(date.today() - timedelta(days=back), time(8), tzinfo=UTC)
            morning_checkin(store, catalog, patient_id, answers, all_no("short"), strict=True, at=at)
    finally:
        engine.dispose()


@contextmanager
def _client(url: str) -> Iterator[TestClient]:
    application = create_app(Settings(database_url=url, speech=False, allowed_hosts=[*LOOPBACK_HOSTS, "testserver"]))
    try:
        with TestClient(application) as client:
            yield client
    finally:
        application.state.engine.dispose()


def by_json(url: str, _tmp: Path) -> tuple[str, str]:
    with _client(url) as client:
        response = client.post("/api/checkins/morning", json={**TODAY, "red_flags": all_no("short")})
    assert response.status_code == 201, response.text
    advice = response.json()["advice"]
    return advice["level"], advice["text"]


def by_page(url: str, _tmp: Path) -> tuple[str, str]:
    form = {key: ("yes" if value else "no") if isinstance(value, bool) else str(value) for key, value in TODAY.items()}
    with _client(url) as client:
        response = client.post(
            "/checkin",
            data={**form, **{f"rf_{key}": "no" for key in all_no("short")}},
        )
    assert response.status_code == 200, response.text
    level = re.search(r'data-advice-level="([a-z-]+)"', response.text)
    text = re.search(r'<p class="advice-text">(.*?)</p>', response.text, re.S)
    assert level and text, response.text
    return level.group(1), html.unescape(text.group(1))


def by_terminal(url: str, _tmp: Path) -> tuple[str, str]:
    reach = {"none": "1", "buttock": "2", "thigh": "3", "below-knee": "4", "foot": "5"}
    answers = [
        str(TODAY["back_pain"]),
        str(TODAY["leg_pain"]),
        reach[TODAY["left_reach"]],
        reach[TODAY["right_reach"]],
        "yes" if TODAY["numbness"] else "no",
        "yes" if TODAY["weakness"] else "no",
        *["no"] * len(all_no("short")),
    ]
    env = {"DATABASE_URL": url, "COLUMNS": "4000", "SCIATICA_MODE": "local"}
    result = CliRunner().invoke(cli_app, ["checkin"], input="\n".join(answers) + "\n", env=env)
    assert result.exit_code == 0, result.output
    found = re.search(r"Today's advice: .*? \(([a-z-]+)\)\n(.*?)\n", result.output)
    assert found, result.output
    return found.group(1), found.group(2)


def by_simulator(_url: str, tmp: Path) -> tuple[str, str]:
    days = [{"morning": answers} for answers in (*HISTORY, TODAY)]
    scenario = tmp / "same.json"
    scenario.write_text(json.dumps({"start": (date.today() - timedelta(days=2)).isoformat(), "days": days}))
    result = CliRunner().invoke(cli_app, ["rules", "simulate", str(scenario), "--json"])
    assert result.exit_code == 0, result.output
    advice = json.loads(result.stdout)[-1]["advice"]
    return advice["level"], advice["text"]


def test_the_page_the_json_the_terminal_and_the_simulator_give_the_same_advice(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    kind = "sqlite" if database_url.startswith("sqlite") else "postgres"
    found: dict[str, tuple[str, str]] = {}
    channels: dict[str, Channel] = {"json": by_json, "page": by_page, "terminal": by_terminal, "simulate": by_simulator}
    for name, channel in channels.items():
        folder = tmp_path_factory.mktemp(name)
        with fresh_database(kind, folder) as url:
            _history(url)
            level, text = channel(url, folder)
            found[name] = (level, words(text))
    assert len(set(found.values())) == 1, found
    level, text = found["json"]
    assert level == "contact-clinician"
    assert "You have been worse two mornings running." in text and "contact your clinician today" in text


def test_with_every_exercise_stopped_the_today_page_says_so(database_url: str) -> None:
    _history(database_url)
    with _client(database_url) as client:
        assert client.post("/api/checkins/morning", json={**TODAY, "red_flags": all_no("short")}).status_code == 201
        page = client.get("/").text
    assert "Every exercise is out of your program until a clinician has reviewed it." in page
    assert 'disabled aria-describedby="nothing-today"' in page
