"""Fixtures for adaptation tests: the packaged rules, checked against the packaged library."""

from __future__ import annotations

import pytest

from sciatica_coach.domain.adaptation import RuleBook, load_rules
from sciatica_coach.domain.content import Library


@pytest.fixture(scope="session")
def book(library: Library) -> RuleBook:
    """The packaged rules."""
    return load_rules(library=library)
