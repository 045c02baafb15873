"""Runtime settings, read from the environment only when `Settings()` is built (never at import)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_SECRET = "local-development-only"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_BINDS = frozenset({"0.0.0.0", "::", "[::]", ""})


def normalize_host(name: str) -> str:
    """A host name as it appears in a Host header, without port: lower case, IPv6 addresses in brackets."""
    name = name.strip().lower().rstrip(".")
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"
    return name


def default_database_url() -> str:
    """An SQLite file in the user's data directory."""
    folder = Path(user_data_dir("sciatica-coach", appauthor=False))
    return f"sqlite:///{folder / 'sciatica-coach.db'}"


class Settings(BaseSettings):
    """Everything the app and CLI need to know about where they run."""

    model_config = SettingsConfigDict(env_prefix="SCIATICA_", extra="ignore")

    # local: the personal app (one local profile, no sign-in); clinic: accounts (admin, clinicians, patients) and
    # sign-in; production: the personal app deployed, with the same refusal of unsafe defaults as clinic.
    mode: Literal["local", "production", "clinic"] = "local"
    database_url: str = Field(
        default_factory=default_database_url,
        validation_alias=AliasChoices("DATABASE_URL", "SCIATICA_DATABASE_URL", "database_url"),
    )
    # Signs the session cookie in clinic mode. Clinic and production modes refuse the development value or a short one.
    secret_key: str = DEV_SECRET
    # Whether the clinic session cookie is sent over HTTPS only (set it true behind TLS).
    cookie_secure: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    # Speeds up every timer of the session player; only allowed in local mode (browser tests use it).
    clock_speed: float = Field(default=1.0, gt=0, le=100)
    # Whether the page offers spoken cues through the Web Speech API.
    speech: bool = True
    # Host names the web app answers to (the Host header, without port), besides `host`; anything else gets a 400.
    # From the environment as a comma-separated list (a JSON list works too).
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(LOOPBACK_HOSTS))
    # The largest request body the web app reads, in bytes; larger ones get a 413 before they are read.
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    # Which emergency numbers to show (SCIATICA_COUNTRY): a two-letter code listed in red_flags.yaml, or "default"
    # (112, 911 and 999 together). An unknown code is refused when the app or the CLI loads the content.
    country: str = Field(default="default", pattern=r"^([A-Z]{2}|default)$")
    # Clinic mode's alert e-mails (sent by `sciatica-coach worker`, PostgreSQL only): the SMTP server, the sender,
    # and the address clinicians open the app at (the e-mail holds only a link: BASE_URL/clinic/alerts/ID).
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    mail_from: str = Field(default="sciatica-coach@localhost", min_length=3, max_length=254)
    base_url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://[^\s/]+(/[^\s]*)?$")

    @field_validator("country", mode="before")
    @classmethod
    def _country_code(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() != "default":
            return value.strip().upper()
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("[") and text.endswith("]"):
                try:
                    value = json.loads(text)
                except ValueError:  # "[::1]" or "[::1],localhost": a plain list that starts with an IPv6 address
                    pass
                else:
                    return value
            return [part for part in text.split(",") if part.strip()]
        return value

    @field_validator("allowed_hosts", mode="after")
    @classmethod
    def _normalize_hosts(cls, value: list[str]) -> list[str]:
        hosts = [normalize_host(h) for h in value]
        bad = [h for h in hosts if not h or any(c in h for c in " /;,'\"\\")]
        if bad:
            raise ValueError(f"SCIATICA_ALLOWED_HOSTS has entries that are not host names: {bad}")
        return hosts

    def host_allow_list(self) -> frozenset[str]:
        """Every host name the web app answers to: `allowed_hosts` and the host it listens on (unless a wildcard)."""
        names = set(self.allowed_hosts)
        if self.host.strip() not in WILDCARD_BINDS:
            names.add(normalize_host(self.host))
        return frozenset(names)

    @property
    def clinic(self) -> bool:
        """Whether accounts and sign-in are on."""
        return self.mode == "clinic"

    @property
    def emails_alerts(self) -> bool:
        """Whether alerts can be e-mailed: the job queue (procrastinate) needs PostgreSQL."""
        return self.database_url.startswith("postgresql")

    def clinic_notices(self) -> list[str]:
        """What a clinic deployment should know at start-up (said plainly by `serve`), e.g. the default SQLite file,
        or that alerts are not e-mailed on SQLite."""
        notices = []
        if self.clinic and self.database_url == default_database_url():
            notices.append(
                f"Clinic mode is using SQLite at the default path ({self.database_url.removeprefix('sqlite:///')}): "
                "fine for a single practice on this machine; back that file up, or set DATABASE_URL to PostgreSQL."
            )
        if self.clinic and not self.emails_alerts:
            notices.append(
                "Alerts are shown on the clinicians' dashboard but not e-mailed, and inactivity is not checked: "
                "both need the background worker (`sciatica-coach worker`), which needs PostgreSQL."
            )
        return notices

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        if self.mode in ("production", "clinic"):
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32 or len(set(self.secret_key)) < 10:
                raise ValueError(
                    f"SCIATICA_SECRET_KEY must be set to 32 or more random characters in {self.mode} mode "
                    "(it signs the session cookies); the default or a weak one is refused"
                )
            if self.clock_speed != 1.0:
                raise ValueError(f"SCIATICA_CLOCK_SPEED is a testing aid and must stay 1.0 in {self.mode} mode")
        return self
