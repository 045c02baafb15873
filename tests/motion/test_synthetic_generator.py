"""The synthetic generator itself: layout, timing, views, dropped frames, bad specs."""

from __future__ import annotations

import numpy as np
import pytest

from sciatica_coach.domain.motion.landmarks import Landmark as L
from sciatica_coach.domain.motion.synthetic import SyntheticSpec, generate


def test_frames_are_in_mediapipe_layout_at_the_frame_rate() -> None:
    frames = generate(SyntheticSpec(exercise="hip-hinge", reps=1, fps=25.0))
    assert all(f.landmarks is not None and f.landmarks.shape == (33, 4) for f in frames)
    assert frames[1].t - frames[0].t == pytest.approx(1 / 25)
    first = frames[0].landmarks
    assert first is not None
    assert first[L.NOSE, 1] < first[L.LEFT_SHOULDER, 1] < first[L.LEFT_HIP, 1] < first[L.LEFT_ANKLE, 1]


def test_side_view_hides_the_far_side_and_front_view_shows_both() -> None:
    side = generate(SyntheticSpec(exercise="hip-hinge", reps=1, near="left"))[0].landmarks
    front = generate(SyntheticSpec(exercise="hip-hinge", reps=1, view="front"))[0].landmarks
    assert side is not None and front is not None
    assert side[L.LEFT_HIP, 3] > 0.9 > 0.5 > side[L.RIGHT_HIP, 3]
    assert front[L.RIGHT_HIP, 3] > 0.9
    # seen from the front, the person's left shoulder is on the right of the picture
    assert front[L.LEFT_SHOULDER, 0] > front[L.RIGHT_SHOULDER, 0]
    width_side = abs(side[L.LEFT_SHOULDER, 0] - side[L.RIGHT_SHOULDER, 0])
    width_front = abs(front[L.LEFT_SHOULDER, 0] - front[L.RIGHT_SHOULDER, 0])
    assert width_front > 4 * width_side


def test_dropped_frames_and_noise_are_reproducible() -> None:
    spec = SyntheticSpec(exercise="prone-press-up", reps=1, drop_rate=0.2, noise=0.02, seed=4)
    a, b = generate(spec), generate(spec)
    dropped = [f.landmarks is None for f in a]
    assert 0.1 < sum(dropped) / len(dropped) < 0.3
    assert dropped == [f.landmarks is None for f in b]
    first = next(i for i, f in enumerate(a) if f.landmarks is not None)
    assert np.array_equal(a[first].landmarks, b[first].landmarks)  # type: ignore[arg-type]


def test_the_lifted_leg_rises_in_the_picture() -> None:
    frames = generate(SyntheticSpec(exercise="nerve-glide", reps=1, side="right"))
    lowest = min(f.landmarks[L.RIGHT_ANKLE, 1] for f in frames if f.landmarks is not None)
    other = min(f.landmarks[L.LEFT_ANKLE, 1] for f in frames if f.landmarks is not None)
    assert lowest < other - 0.1  # y grows downward: the right ankle went well up, the left stayed down


def test_unknown_exercise_or_fault_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown synthetic exercise"):
        SyntheticSpec(exercise="hamstring-stretch")
    with pytest.raises(ValueError, match="unknown faults"):
        SyntheticSpec(exercise="hip-hinge", faults=frozenset({"wobble"}))
