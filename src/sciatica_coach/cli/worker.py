"""`sciatica-coach worker`: the background worker (procrastinate on PostgreSQL) that e-mails critical and high
alerts to the clinician and checks for inactivity every hour."""

from __future__ import annotations

import logging

import typer

from sciatica_coach.cli.common import console, fail, load_content, load_settings, open_store
from sciatica_coach.jobs.tasks import build_job_app
from sciatica_coach.storage.jobs import QUEUE

NEEDS_POSTGRES = (
    "the worker needs PostgreSQL (set DATABASE_URL to postgresql://...): its job queue lives there. On SQLite, "
    "alerts are shown on the clinicians' dashboard but not e-mailed."
)


def worker(
    once: bool = typer.Option(False, "--once", help="Run the jobs waiting now, then stop (instead of waiting)."),
) -> None:
    """Run the background worker: alert e-mails (SMTP settings: SCIATICA_SMTP_HOST, _SMTP_PORT, _MAIL_FROM,
    _BASE_URL) and the hourly inactivity check. Stops on Ctrl-C."""
    settings = load_settings()
    if not settings.emails_alerts:
        fail(NEEDS_POSTGRES)
    catalog = load_content()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with open_store(settings) as store:
        app = build_job_app(settings, store, catalog)
        console.print(f"Worker started: e-mails through {settings.smtp_host}:{settings.smtp_port}. Ctrl-C stops it.")
        app.run_worker(queues=[QUEUE], wait=not once, install_signal_handlers=not once)
