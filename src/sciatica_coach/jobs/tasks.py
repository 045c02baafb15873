"""The job app: procrastinate over our PostgreSQL database, with the alert e-mail task and the hourly inactivity
check (a procrastinate periodic task). Built by `sciatica-coach worker` (and the tests), never at import."""

from __future__ import annotations

import logging

import procrastinate

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.jobs.mail import alert_message, send
from sciatica_coach.settings import Settings
from sciatica_coach.storage.alerts import alert_with_people
from sciatica_coach.storage.jobs import EMAIL_TASK, INACTIVITY_TASK, QUEUE, job_app
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.alerts import check_inactivity

log = logging.getLogger(__name__)
# An SMTP server that is down or refuses is tried again: after 10 s, 20 s, 40 s ... (8 tries in all, ~40 min).
EMAIL_RETRY = procrastinate.RetryStrategy(max_attempts=8, exponential_wait=10)
INACTIVITY_CRON = "7 * * * *"  # every hour, at 7 minutes past


def email_alert(store: Store, settings: Settings, alert_row_id: int) -> bool:
    """Send the e-mail for one alert to the patient's clinician; False when there is nobody to send it to (the
    alert or the clinician is gone)."""
    with store.read() as db:
        found = alert_with_people(db, alert_row_id)
        to = found.clinician.email if found is not None and found.clinician is not None else None
    if to is None:
        log.info("alert %s: no clinician to e-mail", alert_row_id)
        return False
    send(settings, alert_message(settings, to, alert_row_id))
    log.info("alert %s: e-mailed to its clinician", alert_row_id)
    return True


def build_job_app(settings: Settings, store: Store, catalog: Catalog) -> procrastinate.App:
    """The procrastinate App with our tasks, over the settings' PostgreSQL database (not opened yet)."""
    app = job_app(settings.database_url)

    @app.task(name=EMAIL_TASK, queue=QUEUE, retry=EMAIL_RETRY, pass_context=False)
    def _email(alert: int) -> None:
        email_alert(store, settings, alert)

    @app.periodic(cron=INACTIVITY_CRON, periodic_id="inactivity")
    @app.task(name=INACTIVITY_TASK, queue=QUEUE, queueing_lock=INACTIVITY_TASK, pass_context=False)
    def _inactivity(timestamp: int) -> None:
        raised = check_inactivity(store, catalog)
        log.info("inactivity check: %s alert(s) raised", raised)

    return app
