"""The rep state machine and the smoother: hysteresis, minimum times, holds, interruptions."""

from __future__ import annotations

import math
import random

import pytest

from sciatica_coach.domain.motion.counter import Counter, Phase
from sciatica_coach.domain.motion.smoothing import Smoother
from sciatica_coach.domain.motion.thresholds import Counting

FPS = 30.0


def feed(counter: Counter, values: list[float], ready: bool = True, fresh_until: float = 0.0) -> list[float]:
    """Feed values at 30 fps (rate from the difference); the end times of completed reps."""
    ends = []
    previous = values[0]
    for i, value in enumerate(values):
        t = i / FPS
        trace = counter.update(t, value, (value - previous) * FPS, ready, fresh=t <= fresh_until)
        previous = value
        if trace is not None:
            ends.append(trace.end)
    return ends


def rep(
    low: float, high: float, up: float = 1.0, hold: float = 1.0, down: float = 1.0, rest: float = 1.0
) -> list[float]:
    """One smooth rep: rest, rise, hold, lower."""
    out = [low] * int(rest * FPS)
    out += [low + (high - low) * (1 - math.cos(math.pi * i / (up * FPS))) / 2 for i in range(int(up * FPS))]
    out += [high] * int(hold * FPS)
    out += [high - (high - low) * (1 - math.cos(math.pi * i / (down * FPS))) / 2 for i in range(int(down * FPS))]
    return out + [low] * int(rest * FPS)


def test_counts_each_full_cycle_once() -> None:
    counter = Counter(10, 30, Counting())
    assert len(feed(counter, rep(0, 50) * 3)) == 3
    assert counter.phase is Phase.REST


def test_a_movement_that_never_reaches_the_peak_is_not_a_rep() -> None:
    assert feed(Counter(10, 30, Counting()), rep(0, 25) * 3) == []


def test_jitter_around_either_threshold_never_adds_a_rep() -> None:
    rng = random.Random(7)
    hovering_at_peak = [30 + rng.uniform(-4, 4) for _ in range(600)]
    hovering_at_rest = [10 + rng.uniform(-4, 4) for _ in range(600)]
    counter = Counter(10, 30, Counting())
    ends = feed(counter, [0.0] * 30 + hovering_at_rest + rep(0, 50) + hovering_at_peak + [0.0] * 30)
    assert len(ends) == 2  # the real rep, and the one held at the top (counted once it comes down)


def test_hold_time_is_measured_at_the_top() -> None:
    counter = Counter(10, 30, Counting())
    values = rep(0, 50, up=1.0, hold=3.0, down=1.0)
    holds = []
    previous = values[0]
    for i, value in enumerate(values):
        trace = counter.update(i / FPS, value, (value - previous) * FPS, True)
        previous = value
        if trace is not None:
            holds.append(trace.hold_seconds)
    assert holds and 2.8 <= holds[0] <= 3.6


def test_needs_rest_before_counting_and_not_ready_blocks_it() -> None:
    assert feed(Counter(10, 30, Counting()), rep(0, 50) * 2, ready=False) == []


def test_rep_already_under_way_when_first_seen_counts_only_when_it_returns() -> None:
    started_up = [50.0] * 30 + rep(0, 50, rest=0.0)[60:] + [0.0] * 30
    assert len(feed(Counter(10, 30, Counting()), started_up, fresh_until=0.5)) == 1
    assert feed(Counter(10, 30, Counting()), started_up, fresh_until=-1.0) == []


def test_interrupted_rep_counts_only_after_a_real_hold() -> None:
    counter = Counter(10, 30, Counting())
    feed(counter, rep(0, 50)[: 30 + 30 + 45])  # rest, rise, 1.5 s of hold, then the view breaks
    trace = counter.interrupt(last_seen=3.5)
    assert trace is not None and not trace.end_seen and trace.end == 3.5
    short = Counter(10, 30, Counting())
    feed(short, rep(0, 50)[: 30 + 30 + 10])
    assert short.interrupt(last_seen=2.3) is None


def test_rest_must_be_below_peak() -> None:
    with pytest.raises(ValueError, match="below the peak"):
        Counter(30, 10, Counting())


