"""What tests in every folder share: CI honesty, fresh databases, a patient cleared to exercise, a session driver.

Under `CI=true` nothing a test needs may be missing: the labelled clips in `../shared/media` and the PostgreSQL
server fail the test there instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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
from sciatica_coach.storage.models import Base
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


# Fixtures that drive Chromium or serve the app on a port; a test using one, or living in tests/browser/, must be
# marked `browser`: `make test` runs the unmarked tests on parallel workers and the browser tests alone after them.
BROWSER_FIXTURES = frozenset({"playwright", "browser", "page", "live_server"})


def unmarked_browser_tests(items: Sequence[pytest.Item]) -> list[str]:
    """The tests that drive a browser (by folder or fixture) without the `browser` marker."""
    found = []
    for item in items:
        in_folder = "tests/browser/" in Path(str(getattr(item, "path", ""))).as_posix()
        used = BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if (in_folder or used) and item.get_closest_marker("browser") is None:
            why = f"uses {', '.join(sorted(used))}" if used else "is in tests/browser/"
            found.append(f"{item.nodeid} {why} but is not marked browser")
    return found


def _postgres_unreachable(admin_url: str) -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        engine = create_engine(admin_url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0]
    return None


# What a PostgreSQL test database is made of, to tell whether a test changed the schema (a table of its own, a
# column, an index): such a database is dropped instead of being reused.
_POSTGRES_SCHEMA = text(
    "SELECT c.relkind::text || ' ' || c.relname || ' ' || coalesce(string_agg("
    "  a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull::text, ',' ORDER BY a.attnum"
    "), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    " WHERE n.nspname = 'public' GROUP BY c.relkind, c.relname"
    " UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
    " WHERE connamespace = 'public'::regnamespace"
    " UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'"
    " UNION ALL SELECT 'revision ' || version_num FROM alembic_version"
)
_RESTART_SEQUENCES = text(
    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false)"
    " FROM pg_sequences WHERE schemaname = 'public'"
)
_OTHER_CONNECTIONS = text(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
)


class DatabasePool:
    """Migrated test databases for this test process (each pytest-xdist worker has its own).

    Alembic runs once per kind and process, not once per test. SQLite: every test gets a copy of a migrated template
    file, so it is as new as a freshly migrated one. PostgreSQL: a migrated database is reused once its test is over,
    after the connections it left open are closed, every table is emptied and every id sequence restarted (ids start
    at 1 again); one whose schema a test changed (a table, column, index or constraint of its own) is dropped and a
    new one migrated. A test that holds two at once gets two. `close()` (at the end of the run) drops them all.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._sqlite_template: Path | None = None
        self._free: dict[str, list[str]] = {}  # admin URL -> idle database names
        self._made: dict[str, list[str]] = {}  # admin URL -> every database this pool created
        self._schema: dict[str, list[str]] = {}  # admin URL -> the migrated schema, as `_POSTGRES_SCHEMA` rows

    @property
    def template_folder(self) -> Path | None:
        """Where the SQLite template lives, once made."""
        return self._folder

    def sqlite_copy(self, path: Path) -> str:
        """A freshly migrated SQLite database at `path` (a copy of the template); returns its URL."""
        if self._sqlite_template is None:
            self._folder = Path(tempfile.mkdtemp(prefix="sc-test-templates-"))
            template = self._folder / "template.db"
            upgrade(f"sqlite:///{template}")
            self._sqlite_template = template
        for suffix in ("-wal", "-shm"):  # every connection of the upgrade was closed: all is in the main file
            assert not Path(f"{self._sqlite_template}{suffix}").exists(), f"the SQLite template has a {suffix} file"
        shutil.copyfile(self._sqlite_template, path)
        return f"sqlite:///{path}"

    def take_postgres(self, admin_url: str) -> str:
        """The name of an empty, migrated database on the server `admin_url` reaches, for one test."""
        free = self._free.setdefault(admin_url, [])
        while free:
            name = free.pop()
            if self._reset(admin_url, name):
                return name
            self._drop(admin_url, name)
        reason = _postgres_unreachable(admin_url)
        if reason is not None:
            missing(f"PostgreSQL not reachable at 127.0.0.1:5432 ({reason})")
        name = f"sc_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        self._made.setdefault(admin_url, []).append(name)
        url = database_url_for(admin_url, name)
        upgrade(url)
        if admin_url not in self._schema:
            schema = self._read_schema(url)
            tables = {row.split(" ")[1] for row in schema if row.startswith("r ")}
            models = {table.name for table in Base.metadata.sorted_tables}
            assert tables == models | {"alembic_version"}, f"the migrations make {tables}, the models {models}"
            self._schema[admin_url] = schema
        return name

    def give_back(self, admin_url: str, name: str) -> None:
        """The test using `name` is over: it may be reset and reused."""
        self._free.setdefault(admin_url, []).append(name)

    def close(self) -> None:
        """Drop every PostgreSQL database made and remove the SQLite template."""
        for admin_url, names in self._made.items():
            for name in list(names):
                self._drop(admin_url, name)
        self._made.clear()
        self._free.clear()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = self._sqlite_template = None

    @staticmethod
    def _read_schema(url: str) -> list[str]:
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                return sorted(str(row) for row in conn.execute(_POSTGRES_SCHEMA).scalars())
        finally:
            engine.dispose()

    def _reset(self, admin_url: str, name: str) -> bool:
        """Close what the last test left connected and empty every table, restarting every id sequence; False when
        the last test changed the schema."""
        engine = create_engine(database_url_for(admin_url, name))
        try:
            with engine.begin() as conn:
                conn.execute(_OTHER_CONNECTIONS, {"name": name})
                if sorted(str(row) for row in conn.execute(_POSTGRES_SCHEMA).scalars()) != self._schema[admin_url]:
                    return False
                # DELETE, children first: on tables this small it is far cheaper than TRUNCATE, which makes new files.
                for table in reversed(Base.metadata.sorted_tables):
                    conn.execute(table.delete())
                conn.execute(_RESTART_SEQUENCES)
        finally:
            engine.dispose()
        return True

    def _drop(self, admin_url: str, name: str) -> None:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()
        made = self._made.get(admin_url, [])
        if name in made:
            made.remove(name)


