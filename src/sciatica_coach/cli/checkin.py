"""`sciatica-coach checkin` (placeholder until its issue lands)."""

from __future__ import annotations

from sciatica_coach.cli.common import fail


def checkin() -> None:
    """Not available yet."""
    fail("'checkin' is not available yet")