def test_smoother_follows_and_measures_rate() -> None:
    smoother = Smoother(tau=0.1, window=0.25)
    for i in range(90):
        smoother.update(i / FPS, 20.0 * i / FPS)  # 20 degrees per second
    assert smoother.rate == pytest.approx(20.0, rel=0.05)
    assert smoother.value == pytest.approx(20.0 * 89 / FPS - 2.0, abs=0.5)  # lags by about tau * rate
    smoother.reset()
    assert smoother.update(10.0, 5.0) == 5.0 and smoother.rate == 0.0


def test_a_slow_last_part_of_the_rise_is_not_counted_as_hold() -> None:
    # rise to 40 quickly, creep 40 -> 50 over 1.5 s at under the hold speed, then a true 2 s plateau
    values = [0.0] * 30 + [40.0 * i / 30 for i in range(30)]
    values += [40.0 + 10.0 * i / 45 for i in range(45)] + [50.0] * 60
    values += [50.0 - 50.0 * i / 30 for i in range(31)] + [0.0] * 30
    counter = Counter(10, 30, Counting(hold_speed=8.0))
    holds = []
    previous = values[0]
    for i, value in enumerate(values):
        trace = counter.update(i / FPS, value, (value - previous) * FPS, True)
        previous = value
        if trace is not None:
            holds.append(trace.hold_seconds)
    (hold,) = holds
    # the plateau (plus the last 5% of the creep and half the rate window), not the creep: that would be 3.5 s
    assert 1.9 <= hold <= 2.6


def test_a_hold_cut_off_whose_rep_start_was_not_seen_is_kept_as_a_hold_only() -> None:
    counter = Counter(10, 30, Counting())
    feed(counter, [50.0] * 90, fresh_until=0.5)  # first seen at the top, held 3 s, then the input ends
    assert counter.interrupt(last_seen=3.0) is None  # no rep: its start was never seen
    held = counter.unfinished_hold
    assert held is not None and held.hold_seconds == pytest.approx(3.0, abs=0.2)


def held_seconds(values: list[float], heads: list[float]) -> list[float]:
    """Feed a signal and a head line at 30 fps; the hold of each completed rep."""
    counter = Counter(10, 30, Counting())
    holds, previous = [], values[0]
    for i, (value, head) in enumerate(zip(values, heads, strict=True)):
        trace = counter.update(i / FPS, value, (value - previous) * FPS, True, head=head)
        previous = value
        if trace is not None:
            holds.append(trace.hold_seconds)
    return holds


def test_the_hold_waits_for_the_head_to_come_up_after_the_chest() -> None:
    # the chest is up after 1 s and stays there 3 s; the head goes on lifting (from -25 to 45 degrees) for 1 s more
    values = rep(0, 45, up=1.0, hold=3.0)
    rise_end = 2.0 * FPS  # one second of rest, one of rise
    heads = [-25.0 + 70.0 * min(1.0, max(0.0, (i - rise_end) / FPS)) for i in range(len(values))]
    (alone,) = held_seconds(values, [math.nan] * len(values))  # no head line measured: the chest alone
    (hold,) = held_seconds(values, heads)
    assert alone == pytest.approx(3.0, abs=0.2)
    assert hold == pytest.approx(2.1, abs=0.2)  # from 90% of the head's lift, not from when the chest stopped


def test_a_head_that_hardly_turns_does_not_move_the_hold() -> None:
    values = rep(0, 45, up=1.0, hold=3.0)
    rng = random.Random(3)
    wobble = [20.0 + rng.uniform(-3.0, 3.0) for _ in values]  # jitter, and a few degrees of nodding
    (alone,) = held_seconds(values, [math.nan] * len(values))
    (hold,) = held_seconds(values, wobble)
    assert hold == pytest.approx(alone, abs=1e-9)


def test_a_head_that_sinks_a_little_while_held_does_not_shorten_the_hold() -> None:
    # the head comes up 15 degrees with the chest, then sinks 4 degrees over the 3 s hold (a tiring neck)
    values = rep(0, 45, up=1.0, hold=3.0)
    top = 2.0 * FPS
    heads = [
        min(15.0, 15.0 * max(0.0, (i - FPS) / FPS)) - 4.0 * min(1.0, max(0.0, (i - top) / (3.0 * FPS)))
        for i in range(len(values))
    ]
    (alone,) = held_seconds(values, [math.nan] * len(values))
    (hold,) = held_seconds(values, heads)
    assert hold == pytest.approx(alone, abs=0.05)  # up at the top at once: no later than the chest
