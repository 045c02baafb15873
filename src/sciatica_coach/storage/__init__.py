"""Storage adapter: SQLAlchemy 2 models, Alembic migrations and the queries the app needs."""
