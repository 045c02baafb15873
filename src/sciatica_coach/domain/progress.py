"""Progress over time, from plain records: pain, reach, SBI, adherence and centralization, one value per day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sciatica_coach.domain.centralization import (
    DEFAULT_FALL,
    DEFAULT_RISE,
    EFFECTS,
    Classification,
    DayTrend,
    Effect,
    classify_change,
    daily_trend,
)
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import Prescription
from sciatica_coach.domain.symptoms import SymptomCheck

MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 7, 90, 28


@dataclass(frozen=True)
class MorningRecord:
    """A morning check-in on a day."""

    day: date
    symptoms: SymptomCheck


@dataclass(frozen=True)
class SbiRecord:
    """A weekly SBI total on a day."""

    day: date
    total: int


@dataclass(frozen=True)
class SessionDay:
    """A session started on a day, and how it ended."""

    day: date
    status: str  # in_progress, completed, stopped


@dataclass(frozen=True)
class ExerciseCheckPair:
    """The quick checks before and after one exercise."""

    day: date
    exercise_id: str
    before: SymptomCheck
    after: SymptomCheck


@dataclass(frozen=True)
class AdherenceDay:
    """Sessions planned and done on a day."""

    day: date
    planned: int
    completed: int
    stopped: int


@dataclass(frozen=True)
class ExerciseEffect:
    """How one exercise has been affecting the symptoms: a count per effect, and the most recent one in words."""

    exercise_id: str
    name: str
    counts: dict[Effect, int]
    latest: Classification
    latest_day: date

    @property
    def total(self) -> int:
        """How many before/after pairs were judged."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class Progress:
    """Everything the progress page and `sciatica-coach progress` show, over a period of days."""

    first_day: date
    last_day: date
    mornings: tuple[MorningRecord, ...]
    sbi: tuple[SbiRecord, ...]
    sbi_threshold: float
    adherence: tuple[AdherenceDay, ...]
    trends: tuple[DayTrend, ...]
    effects: tuple[ExerciseEffect, ...]
    planned_per_day: int
    empty: bool = field(default=False)

    @property
    def days(self) -> list[date]:
        """Every day of the period, oldest first."""
        return [self.first_day + timedelta(days=n) for n in range((self.last_day - self.first_day).days + 1)]


def planned_sessions_per_day(prescription: Prescription, library: Library) -> int:
    """Sessions a day the plan asks for: enough for each exercise's fewest times a day (glides: twice)."""
    counts = [int(library.exercise(item.exercise_id).dosage.times_per_day.min) for item in prescription.items]
    return max(counts, default=0)


def period(today: date, days: int, earliest: date | None) -> tuple[date, date]:
    """The days to show: the last `days` up to today, starting no earlier than the first record."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValueError(f"days must be between {MIN_DAYS} and {MAX_DAYS}, got {days}")
    first = today - timedelta(days=days - 1)
    if earliest is not None and earliest > first:
        first = min(earliest, today)
    return first, today


def build_progress(
    today: date,
    days: int,
    mornings: Sequence[MorningRecord],
    sbi: Sequence[SbiRecord],
    sessions: Sequence[SessionDay],
    pairs: Sequence[ExerciseCheckPair],
    planned_per_day: int,
    sbi_threshold: float,
    names: Mapping[str, str],
    thresholds: tuple[int, int] = (DEFAULT_RISE, DEFAULT_FALL),
) -> Progress:
    """Group the records of the period by day; with several morning checks in a day the last one counts."""
    dates = [m.day for m in mornings] + [r.day for r in sbi] + [s.day for s in sessions] + [p.day for p in pairs]
    first, last = period(today, days, min(dates) if dates else None)

    def inside(day: date) -> bool:
        return first <= day <= last

    per_day: dict[date, MorningRecord] = {}
    for record in sorted((m for m in mornings if inside(m.day)), key=lambda m: m.day):
        per_day[record.day] = record
    kept = tuple(per_day[d] for d in sorted(per_day))
    adherence = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        statuses = [s.status for s in sessions if s.day == day]
        adherence.append(AdherenceDay(day, planned_per_day, statuses.count("completed"), statuses.count("stopped")))
    return Progress(
        first_day=first,
        last_day=last,
        mornings=kept,
        sbi=tuple(sorted((r for r in sbi if inside(r.day)), key=lambda r: r.day)),
        sbi_threshold=sbi_threshold,
        adherence=tuple(adherence),
        trends=tuple(daily_trend([(m.day, m.symptoms) for m in kept], *thresholds)),
        effects=tuple(_effects([p for p in pairs if inside(p.day)], names, thresholds)),
        planned_per_day=planned_per_day,
        empty=not dates,
    )


def _effects(
    pairs: Sequence[ExerciseCheckPair], names: Mapping[str, str], thresholds: tuple[int, int]
) -> list[ExerciseEffect]:
    grouped: dict[str, list[ExerciseCheckPair]] = {}
    for pair in sorted(pairs, key=lambda p: p.day):
        grouped.setdefault(pair.exercise_id, []).append(pair)
    summaries = []
    for exercise_id, group in grouped.items():
        judged = [classify_change(p.before, p.after, *thresholds) for p in group]
        counts: dict[Effect, int] = {effect: 0 for effect in EFFECTS}
        for result in judged:
            counts[result.effect] += 1
        summaries.append(
            ExerciseEffect(exercise_id, names.get(exercise_id, exercise_id), counts, judged[-1], group[-1].day)
        )
    order = list(names)
    return sorted(summaries, key=lambda s: order.index(s.exercise_id) if s.exercise_id in order else len(order))