def database_url_for(admin_url: str, name: str) -> str:
    """The URL of database `name` on the server `admin_url` reaches."""
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


# The pool of this test process; `tests/conftest.py` closes it when the run ends.
DATABASES = DatabasePool()


@contextmanager
def fresh_database(kind: DatabaseKind, folder: Path) -> Iterator[str]:
    """A migrated, empty database that is the block's alone: an SQLite file in `folder`, or a PostgreSQL database
    (from `DATABASES`: migrated once per process, emptied between tests).

    PostgreSQL skips when the server is not reachable, and fails under CI=true.
    """
    if kind == "sqlite":
        yield DATABASES.sqlite_copy(folder / "test.db")
        return
    admin_url = POSTGRES_ADMIN_URL
    name = DATABASES.take_postgres(admin_url)
    try:
        yield database_url_for(admin_url, name)
    finally:
        DATABASES.give_back(admin_url, name)


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
            if phase["kind"] in ("check-before", "check-between", "check-after"):
                when = "before" if phase["kind"] == "check-before" else "after"
                if when == "before":
                    exercises.append(phase["exercise_id"])
                answers = self.clean_check if check_for is None else check_for(phase["exercise_id"], when)
                body = {"index": phase["index"], **answers}
                response = self.client.post(f"/api/sessions/{session_id}/check", json=body)
                if phase["kind"] == "check-between":  # also the check before the next exercise
                    exercises.append(data["script"][phase["index"] + 1]["exercise_id"])
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
