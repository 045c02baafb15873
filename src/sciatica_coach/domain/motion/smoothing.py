"""Time-aware exponential smoothing of a signal, and its rate of change over a short window."""

from __future__ import annotations

import math
from collections import deque


class Smoother:
    """Exponential smoothing with a time constant in seconds; `rate` is the smoothed value's slope (per second)
    over the last `window` seconds, steadier against jitter than a frame-to-frame difference."""

    __slots__ = ("_history", "_recent", "_t", "_tau", "_window", "rate", "value")

    def __init__(self, tau: float, window: float) -> None:
        self._tau = tau
        self._window = window
        self._t: float | None = None
        self._history: deque[tuple[float, float]] = deque()
        self._recent: deque[float] = deque()
        self.value = 0.0
        self.rate = 0.0

    def reset(self) -> None:
        """Forget the history (after a gap or a camera cut)."""
        self._t = None
        self._history.clear()
        self._recent.clear()
        self.rate = 0.0

    def update(self, t: float, raw: float) -> float:
        """Feed one sample taken at time `t`; returns the smoothed value. A 3-sample median goes first, so a
        single-frame glitch (a landmark jumping for one frame) does not move the value."""
        recent = self._recent
        recent.append(raw)
        if len(recent) > 3:
            recent.popleft()
        if len(recent) == 3:
            a, b, c = recent
            raw = max(min(a, b), min(max(a, b), c))
        if self._t is None:
            self.value, self.rate, self._t = raw, 0.0, t
            self._history.append((t, raw))
            return self.value
        if t <= self._t:
            return self.value
        self.value += (raw - self.value) * (1.0 - math.exp(-(t - self._t) / self._tau))
        self._t = t
        history = self._history
        history.append((t, self.value))
        while len(history) > 2 and t - history[1][0] >= self._window:
            history.popleft()
        t0, v0 = history[0]
        self.rate = (self.value - v0) / (t - t0) if t > t0 else 0.0
        return self.value
