"""The background job queue's side of storage: procrastinate (PostgreSQL only) in its own schema, `procrastinate`.

Migration 0006 applies procrastinate's schema there (`apply_job_schema`); `defer_alert_email` enqueues the e-mail
job on the write transaction's own connection, so the job exists exactly when the alert does (both commit or
neither). On SQLite there is no job queue: alerts are saved and shown on the dashboard, but not e-mailed
(`Settings.clinic_notices` says so at start-up) and the inactivity check does not run.
"""

from __future__ import annotations

from typing import Any

import procrastinate
from procrastinate.schema import SchemaManager
from sqlalchemy import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

JOB_SCHEMA = "procrastinate"
QUEUE = "alerts"
EMAIL_TASK = "sciatica_coach.email_alert"
INACTIVITY_TASK = "sciatica_coach.inactivity"


_PIN_FUNCTIONS = f"""
DO $pin$
DECLARE fn record;
BEGIN
    FOR fn IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '{JOB_SCHEMA}'
    LOOP
        EXECUTE 'ALTER FUNCTION ' || fn.signature::text || ' SET search_path = {JOB_SCHEMA}';
    END LOOP;
END
$pin$"""


def apply_job_schema(conn: Connection) -> None:
    """Create the `procrastinate` schema with procrastinate's tables, types and functions (inside the migration's
    transaction; the search path is put back afterwards)."""
    path = conn.exec_driver_sql("SHOW search_path").scalar_one()
    conn.exec_driver_sql(f"CREATE SCHEMA {JOB_SCHEMA}")
    conn.exec_driver_sql(f"SET LOCAL search_path TO {JOB_SCHEMA}")
    conn.connection.driver_connection.execute(SchemaManager.get_schema())  # type: ignore[union-attr]
    # procrastinate's functions and triggers name its tables without a schema: pin their search path, so they work
    # whoever calls them (our write transactions, a DELETE of old jobs) and whatever that caller's path is.
    conn.exec_driver_sql(_PIN_FUNCTIONS)
    conn.exec_driver_sql("SELECT set_config('search_path', %(path)s, true)", {"path": path})


def drop_job_schema(conn: Connection) -> None:
    """Remove procrastinate's schema (downgrade)."""
    conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {JOB_SCHEMA} CASCADE")


def job_conninfo(database_url: str) -> str:
    """A libpq connection string for procrastinate from our database URL (PostgreSQL only)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def job_app(database_url: str, **connector: Any) -> procrastinate.App:
    """A procrastinate App over our PostgreSQL database, its search path on the job schema. Not opened: the worker
    opens it; deferring on a transaction's connection does not need it open."""
    options = f"-c search_path={JOB_SCHEMA}"
    kwargs = {"conninfo": job_conninfo(database_url), "kwargs": {"options": options}, **connector}
    return procrastinate.App(connector=procrastinate.PsycopgConnector(**kwargs))


def emails_jobs(db: Session) -> bool:
    """Whether this database has the job queue (PostgreSQL)."""
    return db.get_bind().dialect.name == "postgresql"


def defer_alert_email(db: Session, alert_row_id: int) -> None:
    """Enqueue the e-mail for alert `alert_row_id` in the current write transaction (PostgreSQL only)."""
    conn = db.connection()
    conn.exec_driver_sql(f"SET LOCAL search_path TO public, {JOB_SCHEMA}")
    raw = conn.connection.driver_connection
    app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector())
    app.configure_task(name=EMAIL_TASK, queue=QUEUE, connection=raw).defer(alert=alert_row_id)
