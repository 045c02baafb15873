"""Fixtures for the safety tests: the packaged red-flag content."""

from __future__ import annotations

import pytest

from sciatica_coach.domain.screening import RedFlags, load_red_flags


@pytest.fixture(scope="session")
def red_flags() -> RedFlags:
    """The packaged red-flag content."""
    return load_red_flags()
