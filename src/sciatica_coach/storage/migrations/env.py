"""Alembic environment: the URL comes from the config built in `storage.migrate`."""

from __future__ import annotations

from alembic import context

from sciatica_coach.storage.db import make_engine
from sciatica_coach.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations against a live connection."""
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
