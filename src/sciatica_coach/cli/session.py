"""`sciatica-coach session` (placeholder until it is built)."""

from __future__ import annotations

from sciatica_coach.cli.common import fail


def session() -> None:
    """Not available yet."""
    fail("'session' is not available yet")
