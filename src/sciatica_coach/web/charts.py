"""Server-side SVG charts for the progress page: small, accessible, drawn from the progress data (no JavaScript)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

from sciatica_coach.domain.progress import Progress
from sciatica_coach.domain.symptoms import REACH_LEVELS, reach_rank
from sciatica_coach.domain.wording import REACH_SHORT

WIDTH, HEIGHT = 360, 190
TOP, BOTTOM, RIGHT = 12, 28, 10


def day_label(day: date) -> str:
    """Short date, e.g. '3 Mar'."""
    return f"{day.day} {day.strftime('%b')}"


@dataclass(frozen=True)
class Frame:
    """The plotting area and how days and values map onto it."""

    days: Sequence[date]
    y_min: float
    y_max: float
    left: int = 30

    @property
    def plot_width(self) -> float:
        return WIDTH - self.left - RIGHT

    def x(self, day: date) -> float:
        """Centre of a day's column."""
        index = (day - self.days[0]).days
        return self.left + self.plot_width * (index + 0.5) / len(self.days)

    def y(self, value: float) -> float:
        """Height for a value (larger values higher)."""
        span = (self.y_max - self.y_min) or 1
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - self.y_min) / span)

    @property
    def column(self) -> float:
        return self.plot_width / len(self.days)


