"""The comparison the camera browser test makes between the live result and the same clip analysed offline."""

from __future__ import annotations

from typing import Any

from browser.camera_clip import hold_differences, holds_by_rep


def result(reps: list[tuple[float, float]], holds: list[tuple[float, float]]) -> dict[str, Any]:
    """A saved result with reps and holds (start, end), as `AnalysisResult.to_dict` writes them."""
    return {
        "rep_count": len(reps),
        "reps": [{"start": a, "end": b} for a, b in reps],
        "holds": [{"start": a, "end": b, "seconds": b - a} for a, b in holds],
    }


def test_holds_belong_to_the_rep_around_them_and_a_cut_off_hold_stands_alone() -> None:
    saved = result([(1.0, 4.0), (6.0, 9.0)], [(2.0, 3.0), (12.0, 14.5)])
    assert holds_by_rep(saved) == ([1.0, 0.0], [2.5])


def test_live_and_offline_agree_within_half_a_second_on_another_clock() -> None:
    live = result([(3.1, 6.0), (8.0, 11.2)], [(4.0, 5.1), (9.0, 9.6)])  # the live clock starts elsewhere
    offline = result([(1.0, 4.0), (6.0, 9.0)], [(2.0, 3.0), (7.0, 7.3)])  # 0.3 s: under the shortest hold
    assert hold_differences(live, offline) == []


def test_a_hold_longer_by_more_than_half_a_second_or_another_count_is_a_difference() -> None:
    offline = result([(1.0, 4.0), (6.0, 9.0)], [(2.0, 3.0)])
    longer = result([(1.0, 4.0), (6.0, 9.0)], [(1.9, 3.6)])
    assert hold_differences(longer, offline) == ["rep 1: held 1.70 s live, 1.00 s offline"]
    unreported = result([(1.0, 4.0), (6.0, 9.0)], [(2.0, 3.0), (6.5, 7.6)])  # 1.1 s live, none offline
    assert hold_differences(unreported, offline) == ["rep 2: held 1.10 s live, 0.00 s offline"]
    assert hold_differences(result([(1.0, 4.0)], [(2.0, 3.0)]), offline) == ["1 reps counted live, 2 offline"]
