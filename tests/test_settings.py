"""Settings refuse unsafe defaults in production: the development secret key and test clock speeds."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sciatica_coach.settings import DEV_SECRET, Settings

GOOD_KEY = "k" * 40


@pytest.mark.parametrize("key", [DEV_SECRET, "too-short"])
def test_production_refuses_a_missing_or_short_secret_key(key: str) -> None:
    with pytest.raises(ValidationError, match="SCIATICA_SECRET_KEY must be set to 32 or more"):
        Settings(mode="production", secret_key=key, database_url="sqlite://")


def test_production_refuses_a_test_clock_speed() -> None:
    with pytest.raises(ValidationError, match="SCIATICA_CLOCK_SPEED is a testing aid"):
        Settings(mode="production", secret_key=GOOD_KEY, clock_speed=20, database_url="sqlite://")


def test_production_accepts_a_real_key_and_local_mode_the_default() -> None:
    assert Settings(mode="production", secret_key=GOOD_KEY, database_url="sqlite://").secret_key == GOOD_KEY
    assert Settings(database_url="sqlite://").secret_key == DEV_SECRET
