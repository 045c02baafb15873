"""What tests in every folder share: CI honesty, fresh databases, a patient cleared to exercise, a session driver.

Under `CI=true` nothing a test needs may be missing: the labelled clips in `../shared/media` and the PostgreSQL
server fail the test there instead of skipping it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal, NoReturn

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.domain.adaptation import load_rules
from sciatica_coach.domain.screening import all_no
from sciatica_coach.settings import Settings
from sciatica_coach.storage.db import make_engine, make_session_factory, transaction
from sciatica_coach.storage.migrate import upgrade
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import record_screening

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MEDIA_DIR = PROJECT_ROOT.parent / "shared" / "media"  # the real labelled clips, beside the checkout
POSTGRES_ADMIN_URL = os.environ.get("SCIATICA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DatabaseKind = Literal["sqlite", "postgres"]
# The red line inside a session: pain above it (rules.yaml, traffic_light.acceptable_max) ends an exercise.
PAIN_LIMIT = load_rules().traffic_light.acceptable_max
Check = dict[str, Any]
CheckFor = Callable[[str, str], Check]  # (exercise id, "before"/"after") -> the answers


def under_ci() -> bool:
    """Whether the tests run in CI (`CI=true`), where nothing they need may be missing."""
    return os.environ.get("CI") == "true"


def missing(what: str) -> NoReturn:
    """Something the test needs is absent: skip with the reason, or fail under CI=true."""
    if under_ci():
        pytest.fail(f"{what}; it is required under CI=true")
    pytest.skip(what)


def require_media() -> Path:
    """The folder of real labelled clips; skips (fails under CI=true) when it is absent."""
    if not (MEDIA_DIR / "labels.csv").is_file():
        missing(f"real test clips not found: {MEDIA_DIR} (../shared/media beside the checkout) is absent")
    return MEDIA_DIR


# Fixtures that need the real labelled clips; a test using one must be marked `video`.
CLIP_FIXTURES = frozenset({"media", "clip_frames", "fake_camera"})


def unmarked_clip_users(items: Sequence[pytest.Item]) -> list[str]:
    """The tests that use the real clips without the `video` marker, each with the fixture it uses."""
    found = []
    for item in items:
        used = CLIP_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if used and item.get_closest_marker("video") is None:
            found.append(f"{item.nodeid} uses {', '.join(sorted(used))} but is not marked video")
    return found


def _postgres_unreachable() -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0]
    return None


@contextmanager
def fresh_database(kind: DatabaseKind, folder: Path) -> Iterator[str]:
    """A migrated database that lives as long as the block: an SQLite file in `folder`, or a new PostgreSQL database.

    PostgreSQL skips when the server is not reachable, and fails under CI=true.
    """
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'test.db'}"
        upgrade(url)
        yield url
        return
    reason = _postgres_unreachable()
    if reason is not None:
        missing(f"PostgreSQL not reachable at 127.0.0.1:5432 ({reason})")
    name = f"sc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def session_factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on `database_url`; the engine is disposed afterwards."""
    engine = make_engine(database_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def clear_to_exercise(database_url: str) -> int:
    """Record a clean full screening for the default patient (as the screening page would); returns their id."""
    with session_factory(database_url) as factory, transaction(factory) as db:
        patient = default_patient(db)
        record_screening(db, patient.id, "full", all_no("full"))
        return patient.id


# A complete, calm set of morning check-in answers (JSON), without the safety questions.
MORNING_OK: dict[str, Any] = {
    "back_pain": 2,
    "leg_pain": 3,
    "left_reach": "thigh",
    "right_reach": "none",
    "numbness": False,
    "weakness": False,
}


def screening_form(*yes: str, cautions: dict[str, bool] | None = None) -> dict[str, str]:
    """The full screening form as posted (`rf_<id>` for each warning sign, `ca_<id>` for each caution): every answer
    "no" except `yes`, and the cautions as given (all "no" by default)."""
    answers = {**all_no("full"), **dict.fromkeys(yes, True)}
    given = {"pregnancy": False, "spinal-stenosis": False, **(cautions or {})}
    return {
        **{f"rf_{key}": "yes" if value else "no" for key, value in answers.items()},
        **{f"ca_{key}": "yes" if value else "no" for key, value in given.items()},
    }


def assessment_form(note: str = "", *, on: date | None = None, by: str = "Dr Lee") -> dict[str, str]:
    """The safety page's assessment form, confirmed, with who assessed the person and when (today by default)."""
    day = on or datetime.now(UTC).date()
    return {"confirm": "yes", "assessed_by": by, "assessed_on": day.isoformat(), "note": note}


def screen_clean(app: FastAPI) -> int:
    """`clear_to_exercise` for the database an app was built on."""
    settings: Settings = app.state.settings
    return clear_to_exercise(settings.database_url)


class Driver:
    """Drives sessions through the HTTP API the way the player does."""

    clean_check: ClassVar[Check] = {"back": 2, "leg": 3, "left_reach": "thigh", "right_reach": "none"}

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def start(self) -> str:
        """Start a session through the form endpoint; returns its id."""
        response = self.client.post("/sessions", follow_redirects=False)
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        assert location.startswith("/session/")
        return location.removeprefix("/session/")

    def state(self, session_id: str) -> dict[str, Any]:
        """The session's state from the API."""
        response = self.client.get(f"/api/sessions/{session_id}")
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def progress(self, session_id: str, index: int) -> tuple[int, dict[str, Any]]:
        """POST /progress; returns status and JSON body."""
        response = self.client.post(f"/api/sessions/{session_id}/progress", json={"completed_index": index})
        return response.status_code, response.json()

    def play(self, session_id: str, until: int | None = None, check_for: CheckFor | None = None) -> list[str]:
        """Complete phases in order from the saved position up to (not including) `until`, answering checks with
        `check_for(exercise id, "before"/"after")` (else `clean_check`); returns the exercises whose before-check
        was answered."""
        data = self.state(session_id)
        stop = data["total"] if until is None else until
        exercises: list[str] = []
        for phase in data["script"][data["position"] : stop]:
            if phase["kind"] in ("check-before", "check-after"):
                when = "before" if phase["kind"] == "check-before" else "after"
                if when == "before":
                    exercises.append(phase["exercise_id"])
                answers = self.clean_check if check_for is None else check_for(phase["exercise_id"], when)
                body = {"index": phase["index"], **answers}
                response = self.client.post(f"/api/sessions/{session_id}/check", json=body)
            else:
                response = self.client.post(
                    f"/api/sessions/{session_id}/progress", json={"completed_index": phase["index"]}
                )
            assert response.status_code == 200, response.text
        return exercises

    def play_session(self, check_for: CheckFor | None = None) -> list[str]:
        """Start a session and play it to the end; returns the exercise ids it held."""
        session_id = self.start()
        exercises = self.play(session_id, check_for=check_for)
        assert self.state(session_id)["status"] == "completed"
        return exercises


def a_day_passes(factory: sessionmaker[Session]) -> None:
    """Move every morning check-in saved so far back by a day, as if a night had passed: the next morning check-in
    is a new day's, not a correction of today's (one a day). For tests that play several days in one."""
    from sciatica_coach.storage.models import CheckIn

    with factory.begin() as db:
        for row in db.scalars(select(CheckIn).where(CheckIn.kind == "morning")):
            row.created_at = row.created_at - timedelta(days=1)


# Clinic mode in tests: a strong secret, a cheaper Argon2 cost (still Argon2id through pwdlib), and a password that
# passes the length rules.
CLINIC_SECRET = "t3st-Cl1nic_secret-key-9QxLm2VbNz7Rk"
PASSWORD = "correct horse battery"


def clinic_settings(database_url: str) -> Settings:
    """Settings for the app in clinic mode on the test database (TestClient's host allowed)."""
    return Settings(
        mode="clinic",
        secret_key=CLINIC_SECRET,
        database_url=database_url,
        speech=False,
        allowed_hosts=["127.0.0.1", "localhost", "testserver"],
    )


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    """Post the sign-in form (without following the redirect); returns the response."""
    return client.post("/signin", data={"email": email, "password": password}, follow_redirects=False)
