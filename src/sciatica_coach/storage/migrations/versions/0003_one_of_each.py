"""one default profile, one session in progress per patient

Duplicates left by concurrent first requests are folded together first: every row of a duplicate default profile
moves to the oldest one (nothing is lost), and of several sessions in progress only the newest stays open.

Revision ID: 0003_one_of_each
Revises: 0002_history_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_one_of_each"
down_revision = "0002_history_indexes"
branch_labels = None
depends_on = None

CHILD_TABLES = ("exercise_sessions", "checkins", "screenings", "safety_locks", "plan_changes", "audit_entries")


def _fold_default_profiles(conn: sa.Connection) -> None:
    ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM patients WHERE is_default ORDER BY id"))]
    if len(ids) < 2:
        return
    keep, extras = ids[0], ids[1:]
    params = {"keep": keep}
    for table in CHILD_TABLES:
        for extra in extras:
            conn.execute(
                sa.text(f"UPDATE {table} SET patient_id = :keep WHERE patient_id = :extra"), {**params, "extra": extra}
            )
    for extra in extras:
        # The kept profile's plan wins; a duplicate's plan state has no history the rules cannot read again.
        conn.execute(sa.text("DELETE FROM plan_states WHERE patient_id = :extra"), {"extra": extra})
        conn.execute(sa.text("DELETE FROM patients WHERE id = :extra"), {"extra": extra})


def _close_extra_sessions(conn: sa.Connection) -> None:
    rows = conn.execute(
        sa.text(
            "SELECT id, patient_id FROM exercise_sessions WHERE status = 'in_progress' "
            "ORDER BY patient_id, started_at DESC, id DESC"
        )
    ).all()
    seen: set[int] = set()
    for session_id, patient_id in rows:
        if patient_id in seen:
            conn.execute(
                sa.text("UPDATE exercise_sessions SET status = 'stopped', finished_at = updated_at WHERE id = :id"),
                {"id": session_id},
            )
        seen.add(patient_id)


def upgrade() -> None:
    conn = op.get_bind()
    _fold_default_profiles(conn)
    _close_extra_sessions(conn)
    op.create_index(
        "uq_patients_one_default",
        "patients",
        ["is_default"],
        unique=True,
        sqlite_where=sa.text("is_default"),
        postgresql_where=sa.text("is_default"),
    )
    op.create_index(
        "uq_sessions_one_in_progress",
        "exercise_sessions",
        ["patient_id"],
        unique=True,
        sqlite_where=sa.text("status = 'in_progress'"),
        postgresql_where=sa.text("status = 'in_progress'"),
    )


def downgrade() -> None:
    op.drop_index("uq_sessions_one_in_progress", table_name="exercise_sessions")
    op.drop_index("uq_patients_one_default", table_name="patients")
