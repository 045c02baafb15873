"""`sciatica-coach program` (placeholder until it is built)."""

from __future__ import annotations

from sciatica_coach.cli.common import fail


def program() -> None:
    """Not available yet."""
    fail("'program' is not available yet")
