"""Clinic-mode accounts, pure: roles, the password length rules, invite lifetime, and the sign-in rate limiter.

Password rules are about length only (no composition rules): at least 12 characters and at most 128, and not
only spaces. The rate limiter keeps its counts in process memory (one server process per clinic): failures are
counted per account and per address in a sliding window; a success clears that account's count.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

Role = Literal["admin", "clinician", "patient"]
ROLES: tuple[Role, ...] = ("admin", "clinician", "patient")
PASSWORD_MIN = 12
PASSWORD_MAX = 128
INVITE_LIFETIME = timedelta(hours=72)


def password_problem(password: str) -> str | None:
    """What is wrong with a new password (in words), or None when it is long enough and not too long."""
    if len(password) < PASSWORD_MIN:
        return f"The password needs at least {PASSWORD_MIN} characters (a few words together work well)."
    if len(password) > PASSWORD_MAX:
        return f"The password can have at most {PASSWORD_MAX} characters."
    if not password.strip():
        return "The password cannot be only spaces."
    return None


def normalize_email(email: str) -> str:
    """An e-mail address as it is stored and compared: trimmed, lower case."""
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    """A plain shape check of an e-mail address (one @, something either side, no spaces, at most 254 characters)."""
    value = normalize_email(email)
    local, at, domain = value.partition("@")
    if not at or not local or "." not in domain or "@" in domain or " " in value or len(value) > 254:
        return "Enter an e-mail address such as name@example.org."
    return None


@dataclass
class SignInLimiter:
    """Refuses sign-in attempts after too many failures for one account or from one address within `window`.

    Times are plain seconds from an injected monotonic clock, so the limiter stays pure and testable.
    """

    per_account: int = 5
    per_address: int = 20
    window: float = 15 * 60.0
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, account: str, address: str, now: float) -> int | None:
        """Seconds to wait before another attempt may be made, or None when one may be made now."""
        waits = []
        for key, limit in ((f"account:{account}", self.per_account), (f"address:{address}", self.per_address)):
            times = self._recent(key, now)
            if len(times) >= limit:
                waits.append(int(times[0] + self.window - now) + 1)
        return max(waits) if waits else None

    def failed(self, account: str, address: str, now: float) -> None:
        """Count a failed attempt against the account and the address."""
        for key in (f"account:{account}", f"address:{address}"):
            self._recent(key, now).append(now)

    def succeeded(self, account: str) -> None:
        """A correct password clears the account's count (the address keeps its failures)."""
        self._failures.pop(f"account:{account}", None)
