"""Angles, tilts, elevations, the camera's view and sight checks, on hand-made points."""

from __future__ import annotations

import numpy as np
import pytest

from sciatica_coach.domain.motion.geometry import (
    Points,
    angle_at,
    check_sight,
    elevation,
    foreshortened_tilt,
    tilt,
    view_azimuth,
    view_name,
)


def test_angles_tilts_and_elevations() -> None:
    assert angle_at((0, 0), (1, 0), (2, 0)) == pytest.approx(180)
    assert angle_at((0, 0), (1, 0), (1, 1)) == pytest.approx(90)
    assert tilt((0, 0), (0, 10)) == pytest.approx(0)  # top above bottom (y grows down): upright
    assert tilt((10, 10), (0, 10)) == pytest.approx(90)
    assert elevation((0, 0), (10, -10)) == pytest.approx(45)  # rising toward the top of the picture
    assert elevation((0, 0), (-10, -10)) == pytest.approx(45)  # either direction
    assert elevation((0, 0), (10, 10)) == pytest.approx(-45)


def test_foreshortened_tilt_reads_the_lean_from_the_vertical_extent() -> None:
    assert foreshortened_tilt((0, 0), (0, 10), 10) == pytest.approx(0)
    assert foreshortened_tilt((0, 5), (0, 10), 10) == pytest.approx(60)
    assert foreshortened_tilt((0, 0), (0, 12), 10) == pytest.approx(0)  # longer than the reference: upright


@pytest.mark.parametrize(("ratio", "lying", "name"), [(0.1, False, "side"), (0.45, False, "three-quarter"),
                                                      (0.66, False, "front"), (0.6, True, "three-quarter"),
                                                      (1.5, True, "front")])  # fmt: skip
def test_view_from_shoulder_width(ratio: float, lying: bool, name: str) -> None:
    assert view_name(view_azimuth(ratio, lying, 0.66), 30, 60) == name


def test_sight_needs_points_in_the_picture_and_visible() -> None:
    landmarks = np.full((33, 4), 0.5)
    landmarks[:, 3] = 0.9
    points = Points(landmarks, 640, 480)
    assert check_sight(points, (11, 23), 0.5, 0.02).ok
    landmarks[23, 0] = 1.2
    assert "picture" in check_sight(Points(landmarks, 640, 480), (11, 23), 0.5, 0.02).reason
    landmarks[23, 0] = 0.5
    landmarks[11, 3] = 0.1
    assert "light" in check_sight(Points(landmarks, 640, 480), (11, 23), 0.5, 0.02).reason
