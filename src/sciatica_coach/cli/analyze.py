"""`sciatica-coach analyze` (placeholder until its issue lands)."""

from __future__ import annotations

from sciatica_coach.cli.common import fail


def analyze() -> None:
    """Not available yet."""
    fail("'analyze' is not available yet")
