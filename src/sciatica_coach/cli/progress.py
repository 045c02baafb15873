"""`sciatica-coach progress` (placeholder until its issue lands)."""

from __future__ import annotations

from sciatica_coach.cli.common import fail


def progress() -> None:
    """Not available yet."""
    fail("'progress' is not available yet")
