"""Time as an injected dependency: the real monotonic clock, a scaled one for demos, a fake one for tests."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells monotonic time in seconds."""

    def now(self) -> float:
        """Seconds on a monotonic scale (only differences matter)."""
        ...


class SystemClock:
    """The real monotonic clock."""

    def now(self) -> float:
        """Seconds from `time.monotonic()`."""
        return time.monotonic()


class ScaledClock:
    """Another clock running `speed` times faster (a testing and demo aid)."""

    def __init__(self, base: Clock, speed: float) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be above 0, got {speed}")
        self.base = base
        self.speed = speed
        self._origin = base.now()

    def now(self) -> float:
        """Scaled seconds since this clock was made."""
        return (self.base.now() - self._origin) * self.speed


class FakeClock:
    """A clock that only moves when told to; makes timing deterministic in tests."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        """The current fake time."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds` (never backward)."""
        if seconds < 0:
            raise ValueError(f"a clock cannot go backward ({seconds} s)")
        self._now += seconds


def local_day(moment: datetime) -> tuple[datetime, datetime]:
    """The start and end (in UTC) of the calendar day `moment` falls on where the app runs (the machine's time
    zone: the personal app runs on the person's own machine). One morning check-in counts per such day."""
    day = moment.astimezone().date()
    following = day + timedelta(days=1)
    start = datetime(day.year, day.month, day.day).astimezone()  # local midnight (naive means local here)
    end = datetime(following.year, following.month, following.day).astimezone()
    return start.astimezone(UTC), end.astimezone(UTC)
