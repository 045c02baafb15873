"""The rep state machine: rest -> move -> hold at the top -> return -> rest, with hysteresis so jitter never counts.

The counter reads one smoothed signal (degrees) that is low at rest and high at the top of a rep. A rep starts when
the signal leaves `rest`, counts only once it has reached `peak` (well above rest) and come back under `rest`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from sciatica_coach.domain.motion.thresholds import Counting


class Phase(StrEnum):
    """Where the person is in a rep; the value is what the live status shows."""

    SETUP = "get-ready"
    REST = "rest"
    MOVE = "move"
    HOLD = "hold"
    RETURN = "return"


@dataclass
class Trace:
    """A rep under way: its times and the signal's best value."""

    start: float
    start_seen: bool
    top: float = float("-inf")
    top_t: float = 0.0
    peak_t: float | None = None  # when the signal first reached the peak threshold
    hold_start: float | None = None
    hold_end: float | None = None
    last_still: float | None = None
    return_start: float | None = None
    end: float = 0.0
    end_seen: bool = True
    floor: float = 0.0  # the signal when the rep started (where the rise began)
    head_floor: float = math.nan  # the head line's angle then (NaN: not measured)
    # (t, value, rate, head line) from the peak on; the head line is NaN when not measured
    samples: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def hold_seconds(self) -> float:
        """How long the position at the top was held (0 when not held)."""
        if self.hold_start is None:
            return 0.0
        end = self.hold_end if self.hold_end is not None else self.last_still
        return max(0.0, (end if end is not None else self.hold_start) - self.hold_start)


