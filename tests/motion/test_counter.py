"""The rep state machine and the smoother: hysteresis, minimum times, holds, interruptions."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

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


def smoothed_hold_seconds(
    signal: Callable[[float], float], fps: float, phase: float, jitter: float = 0.0, seed: int = 0
) -> float:
    """`signal` (degrees at a time) sampled at `fps` from `phase` seconds to 5 s, with up to `jitter` degrees of
    noise (from `seed`), through the analyzer's smoother into a counter; the hold of its one rep."""
    rng = random.Random(seed)
    smoother = Smoother(0.12, 0.25)
    counter = Counter(30, 60, Counting())
    held = []
    t = phase
    while t < 5.0:
        value = smoother.update(t, signal(t) + rng.uniform(-jitter, jitter))
        trace = counter.update(t, value, smoother.rate, True)
        if trace is not None:
            held.append(trace.hold_seconds)
        t += 1.0 / fps
    assert len(held) == 1
    return held[0]


def sagging_hold_seconds(fps: float, phase: float, seed: int) -> float:
    """A rep to 120 degrees held 1 s while sagging at 9 degrees a second, just over the still speed (`hold_speed`),
    with a degree of jitter (noise `seed`), sampled at `fps` from `phase` seconds; the hold reported."""

    def signal(t: float) -> float:
        if t < 1.0 or t > 3.6:
            return 10.0
        if t < 1.8:  # the rise
            return 10.0 + 110.0 * (1 - math.cos(math.pi * (t - 1.0) / 0.8)) / 2
        if t < 2.8:  # the hold, sagging
            return 120.0 - 9.0 * (t - 1.8)
        return 111.0 - 101.0 * (1 - math.cos(math.pi * (t - 2.8) / 0.8)) / 2  # the return

    return smoothed_hold_seconds(signal, fps, phase, jitter=1.0, seed=seed)


def test_a_sagging_hold_reads_the_same_at_any_frame_rate() -> None:
    # The rate hovers around the still speed all through the hold: where it last dipped under that speed is chance
    # (frame times, jitter), where the sag turned into the return is not.
    readings = [
        sagging_hold_seconds(fps, phase, seed)
        for fps in (30.0, 20.0, 12.0, 8.0)
        for phase in (0.0, 0.02, 0.04)
        for seed in range(3)
    ]
    assert max(readings) - min(readings) <= 0.3, readings
    assert all(reading >= 0.6 for reading in readings), readings


def overshoot_hold_seconds(fps: float, phase: float) -> float:
    """A rep that overshoots to 130 degrees for a quarter of a second, settles 11 degrees lower (past `hold_drift`:
    the counter sees the return begin) and is held there 0.75 s before the lowering, sampled at `fps` from `phase`
    seconds; the hold reported."""

    def signal(t: float) -> float:
        if t < 1.0 or t > 3.8:
            return 10.0
        if t < 1.7:  # the rise, past the held position
            return 10.0 + 120.0 * (1 - math.cos(math.pi * (t - 1.0) / 0.7)) / 2
        if t < 1.95:
            return 130.0
        if t < 2.25:  # settling back
            return 130.0 - 11.0 * (1 - math.cos(math.pi * (t - 1.95) / 0.3)) / 2
        if t < 3.0:  # held
            return 119.0
        return 119.0 - 109.0 * (1 - math.cos(math.pi * (t - 3.0) / 0.8)) / 2

    return smoothed_hold_seconds(signal, fps, phase)


def test_a_hold_just_under_an_overshoot_is_still_the_hold() -> None:
    # The held position is 9 degrees under the smoothed overshoot: the still moments there are the hold, though the
    # counter had taken the fall from the overshoot for the start of the return.
    readings = [overshoot_hold_seconds(fps, phase) for fps in (30.0, 20.0, 10.0) for phase in (0.0, 0.03)]
    assert all(0.7 <= reading <= 1.4 for reading in readings), readings
