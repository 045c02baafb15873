"""The clinician's dashboard, pure: one row per patient from their progress, and sorting and filtering the rows.

Built from `domain.progress.Progress` (the last 14 days; adherence over the last 7), the patient's last activity,
their open red-flag locks, today's advice level and their open alerts; the web layer gathers those with bounded
storage reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sciatica_coach.domain.adaptation.rules import ADVICE_LEVELS
from sciatica_coach.domain.alerts import tier_rank, worst_tier
from sciatica_coach.domain.progress import Progress
from sciatica_coach.domain.symptoms import SymptomCheck

WINDOW_DAYS = 14
ADHERENCE_DAYS = 7
SortKey = Literal["name", "activity", "adherence", "leg", "back", "sbi", "locks", "advice", "alerts"]
SORT_KEYS: tuple[SortKey, ...] = ("name", "activity", "adherence", "leg", "back", "sbi", "locks", "advice", "alerts")
Show = Literal["all", "locked", "inactive", "worse", "alerts", "critical"]
SHOWS: tuple[Show, ...] = ("all", "locked", "inactive", "worse", "alerts", "critical")
INACTIVE_DAYS = 2
Trend = Literal["up", "down", "same", "none"]


@dataclass(frozen=True)
class Row:
    """What the dashboard shows for one patient."""

    patient_id: int
    name: str
    last_activity: datetime | None
    done: int  # sessions completed in the last 7 days
    planned: int  # sessions planned in the last 7 days
    latest: SymptomCheck | None  # the latest morning check-in in the window
    latest_day: date | None
    back_trend: Trend  # against the check-in before it
    leg_trend: Trend
    sbi: int | None
    sbi_day: date | None
    locks: tuple[str, ...]  # the levels of the open red-flag locks (emergency, today, soon)
    advice: str = "continue"  # today's advice level (continue ... emergency): the rules', or an open lock's
    alerts: tuple[tuple[int, str], ...] = ()  # open alerts (row id, tier), most urgent first, then newest

    @property
    def worst_alert(self) -> str | None:
        """The most urgent tier among the open alerts."""
        return worst_tier([tier for _, tier in self.alerts])

    @property
    def adherence(self) -> float | None:
        """Done over planned in the last 7 days (None when nothing was planned)."""
        return self.done / self.planned if self.planned else None

    def inactive(self, today: date) -> bool:
        """No session or check-in for 2 days or more (or ever)."""
        return self.last_activity is None or (today - self.last_activity.date()).days >= INACTIVE_DAYS

    @property
    def worse(self) -> bool:
        """Leg or back pain rose at the latest check-in."""
        return "up" in (self.leg_trend, self.back_trend)


def _trend(latest: int, before: int | None) -> Trend:
    if before is None:
        return "none"
    return "up" if latest > before else "down" if latest < before else "same"


def build_row(
    patient_id: int,
    name: str,
    progress: Progress,
    last_activity: datetime | None,
    locks: Sequence[str],
    advice: str = "continue",
    alerts: Sequence[tuple[int, str]] = (),
) -> Row:
    """One patient's row from their progress over the window, today's advice level and the open alerts."""
    recent = progress.adherence[-ADHERENCE_DAYS:]
    mornings = progress.mornings
    latest = mornings[-1] if mornings else None
    before = mornings[-2] if len(mornings) > 1 else None
    sbi = progress.sbi[-1] if progress.sbi else None
    return Row(
        patient_id=patient_id,
        name=name,
        last_activity=last_activity,
        done=sum(day.completed for day in recent),
        planned=sum(day.planned for day in recent),
        latest=latest.symptoms if latest else None,
        latest_day=latest.day if latest else None,
        back_trend=_trend(latest.symptoms.back, before.symptoms.back if before else None) if latest else "none",
        leg_trend=_trend(latest.symptoms.leg, before.symptoms.leg if before else None) if latest else "none",
        sbi=sbi.total if sbi else None,
        sbi_day=sbi.day if sbi else None,
        locks=tuple(locks),
        advice=advice,
        alerts=tuple(sorted(alerts, key=lambda a: (-tier_rank(a[1]), -a[0]))),
    )


def _key(row: Row, key: SortKey) -> tuple[bool, float | str]:
    """Sort value; rows without a value go last whichever the direction (the bool comes first)."""
    if key == "name":
        return (False, row.name.lower())
    if key == "activity":
        return (row.last_activity is None, row.last_activity.timestamp() if row.last_activity else 0.0)
    if key == "adherence":
        return (row.adherence is None, row.adherence or 0.0)
    if key == "leg":
        return (row.latest is None, row.latest.leg if row.latest else 0)
    if key == "back":
        return (row.latest is None, row.latest.back if row.latest else 0)
    if key == "sbi":
        return (row.sbi is None, row.sbi or 0)
    if key == "advice":
        return (False, ADVICE_LEVELS.index(row.advice) if row.advice in ADVICE_LEVELS else 0)  # type: ignore[arg-type,unused-ignore]
    if key == "alerts":
        return (False, tier_rank(row.worst_alert) * 1000 + len(row.alerts))
    return (False, len(row.locks))


def arrange(rows: Sequence[Row], today: date, sort: SortKey, descending: bool, show: Show, q: str = "") -> list[Row]:
    """Filter (by name and by `show`), then sort; ties keep the name order; rows lacking the value stay last."""
    needle = q.strip().lower()
    kept = [
        r
        for r in rows
        if (not needle or needle in r.name.lower())
        and (
            show == "all"
            or (show == "locked" and r.locks)
            or (show == "inactive" and r.inactive(today))
            or (show == "worse" and r.worse)
            or (show == "alerts" and r.alerts)
            or (show == "critical" and r.worst_alert == "critical")
        )
    ]
    kept.sort(key=lambda r: r.name.lower())
    present = [r for r in kept if not _key(r, sort)[0]]
    absent = [r for r in kept if _key(r, sort)[0]]
    present.sort(key=lambda r: _key(r, sort)[1], reverse=descending)
    return present + absent
