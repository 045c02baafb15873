"""Fixtures for storage tests: two patients (the session factory is the shared one)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.storage.models import Patient


@pytest.fixture
def patients(factory: sessionmaker[Session]) -> tuple[int, int]:
    """Two patients: the default local profile and somebody else."""
    with factory() as db, db.begin():
        me = Patient(display_name="Me", is_default=True)
        other = Patient(display_name="Other")
        db.add_all([me, other])
        db.flush()
        return me.id, other.id
