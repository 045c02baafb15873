"""`sciatica-coach db …`: database schema management."""

from __future__ import annotations

import typer
from sqlalchemy.exc import SQLAlchemyError

from sciatica_coach.cli.common import console, fail, load_settings
from sciatica_coach.storage.migrate import upgrade as run_upgrade

app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Alembic revision to migrate to.")) -> None:
    """Create or migrate the database (SQLite by default, DATABASE_URL for PostgreSQL)."""
    settings = load_settings()
    try:
        run_upgrade(settings.database_url, revision)
    except SQLAlchemyError as exc:
        fail(f"could not migrate the database: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}")
    console.print("Database is up to date.")
