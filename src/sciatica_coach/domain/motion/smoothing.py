"""Time-aware exponential smoothing of a signal and of its rate of change (frames may arrive unevenly)."""

from __future__ import annotations

import math


class Smoother:
    """Exponential smoothing with a time constant in seconds, plus a smoothed rate of change per second."""

    __slots__ = ("_rate_tau", "_t", "_tau", "rate", "value")

    def __init__(self, tau: float, rate_tau: float) -> None:
        self._tau = tau
        self._rate_tau = rate_tau
        self._t: float | None = None
        self.value = 0.0
        self.rate = 0.0

    def reset(self) -> None:
        """Forget the history (after a gap or a camera cut)."""
        self._t = None
        self.rate = 0.0

    def update(self, t: float, raw: float) -> float:
        """Feed one sample taken at time `t`; returns the smoothed value."""
        if self._t is None or t <= self._t:
            if self._t is None:
                self.value = raw
                self.rate = 0.0
                self._t = t
            return self.value
        dt = t - self._t
        self._t = t
        previous = self.value
        self.value += (raw - self.value) * (1.0 - math.exp(-dt / self._tau))
        instant = (self.value - previous) / dt
        self.rate += (instant - self.rate) * (1.0 - math.exp(-dt / self._rate_tau))
        return self.value
