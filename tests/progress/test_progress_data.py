"""The pure progress builder and the SVG charts drawn from it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.progress import (
    ExerciseCheckPair,
    MorningRecord,
    SbiRecord,
    SessionDay,
    build_progress,
    period,
    planned_sessions_per_day,
)
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.web import charts

TODAY = date(2025, 3, 20)
NAMES = {"nerve-glide": "Sciatic nerve glide", "prone-press-up": "Prone press-up"}
SVG = "{http://www.w3.org/2000/svg}"


def d(n: int) -> date:
    return TODAY - timedelta(days=n)


def sample():  # type: ignore[no-untyped-def]
    mornings = [
        MorningRecord(d(3), SymptomCheck(2, 5, "below-knee")),
        MorningRecord(d(2), SymptomCheck(2, 4, "thigh")),
        MorningRecord(d(2), SymptomCheck(3, 4, "thigh")),  # a second check the same day: the later one counts
        MorningRecord(d(0), SymptomCheck(2, 6, "foot", "buttock")),
    ]
    pairs = [
        ExerciseCheckPair(d(2), "prone-press-up", SymptomCheck(2, 4, "thigh"), SymptomCheck(3, 3, "buttock")),
        ExerciseCheckPair(d(1), "prone-press-up", SymptomCheck(2, 4, "thigh"), SymptomCheck(2, 4, "thigh")),
        ExerciseCheckPair(d(1), "nerve-glide", SymptomCheck(2, 3, "thigh"), SymptomCheck(2, 3, "foot")),
    ]
    sessions = [SessionDay(d(2), "completed"), SessionDay(d(2), "stopped"), SessionDay(d(1), "completed")]
    return build_progress(TODAY, 7, mornings, [SbiRecord(d(3), 14), SbiRecord(d(0), 6)], sessions, pairs, 2, 6.5, NAMES)


def test_planned_sessions_follow_the_exercise_with_the_most_times_a_day(library: Library) -> None:
    assert planned_sessions_per_day(default_prescription(library), library) == 2  # glides: 2 to 4 times a day


def test_period_starts_at_the_first_record_within_the_window() -> None:
    assert period(TODAY, 28, d(3)) == (d(3), TODAY)
    assert period(TODAY, 7, d(40)) == (d(6), TODAY)
    assert period(TODAY, 7, None) == (d(6), TODAY)
    with pytest.raises(ValueError, match="between 7 and 90"):
        period(TODAY, 3, None)


def test_build_progress_groups_by_day() -> None:
    progress = sample()
    assert progress.first_day == d(3) and progress.days[-1] == TODAY
    assert [(m.day, m.symptoms.back) for m in progress.mornings] == [(d(3), 2), (d(2), 3), (d(0), 2)]
    assert [(a.day, a.completed, a.stopped, a.planned) for a in progress.adherence] == [
        (d(3), 0, 0, 2), (d(2), 1, 1, 2), (d(1), 1, 0, 2), (d(0), 0, 0, 2)]  # fmt: skip
    assert [(t.day, t.classification.effect) for t in progress.trends] == [
        (d(2), "centralizing"), (d(0), "peripheralizing")]  # fmt: skip
    glide, press = progress.effects  # in the order of the names given (the plan's order)
    assert glide.exercise_id == "nerve-glide" and glide.counts["peripheralizing"] == 1
    assert press.counts == {"centralizing": 1, "unchanged": 1, "peripheralizing": 0} and press.total == 2
    assert press.latest.effect == "unchanged" and press.latest_day == d(1)
    assert not progress.empty


def test_nothing_recorded_is_an_empty_progress() -> None:
    progress = build_progress(TODAY, 28, [], [], [], [], 2, 6.5, NAMES)
    assert progress.empty and progress.mornings == () and len(progress.adherence) == 28


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_charts_are_valid_accessible_svg_with_the_data() -> None:
    progress = sample()
    for draw, chart_id in (
        (charts.pain_chart, "chart-pain"),
        (charts.reach_chart, "chart-reach"),
        (charts.sbi_chart, "chart-sbi"),
        (charts.adherence_chart, "chart-adherence"),
    ):
        root = _parse(str(draw(progress)))
        assert root.get("id") == chart_id and root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
        assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc").text  # type: ignore[union-attr]
    pain = _parse(str(charts.pain_chart(progress)))
    leg_dots = [c.find(f"{SVG}title").text for c in pain.iter(f"{SVG}circle") if "series-leg" in c.get("class", "")]  # type: ignore[union-attr]
    assert leg_dots == ["17 Mar: leg pain 5", "18 Mar: leg pain 4", "20 Mar: leg pain 6"]
    lines = [p for p in pain.iter(f"{SVG}polyline") if "series-leg" in p.get("class", "")]
    assert len(lines) == 1  # 17-18 Mar joined; the missed 19 Mar leaves 20 Mar on its own


def test_chart_geometry_puts_higher_values_higher_and_later_days_right() -> None:
    progress = sample()
    frame = charts.Frame(progress.days, 0, 10)
    assert frame.y(10) < frame.y(0) and frame.x(TODAY) > frame.x(d(3))
    sbi = _parse(str(charts.sbi_chart(progress)))
    threshold = next(line for line in sbi.iter(f"{SVG}line") if line.get("class") == "threshold")
    assert float(threshold.get("y1", 0)) == pytest.approx(charts.Frame(progress.days, 0, 24).y(6.5), abs=0.05)
    assert "the latest, 6 of 24" in (sbi.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]
    reach = _parse(str(charts.reach_chart(progress)))
    words = [c.find(f"{SVG}title").text for c in reach.iter(f"{SVG}circle") if "series-right" in c.get("class", "")]  # type: ignore[union-attr]
    assert words[-1] == "20 Mar: right leg, buttock"


def test_text_is_escaped_in_charts() -> None:
    assert "&lt;" in str(charts._svg("x", "<b>", "a & b", []))
