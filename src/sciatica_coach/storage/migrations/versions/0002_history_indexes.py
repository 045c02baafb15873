"""history indexes: composite indexes so every hot read is bounded by one patient's window, not their history

Revision ID: 0002_history_indexes
Revises: 0001
Create Date: 2026-12-01 21:00:00

- checkins (patient_id, kind, created_at): progress windows, the rules' unread events, the latest of a kind.
- exercise_sessions (patient_id, started_at): progress and history windows; (patient_id, status, started_at): the
  session under way; (patient_id, status, finished_at): stops for pain the rules have not read.
- screenings (patient_id, form, created_at): the latest screening of a form, a full one after the last clearance.
- safety_locks (patient_id, cleared_at): open locks and the latest clearance.
- plan_changes (patient_id, created_at): the plan page's changes, newest first.
"""

from __future__ import annotations

from alembic import op

revision = "0002_history_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES: tuple[tuple[str, str, list[str]], ...] = (
    ("checkins", "ix_checkins_patient_kind_created", ["patient_id", "kind", "created_at"]),
    ("exercise_sessions", "ix_exercise_sessions_patient_started", ["patient_id", "started_at"]),
    ("exercise_sessions", "ix_exercise_sessions_patient_status_started", ["patient_id", "status", "started_at"]),
    ("exercise_sessions", "ix_exercise_sessions_patient_status_finished", ["patient_id", "status", "finished_at"]),
    ("screenings", "ix_screenings_patient_form_created", ["patient_id", "form", "created_at"]),
    ("safety_locks", "ix_safety_locks_patient_cleared", ["patient_id", "cleared_at"]),
    ("plan_changes", "ix_plan_changes_patient_created", ["patient_id", "created_at"]),
)


def upgrade() -> None:
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