def refine_hold(trace: Trace, c: Counting, rate_window: float, head_lag: float = 0.0) -> None:
    """Settle the hold once the rep is over, from the samples at the top.

    The live hold starts at the first slow moment near the top, which can be the last slow part of a rise. Once the
    whole top is known, the slow moments within `hold_reach` of the rep's best are the hold's (also those the
    counter already took for the return); the hold starts at the first slow moment within `hold_band` (a share of
    the rise) of the plateau, the median of those, and ends as `_left_band` says; the rate is measured over the
    past `rate_window`, so a moment found still was still half a window earlier. The head must have come up (or
    down) too: when the head line turned by `head_turn` or more between the rep's start and the plateau, the hold
    starts no earlier than the moment it had made `settle_share` of that turn toward its median while held (its
    smoothed angle lags `head_lag` seconds behind the body). A press-up whose chest is up while the head is still
    lifting has not reached its held position yet.
    """
    if not trace.samples:
        return
    reach = trace.top - c.hold_reach
    since = trace.hold_start if trace.hold_start is not None else trace.samples[0][0]
    still = [(t, v) for t, v, r, _ in trace.samples if t >= since and abs(r) < c.hold_speed and v >= reach]
    if not still:
        return
    last_still = still[-1][0]
    values = sorted(v for _, v in still)
    plateau = values[len(values) // 2]
    band = max(1.0, c.hold_band * (plateau - trace.floor))
    start = next(t for t, v, r, _ in trace.samples if abs(r) < c.hold_speed and v >= plateau - band)
    trace.hold_start = start = max(trace.samples[0][0], start - rate_window * 0.5)
    trace.hold_end = end = _left_band(trace, c, last_still, plateau - band)
    settled = _head_settled(trace, c, end)
    if settled is not None:
        trace.hold_start = min(end, max(start, settled - head_lag))


def _left_band(trace: Trace, c: Counting, still_until: float, low: float) -> float:
    """When the held position ended: the last moment after `still_until` (the last still one) at which the signal
    was still within the plateau's band (over `low`) and moving slower than `release_speed`. The threshold to leave
    a hold is looser than the one to enter it (hysteresis): a hold that ends in a slow sag, its rate hovering near
    `hold_speed`, then ends where the position was given up, not where a noisy rate last dipped under the
    threshold, so the camera's frame rate hardly moves it."""
    last = still_until
    for t, v, r, _ in trace.samples:
        if t <= still_until:
            continue
        if v < low or abs(r) >= c.release_speed:
            break
        last = t
    return last


def _head_settled(trace: Trace, c: Counting, end: float) -> float | None:
    """When the head line had made most of its turn of the rise (None: it hardly turned, or was not measured)."""
    if trace.hold_start is None or math.isnan(trace.head_floor):
        return None
    held = sorted(h for t, _, _, h in trace.samples if trace.hold_start <= t <= end and not math.isnan(h))
    if not held:
        return None
    plateau = held[len(held) // 2]
    turn = plateau - trace.head_floor
    if abs(turn) < c.head_turn:
        return None
    way = 1.0 if turn > 0 else -1.0
    left = abs(turn) * (1.0 - c.settle_share)
    for t, _, _, h in trace.samples:
        if t > end:
            break
        if not math.isnan(h) and (plateau - h) * way <= left:  # as far as that, or further (jitter, an overshoot)
            return t
    return None


class Counter:
    """Hysteresis counter over one signal; `update` returns a finished Trace when a rep completes."""

    def __init__(
        self, rest: float, peak: float, counting: Counting, rate_window: float = 0.25, head_lag: float = 0.0
    ) -> None:
        if not rest < peak:
            raise ValueError("the rest threshold must be below the peak threshold")
        self.rest = rest
        self.peak = peak
        self.c = counting
        self.rate_window = rate_window  # the span the fed rate is measured over (its lag is half of it)
        self.head_lag = head_lag  # how far the fed head line lags behind the body (its smoothing)
        self.phase = Phase.SETUP
        self.trace: Trace | None = None
        self._rest_since: float | None = None
        self._last_t = 0.0
        self._last_head = math.nan
        self._rest_value = rest
        self.unfinished_hold: Trace | None = None  # a hold cut off before its rep could count (start not seen)

    def update(
        self, t: float, value: float, rate: float, ready: bool, fresh: bool = False, head: float = math.nan
    ) -> Trace | None:
        """Feed the smoothed signal and its rate; `ready` says the body is set up for this exercise, `fresh` that
        the person has only just come into view (so a rep already under way may be picked up); `head` is the head
        line's smoothed angle (degrees; NaN when not measured), which a hold waits for to settle."""
        previous_t, self._last_t = self._last_t, t
        previous_head, self._last_head = self._last_head, head
        if self.phase is Phase.SETUP:
            self._setup(t, value, ready, fresh, head)
            return None
        if self.phase is Phase.REST:
            if not ready:
                self.phase, self._rest_since = Phase.SETUP, None
            elif value > self.rest:
                if self._rest_since is not None and t - self._rest_since >= self.c.min_rest:
                    self.trace = Trace(
                        start=previous_t, start_seen=True, floor=self._rest_value, head_floor=previous_head
                    )
                    self.phase = Phase.MOVE
            elif self._rest_since is None:
                self._rest_since = t
            if value <= self.rest:
                self._rest_value = value
            return None
        trace = self.trace
        assert trace is not None
        if self.phase is not Phase.MOVE:
            trace.samples.append((t, value, rate, head))
        if value > trace.top:
            trace.top, trace.top_t = value, t
        if self.phase is Phase.MOVE:
            if value >= self.peak:
                trace.peak_t = t
                trace.samples.append((t, value, rate, head))
                self.phase = Phase.HOLD
            elif value < self.rest:
                self._back_to_rest(t)
            return None
        if self.phase is Phase.HOLD:
            self._track_hold(t, value, rate, trace)
            if value < trace.top - self.c.hold_drift and rate < 0:
                trace.hold_end = trace.last_still if trace.hold_start is not None else None
                trace.return_start = t
                self.phase = Phase.RETURN
            return None
        # RETURN
        if value < self.rest:
            trace.end = t
            self._back_to_rest(t)
            if trace.end - trace.start < self.c.min_rep:
                return None
            refine_hold(trace, self.c, self.rate_window, self.head_lag)
            return trace
        if value > trace.top - self.c.hold_drift * 0.5 and rate > 0:
            self.phase = Phase.HOLD  # went back up: the same rep
            trace.hold_end = None
        return None

    def interrupt(self, last_seen: float) -> Trace | None:
        """The view broke (lost person, camera cut, end of input): keep a rep held at the top, drop the rest."""
        trace, phase = self.trace, self.phase
        self.phase, self.trace, self._rest_since = Phase.SETUP, None, None
        self.unfinished_hold = None
        if trace is None or phase not in (Phase.HOLD, Phase.RETURN):
            return None
        if trace.hold_end is None:
            trace.hold_end = trace.last_still
        refine_hold(trace, self.c, self.rate_window, self.head_lag)
        if trace.hold_seconds < self.c.interrupted_hold:
            return None
        trace.end, trace.end_seen = last_seen, False
        if not trace.start_seen:
            self.unfinished_hold = trace  # the hold was seen, the rep's start was not: a hold, not a rep
            return None
        return trace

    def _setup(self, t: float, value: float, ready: bool, fresh: bool, head: float) -> None:
        if not ready:
            self._rest_since = None
            return
        if value <= self.rest:
            if self._rest_since is None:
                self._rest_since = t
            if t - self._rest_since >= self.c.min_rest:
                self.phase = Phase.REST
        elif value >= self.peak and fresh:
            # First seen already at the top (e.g. a video that starts mid-rep): counts only if we see it return.
            self.trace = Trace(
                start=t, start_seen=False, top=value, top_t=t, peak_t=t, floor=self.rest, head_floor=head
            )
            self.trace.samples.append((t, value, 0.0, head))
            self.phase = Phase.HOLD
            self._rest_since = None
        else:
            self._rest_since = None

    def _track_hold(self, t: float, value: float, rate: float, trace: Trace) -> None:
        if abs(rate) < self.c.hold_speed and value >= trace.top - self.c.hold_drift:
            if trace.hold_start is None:
                trace.hold_start = t
            trace.last_still = t
        elif rate > self.c.hold_speed and trace.hold_start is not None and trace.top - value < 1.0:
            trace.hold_start = None  # still rising: the hold has not begun
            trace.last_still = None

    def _back_to_rest(self, t: float) -> None:
        self.phase = Phase.REST
        self.trace = None
        self._rest_since = t
