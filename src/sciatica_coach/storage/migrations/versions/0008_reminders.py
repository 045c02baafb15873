"""reminders: each patient's session and check-in times, time zone, and the SHA-256 of their calendar feed token

Revision ID: 0008_reminders
Revises: 0007_messages_prescriptions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_reminders"
down_revision = "0007_messages_prescriptions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_settings",
        sa.Column("patient_id", sa.Integer(), sa.ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("session_times", sa.JSON(), nullable=False),
        sa.Column("checkin_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("calendar_token_sha256", sa.String(length=64)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("uq_reminder_settings_calendar_token", "reminder_settings", ["calendar_token_sha256"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_reminder_settings_calendar_token", table_name="reminder_settings")
    op.drop_table("reminder_settings")
