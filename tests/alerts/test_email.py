"""Critical and high alerts reach the clinician by e-mail through the real background worker (procrastinate on
PostgreSQL, `sciatica-coach worker --once`) and a real local SMTP server (aiosmtpd); the e-mail holds only a link,
no health details. The job is enqueued in the alert's own transaction (none when it rolls back). On SQLite the
worker refuses to start, saying why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from alerts.inbox import Inbox, body_of, smtp_inbox
from helpers import MORNING_OK, clinic_settings, fresh_database, sign_in
from sciatica_coach.cli.main import app as cli_app
from sciatica_coach.domain.alerts import Raised
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.alerts import save_alerts
from sciatica_coach.storage.models import Alert, utcnow
from sciatica_coach.storage.safety import record_screening
from sciatica_coach.web.app import create_app
from web.clinic_world import make_clinic

JOBS = text("SELECT task_name, status FROM procrastinate.procrastinate_jobs ORDER BY id")


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_inbox() as found:
        yield found


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database("postgres", tmp_path) as url:
        yield url


def worker(url: str, port: int) -> Any:
    env = {
        "DATABASE_URL": url,
        "SCIATICA_MODE": "local",
        "SCIATICA_SMTP_HOST": "127.0.0.1",
        "SCIATICA_SMTP_PORT": str(port),
        "SCIATICA_MAIL_FROM": "alerts@clinic.test",
        "SCIATICA_BASE_URL": "https://coach.clinic.test",
    }
    return CliRunner().invoke(cli_app, ["worker", "--once"], env=env)


@pytest.mark.postgres
def test_a_red_flag_check_in_emails_the_clinician_a_link_only(
    postgres_url: str, inbox: tuple[Inbox, int], fast_hashing: None
) -> None:
    handler, port = inbox
    app = create_app(clinic_settings(postgres_url))
    try:
        clinic = make_clinic(app)
        with app.state.session_factory() as db:
            db.execute(text("DELETE FROM procrastinate.procrastinate_jobs"))  # none left from a reused database
            assert clinic.patient.patient_id is not None
            record_screening(db, clinic.patient.patient_id, "full", all_no("full"))
            db.commit()
        flags = all_no("short")
        flags[next(iter(flags))] = True
        body = {**MORNING_OK, "leg_pain": 8, "red_flags": flags}
        with TestClient(app) as web:
            sign_in(web, clinic.patient.email)
            assert web.post("/api/checkins/morning", json=body).status_code == 201
        with app.state.session_factory() as db:
            raised = db.execute(select(Alert.id, Alert.alert_id, Alert.tier).order_by(Alert.id)).all()
            assert [(a, t) for _, a, t in raised] == [("red-flag", "critical"), ("leg-pain-high", "high")]
            jobs = db.execute(JOBS).all()
            assert [tuple(job) for job in jobs] == [("sciatica_coach.email_alert", "todo")] * 2

        result = worker(postgres_url, port)
        assert result.exit_code == 0, result.output
        with app.state.session_factory() as db:
            done = [tuple(job) for job in db.execute(JOBS)]
            assert done[:2] == [("sciatica_coach.email_alert", "succeeded")] * 2
            # The hourly inactivity check (at 7 past) is deferred only when the worker starts within procrastinate's
            # catch-up window of that time, so whether it ran depends on the clock; when it ran, it succeeded and
            # raised nothing (everyone joined just now).
            assert set(done[2:]) <= {("sciatica_coach.inactivity", "succeeded")}
            assert db.scalar(select(func.count()).select_from(Alert)) == 2
    finally:
        app.state.engine.dispose()

    assert len(handler.messages) == 2
    links = []
    for recipients, message in handler.messages:
        assert recipients == ["lee@clinic.test"]  # Pat's clinician, Dr Lee
        assert message["From"] == "alerts@clinic.test"
        words = body_of(message)
        links.extend(line.split(": ", 1)[1] for line in words.splitlines() if "/clinic/alerts/" in line)
        for secret in ("Pat One", "pat@example.org", "pain", "8", "red flag", "warning", "urine", "critical", "numb"):
            assert secret.lower() not in (words + message["Subject"]).lower(), secret
    assert sorted(links) == [f"https://coach.clinic.test/clinic/alerts/{alert_id}" for alert_id, _, _ in raised]


@pytest.mark.postgres
def test_the_job_is_enqueued_with_the_alert_or_not_at_all(postgres_url: str, fast_hashing: None) -> None:
    app = create_app(clinic_settings(postgres_url))
    try:
        clinic = make_clinic(app)
        patient = clinic.patient.patient_id
        assert patient is not None
        kind = app.state.catalog.alerts.kind("inactive-2-days")
        low = Raised(kind.id, kind.version, kind.tier, kind.reason, utcnow())
        critical = app.state.catalog.alerts.kind("red-flag")
        red = Raised(critical.id, critical.version, critical.tier, critical.reason, utcnow())
        store = app.state.store
        with store.write(patient) as db:
            db.execute(text("DELETE FROM procrastinate.procrastinate_jobs"))
        with pytest.raises(RuntimeError), store.write(patient) as db:
            save_alerts(db, patient, [red])
            raise RuntimeError("the use case fails after saving")
        with store.write(patient) as db:
            assert db.scalar(select(func.count()).select_from(Alert)) == 0
            assert db.execute(JOBS).all() == []  # rolled back together
            save_alerts(db, patient, [low])  # low alerts are on the dashboard only
        with store.read() as db:
            assert db.scalar(select(func.count()).select_from(Alert)) == 1 and db.execute(JOBS).all() == []
    finally:
        app.state.engine.dispose()


def test_on_sqlite_the_worker_refuses_and_says_why(tmp_path: Path) -> None:
    result = worker(f"sqlite:///{tmp_path / 'clinic.db'}", 25)
    assert result.exit_code == 2
    assert "the worker needs PostgreSQL" in result.output and "not e-mailed" in result.output
