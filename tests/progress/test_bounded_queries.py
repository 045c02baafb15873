"""The read pages cost the same with 2 years of daily history as with the window they show (not timed).

Three profiles in one database hold 7, 28 and 730 days of the same daily routine. Each page is requested for each
profile while SQLAlchemy events record every statement; each SELECT is then run again to count the rows it
returned. The long history must issue the same statements and read the same number of rows as a history just as
long as the window; on SQLite no query plan may read a whole history table, or all of one patient's rows in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, update

from sciatica_coach.domain.content import Library
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.demo_load import write_steady_history
from sciatica_coach.storage.models import CheckIn, Patient
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.plans import apply_adaptation
from sciatica_coach.storage.safety import record_screening

LONG = 730
HISTORY_TABLES = ("checkins", "exercise_sessions", "screenings", "safety_locks", "plan_changes", "audit_entries")


@dataclass
class Recorded:
    """The statements one request issued, with their parameters."""

    statements: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [text for text, _ in self.statements]

    def selects(self) -> list[tuple[str, Any]]:
        return [(text, params) for text, params in self.statements if text.lstrip().upper().startswith("SELECT")]


@pytest.fixture
def profiles(app: FastAPI, library: Library) -> dict[int, int]:
    """Patient ids by days of history (7, 28, 730), each cleared to exercise and with the rules up to date."""
    ids: dict[int, int] = {}
    with app.state.session_factory() as db:
        first = default_patient(db)
        for days in (7, 28, LONG):
            patient = first if days == 7 else Patient(display_name=f"{days} days", is_default=False)
            db.add(patient)
            db.flush()
            record_screening(db, patient.id, "full", all_no("full"))
            write_steady_history(db, patient.id, library, days)
            db.flush()
            apply_adaptation(db, patient.id, library)
            ids[days] = patient.id
        db.commit()
    return ids


@pytest.fixture
def recorder(app: FastAPI) -> Iterator[Recorded]:
    """Every statement the app's engine runs while recording."""
    recorded = Recorded()

    def before(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        recorded.statements.append((statement, parameters))

    engine = app.state.engine
    event.listen(engine, "before_cursor_execute", before)
    yield recorded
    event.remove(engine, "before_cursor_execute", before)


def _as(app: FastAPI, patient_id: int) -> None:
    """Make this profile the default one (the one the pages show)."""
    with app.state.session_factory() as db:  # one default profile at a time (a unique index): clear, then set
        db.execute(update(Patient).values(is_default=False))
        db.execute(update(Patient).where(Patient.id == patient_id).values(is_default=True))
        db.commit()
    app.state.local_patient_id = None  # the app remembers who the local profile is; look it up again


def _request(client: TestClient, app: FastAPI, recorder: Recorded, patient_id: int, path: str) -> Recorded:
    _as(app, patient_id)
    assert client.get(path).status_code == 200  # a first request may save the plan state; measure the next one
    recorder.statements.clear()
    assert client.get(path).status_code == 200
    return Recorded(list(recorder.statements))


def _rows(app: FastAPI, recorded: Recorded) -> list[int]:
    """Rows each SELECT of the request returned, run again on its own connection."""
    with app.state.engine.connect() as conn:
        counts = [len(conn.exec_driver_sql(text, params).fetchall()) for text, params in recorded.selects()]
        conn.rollback()
    return counts


def _whole_history_reads(app: FastAPI, recorded: Recorded) -> list[str]:
    """SQLite: query-plan steps that read a whole history table, or all of one patient's rows in it."""
    found = []
    with app.state.engine.connect() as conn:
        for text, params in recorded.selects():
            for step in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {text}", params).fetchall():
                detail = str(step[-1])
                words = detail.split()
                if len(words) < 2 or words[0] not in ("SCAN", "SEARCH") or words[1] not in HISTORY_TABLES:
                    continue
                if words[0] == "SCAN" or detail.endswith("(patient_id=?)"):
                    found.append(f"{detail}  <-  {' '.join(text.split())[:160]}")
        conn.rollback()
    return found


PAGES = [("/progress?days=7", 7), ("/progress", 28), ("/", 7)]  # page, and the history as long as its window


def test_pages_read_the_same_with_two_years_as_with_the_window(
    app: FastAPI, client: TestClient, profiles: dict[int, int], recorder: Recorded
) -> None:
    with app.state.session_factory() as db:
        counts = {
            days: db.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.patient_id == pid)) or 0
            for days, pid in profiles.items()
        }
    assert counts[LONG] > 90 * counts[7] > 0, "the long profile holds about 100 times the rows of the week"
    for path, window in PAGES:
        short = _request(client, app, recorder, profiles[window], path)
        long = _request(client, app, recorder, profiles[LONG], path)
        assert long.texts == short.texts, f"{path}: 2 years of history issue other statements than {window} days"
        assert _rows(app, long) == _rows(app, short), f"{path}: 2 years of history read more rows than {window} days"
        if app.state.engine.dialect.name == "sqlite":
            assert _whole_history_reads(app, long) == [], path
