"""clinic mode: messages between a patient and their clinician, and the clinician's prescription versions

Revision ID: 0007_messages_prescriptions
Revises: 0006_alerts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_messages_prescriptions"
down_revision = "0006_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("patient_id", sa.Integer(), sa.ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sender_role", sa.String(length=20), nullable=False),
        sa.Column("sender_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("sender_name", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_messages_patient_created", "messages", ["patient_id", "created_at"])
    op.create_index("ix_messages_patient_sender_read", "messages", ["patient_id", "sender_role", "read_at"])
    op.create_table(
        "prescription_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("patient_id", sa.Integer(), sa.ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("clinician_name", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("prescription", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "uq_prescription_versions_patient_version", "prescription_versions", ["patient_id", "version"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_prescription_versions_patient_version", table_name="prescription_versions")
    op.drop_table("prescription_versions")
    op.drop_index("ix_messages_patient_sender_read", table_name="messages")
    op.drop_index("ix_messages_patient_created", table_name="messages")
    op.drop_table("messages")
