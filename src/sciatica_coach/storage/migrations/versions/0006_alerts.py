"""clinic-mode alerts for the clinician; on PostgreSQL, the job queue's own schema (procrastinate)

Revision ID: 0006_alerts
Revises: 0005_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sciatica_coach.storage.jobs import apply_job_schema, drop_job_schema

revision = "0006_alerts"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("patient_id", sa.Integer(), sa.ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
        sa.Column("alert_id", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("acknowledged_by_name", sa.String(length=120)),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
        sa.Column("note", sa.Text()),
    )
    op.create_index("ix_alerts_patient_acknowledged", "alerts", ["patient_id", "acknowledged_at"])
    op.create_index("ix_alerts_patient_raised", "alerts", ["patient_id", "raised_at"])
    if op.get_bind().dialect.name == "postgresql":
        apply_job_schema(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        drop_job_schema(op.get_bind())
    op.drop_table("alerts")
