"""Helpers for check-in tests: the short safety form answered no."""

from __future__ import annotations

from sciatica_coach.domain.screening import all_no


def short_no() -> dict[str, bool]:
    """Every short-form safety question answered no."""
    return all_no("short")
