"""Runtime settings, read from the environment only when `Settings()` is built (never at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "local-development-only"


def default_database_url() -> str:
    """An SQLite file in the user's data directory."""
    folder = Path(user_data_dir("sciatica-coach", appauthor=False))
    return f"sqlite:///{folder / 'sciatica-coach.db'}"


class Settings(BaseSettings):
    """Everything the app and CLI need to know about where they run."""

    model_config = SettingsConfigDict(env_prefix="SCIATICA_", extra="ignore")

    mode: Literal["local", "production"] = "local"
    database_url: str = Field(
        default_factory=default_database_url,
        validation_alias=AliasChoices("DATABASE_URL", "SCIATICA_DATABASE_URL", "database_url"),
    )
    # Reserved for signing session cookies in clinic mode (several patients, sign-in), the next step; nothing signs
    # with it yet. Production already refuses the development value so a deployment is ready when it does.
    secret_key: str = DEV_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    # Speeds up every timer of the session player; only allowed in local mode (browser tests use it).
    clock_speed: float = Field(default=1.0, gt=0, le=100)
    # Whether the page offers spoken cues through the Web Speech API.
    speech: bool = True

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        if self.mode == "production":
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
                raise ValueError("SCIATICA_SECRET_KEY must be set to 32 or more random characters in production")
            if self.clock_speed != 1.0:
                raise ValueError("SCIATICA_CLOCK_SPEED is a testing aid and must stay 1.0 in production")
        return self
