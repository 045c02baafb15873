"""Settings refuse unsafe defaults in production: the development secret key and test clock speeds."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sciatica_coach.settings import DEV_SECRET, Settings

GOOD_KEY = "v8Qz-3nRt_Lw0pXe7Ka2Ub9Jc4Yd6Hf1"  # 32 characters, many different ones


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


@pytest.mark.parametrize("key", [DEV_SECRET, "too-short", "k" * 40])
def test_clinic_mode_refuses_a_default_short_or_weak_secret_key(key: str) -> None:
    with pytest.raises(
        ValidationError, match="SCIATICA_SECRET_KEY must be set to 32 or more random characters in clinic"
    ):
        Settings(mode="clinic", secret_key=key, database_url="sqlite://")


def test_clinic_mode_says_so_plainly_on_the_default_sqlite_path() -> None:
    on_default = Settings(mode="clinic", secret_key=GOOD_KEY)
    assert on_default.clinic
    notice, no_email = on_default.clinic_notices()
    assert "SQLite at the default path" in notice
    assert "not e-mailed" in no_email and "needs PostgreSQL" in no_email
    [elsewhere] = Settings(mode="clinic", secret_key=GOOD_KEY, database_url="sqlite:///elsewhere.db").clinic_notices()
    assert elsewhere == no_email  # alerts are not e-mailed on any SQLite database
    on_postgres = Settings(mode="clinic", secret_key=GOOD_KEY, database_url="postgresql://db.example/clinic")
    assert on_postgres.clinic_notices() == []
    assert Settings().clinic_notices() == []  # the personal app says nothing


def test_the_alert_e_mail_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCIATICA_SMTP_HOST", "mail.example.org")
    monkeypatch.setenv("SCIATICA_SMTP_PORT", "2525")
    monkeypatch.setenv("SCIATICA_MAIL_FROM", "coach@example.org")
    monkeypatch.setenv("SCIATICA_BASE_URL", "https://coach.example.org")
    made = Settings()
    assert (made.smtp_host, made.smtp_port, made.mail_from, made.base_url) == (
        "mail.example.org",
        2525,
        "coach@example.org",
        "https://coach.example.org",
    )
    with pytest.raises(ValidationError, match="base_url"):
        Settings(base_url="not a url")