def _svg(chart_id: str, title: str, desc: str, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _x_axis(frame: Frame) -> list[str]:
    days = frame.days
    picks = sorted({days[0], days[len(days) // 2], days[-1]})
    base = HEIGHT - BOTTOM
    parts = [f'<line class="axis" x1="{frame.left}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}"/>']
    for day in picks:
        anchor = (
            "start" if day == days[0] and len(days) > 1 else "end" if day == days[-1] and len(days) > 1 else "middle"
        )
        x = frame.left if anchor == "start" else WIDTH - RIGHT if anchor == "end" else frame.x(day)
        parts.append(f'<text class="tick" x="{x:.1f}" y="{base + 16}" text-anchor="{anchor}">{day_label(day)}</text>')
    return parts


def _y_grid(frame: Frame, values: Sequence[float], label: Callable[[float], str] = lambda v: f"{v:g}") -> list[str]:
    parts = []
    for value in values:
        y = frame.y(value)
        parts.append(f'<line class="grid" x1="{frame.left}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{frame.left - 4}" y="{y + 4:.1f}" text-anchor="end">{label(value)}</text>')
    return parts


def _runs(points: Sequence[tuple[date, float]]) -> list[list[tuple[date, float]]]:
    """Split points into runs of consecutive days, so a missed day leaves a gap in the line."""
    runs: list[list[tuple[date, float]]] = []
    for point in sorted(points):
        if runs and (point[0] - runs[-1][-1][0]).days == 1:
            runs[-1].append(point)
        else:
            runs.append([point])
    return runs


def _series(
    frame: Frame, points: Sequence[tuple[date, float]], css: str, words: Callable[[date, float], str], joined: bool
) -> list[str]:
    parts = []
    groups = _runs(points) if not joined else ([sorted(points)] if points else [])
    for run in groups:
        if len(run) > 1:
            coords = " ".join(f"{frame.x(d):.1f},{frame.y(v):.1f}" for d, v in run)
            parts.append(f'<polyline class="line {css}" points="{coords}"/>')
    for day, value in points:
        parts.append(
            f'<circle class="dot {css}" cx="{frame.x(day):.1f}" cy="{frame.y(value):.1f}" r="3">'
            f"<title>{escape(words(day, value))}</title></circle>"
        )
    return parts


def pain_chart(progress: Progress) -> Markup:
    """Back and leg pain (0-10) from each day's morning check."""
    frame = Frame(progress.days, 0, 10)
    back = [(m.day, float(m.symptoms.back)) for m in progress.mornings]
    leg = [(m.day, float(m.symptoms.leg)) for m in progress.mornings]
    body = [*_y_grid(frame, (0, 5, 10)), *_x_axis(frame)]
    body += _series(frame, back, "series-back", lambda d, v: f"{day_label(d)}: back pain {v:g}", joined=False)
    body += _series(frame, leg, "series-leg", lambda d, v: f"{day_label(d)}: leg pain {v:g}", joined=False)
    if progress.mornings:
        first, last = progress.mornings[0].symptoms, progress.mornings[-1].symptoms
        desc = (
            f"From {day_label(progress.mornings[0].day)} to {day_label(progress.mornings[-1].day)}, leg pain went "
            f"from {first.leg} to {last.leg} and back pain from {first.back} to {last.back} (0 to 10)."
        )
    else:
        desc = "No morning check-ins in this period yet."
    return _svg("chart-pain", "Back and leg pain each morning", desc, body)


def reach_chart(progress: Progress) -> Markup:
    """How far down each leg symptoms reached each morning: one band per level, lower is further down the leg."""
    top = len(REACH_LEVELS) - 1
    frame = Frame(progress.days, -0.5, top + 0.5, left=68)
    body: list[str] = []
    for rank, level in enumerate(REACH_LEVELS):
        y1, y2 = frame.y(top - rank + 0.5), frame.y(top - rank - 0.5)
        band = "band-even" if rank % 2 == 0 else "band-odd"
        body.append(
            f'<rect class="band {band}" x="{frame.left}" y="{y1:.1f}" width="{frame.plot_width:.1f}" '
            f'height="{y2 - y1:.1f}"/>'
        )
        body.append(
            f'<text class="tick" x="{frame.left - 4}" y="{(y1 + y2) / 2 + 4:.1f}" text-anchor="end">'
            f"{REACH_SHORT[level]}</text>"
        )
    body += _x_axis(frame)
    for side, css, shift in (("left", "series-left", -0.08), ("right", "series-right", 0.08)):
        points = [(m.day, top - reach_rank(getattr(m.symptoms, f"{side}_reach")) + shift) for m in progress.mornings]

        def words(day: date, value: float, side: str = side, shift: float = shift) -> str:
            level = REACH_LEVELS[top - round(value - shift)]
            return f"{day_label(day)}: {side} leg, {REACH_SHORT[level].lower()}"

        body += _series(frame, points, css, words, joined=False)
    if progress.mornings:
        last = progress.mornings[-1].symptoms
        desc = (
            f"On {day_label(progress.mornings[-1].day)} symptoms reached: left leg "
            f"{REACH_SHORT[last.left_reach].lower()}, right leg {REACH_SHORT[last.right_reach].lower()}."
        )
    else:
        desc = "No morning check-ins in this period yet."
    return _svg("chart-reach", "How far down each leg symptoms reach", desc, body)


def sbi_chart(progress: Progress) -> Markup:
    """Weekly SBI totals (0-24) with the published success threshold drawn across."""
    frame = Frame(progress.days, 0, 24)
    threshold = progress.sbi_threshold
    y = frame.y(threshold)
    body = [*_y_grid(frame, (0, 12, 24)), *_x_axis(frame)]
    body.append(f'<line class="threshold" x1="{frame.left}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>')
    body.append(
        f'<text class="threshold-label" x="{frame.left + 4}" y="{y + 13:.1f}" text-anchor="start">'
        f"{threshold:g}: success threshold</text>"
    )
    points = [(r.day, float(r.total)) for r in progress.sbi]
    body += _series(frame, points, "series-sbi", lambda d, v: f"{day_label(d)}: SBI {v:g} of 24", joined=True)
    met = [r for r in progress.sbi if r.total <= threshold]
    if progress.sbi:
        last = progress.sbi[-1]
        status = "at or below" if last.total <= threshold else "above"
        desc = (
            f"{len(progress.sbi)} weekly scores; the latest, {last.total} of 24 on {day_label(last.day)}, is {status} "
            f"the published success threshold of {threshold:g}. {len(met)} score(s) met it."
        )
    else:
        desc = "No weekly SBI in this period yet."
    return _svg("chart-sbi", "Sciatica Bothersomeness Index each week", desc, body)


def adherence_chart(progress: Progress) -> Markup:
    """Sessions planned (outline) and done (filled; stopped ones on top in another colour) per day."""
    tallest = max([progress.planned_per_day, 1, *(a.completed + a.stopped for a in progress.adherence)])
    frame = Frame(progress.days, 0, tallest)
    body = [*_y_grid(frame, sorted({0, tallest})), *_x_axis(frame)]
    width = max(2.0, frame.column * 0.7)
    base = frame.y(0)
    for day in progress.adherence:
        x = frame.x(day.day) - width / 2
        words = f"{day_label(day.day)}: {day.completed} of {day.planned} sessions done"
        if day.stopped:
            words += f", {day.stopped} stopped early"
        body.append(f"<g><title>{escape(words)}</title>")
        planned_top = frame.y(day.planned)
        body.append(
            f'<rect class="bar-planned" x="{x:.1f}" y="{planned_top:.1f}" width="{width:.1f}" '
            f'height="{base - planned_top:.1f}"/>'
        )
        done_top = frame.y(day.completed)
        if day.completed:
            body.append(
                f'<rect class="bar-done" x="{x:.1f}" y="{done_top:.1f}" width="{width:.1f}" '
                f'height="{base - done_top:.1f}"/>'
            )
        if day.stopped:
            stop_top = frame.y(day.completed + day.stopped)
            body.append(
                f'<rect class="bar-stopped" x="{x:.1f}" y="{stop_top:.1f}" width="{width:.1f}" '
                f'height="{done_top - stop_top:.1f}"/>'
            )
        body.append("</g>")
    done = sum(a.completed for a in progress.adherence)
    planned = sum(a.planned for a in progress.adherence)
    desc = f"{done} of {planned} planned sessions done over {len(progress.adherence)} days."
    return _svg("chart-adherence", "Sessions done and planned each day", desc, body)
