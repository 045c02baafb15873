"""warning-sign levels on locks, who assessed and when, cautions on screenings

A lock now carries the level of the worst sign behind it (emergency, today, soon): existing locks from an emergency
screening become `emergency`, the others `today` (every earlier "yes" locked until an assessment). A lock cleared by
a recorded assessment keeps who assessed the person and on what day. A full screening keeps the cautions answered
with it (pregnancy, a known spinal stenosis).

Revision ID: 0004_safety_levels_cautions
Revises: 0003_one_of_each
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_safety_levels_cautions"
down_revision = "0003_one_of_each"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("safety_locks") as batch:
        batch.add_column(sa.Column("level", sa.String(length=20), nullable=False, server_default="today"))
        batch.add_column(sa.Column("assessed_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("assessed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("screenings") as batch:
        batch.add_column(sa.Column("cautions", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE safety_locks SET level = 'emergency' WHERE screening_id IS NULL OR screening_id IN "
        "(SELECT id FROM screenings WHERE emergency)"
    )


def downgrade() -> None:
    with op.batch_alter_table("screenings") as batch:
        batch.drop_column("cautions")
    with op.batch_alter_table("safety_locks") as batch:
        batch.drop_column("assessed_on")
        batch.drop_column("assessed_by")
        batch.drop_column("level")
