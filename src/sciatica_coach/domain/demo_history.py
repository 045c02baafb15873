"""A made-up person's few weeks with the coach, generated purely from the content and the rules (no database).

The story: left-leg sciatica reaching below the knee settles over the weeks. The straight-leg glide spreads the
symptoms on day one, so the rules switch to the bent-knee glide and later offer the straight leg again (accepted);
press-ups centralize and build up; one evening the hip hinge is stopped for pain and the next morning is worse, so
everything eases off by one; the weekly SBI falls below the published threshold. Times are UTC; the last day is
the day before `today`, so real check-ins made afterwards always come later.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sciatica_coach.domain.adaptation import (
    AdaptivePlan,
    Change,
    Event,
    ExerciseOutcome,
    MorningEvent,
    RuleBook,
    SbiEvent,
    accept_offer,
    adapt,
)
from sciatica_coach.domain.checkins import MorningCheck
from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import PrescribedExercise, Prescription
from sciatica_coach.domain.symptoms import REACH_LEVELS, SymptomCheck, reach_rank

MIN_DAYS, MAX_DAYS = 7, 56
MORNING_AT, SBI_AT, OFFER_AT = time(7, 30), time(7, 35), time(7, 40)
SESSION_TIMES = (time(9, 0), time(18, 0))
EXERCISE_MINUTES = 5


@dataclass(frozen=True)
class DemoCheck:
    """One exercise of a demo session: its quick checks (no check after when it was stopped for pain)."""

    exercise_id: str
    before_at: datetime
    before: SymptomCheck
    after_at: datetime | None
    after: SymptomCheck | None
    stopped_for_pain: bool = False


@dataclass(frozen=True)
class DemoSession:
    """A guided session: what was prescribed, and each exercise's checks."""

    started_at: datetime
    finished_at: datetime
    status: str  # completed or stopped
    prescription: Prescription
    checks: tuple[DemoCheck, ...]


@dataclass(frozen=True)
class DemoMorning:
    """A morning check-in."""

    at: datetime
    check: MorningCheck


@dataclass(frozen=True)
class DemoSbi:
    """A weekly Sciatica Bothersomeness Index."""

    at: datetime
    answers: dict[str, int]


@dataclass(frozen=True)
class DemoOffer:
    """The person's answer to an offer from the rules."""

    at: datetime
    rule_id: str
    accept: bool


Step = DemoSession | DemoMorning | DemoSbi | DemoOffer


@dataclass(frozen=True)
class DemoHistory:
    """Everything that happened, in time order, and the plan the rules arrived at."""

    first_day: date
    last_day: date
    steps: tuple[Step, ...]
    plan: AdaptivePlan
    changes: tuple[Change, ...]


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=UTC)


def _reach(level: int) -> str:
    return REACH_LEVELS[max(0, min(len(REACH_LEVELS) - 1, level))]


def _morning_symptoms(fraction: float, flared: bool) -> MorningCheck:
    leg = 5 - round(3.5 * fraction)
    back = 3 if 0.3 <= fraction < 0.7 else 2
    level = 3 if fraction < 0.2 else 2 if fraction < 0.5 else 1 if fraction < 0.8 else 0
    if flared:  # a small flare: leg pain up one, so nothing is built up that day
        leg += 1
    return MorningCheck(SymptomCheck(back, leg, _reach(level), "none"), numbness=fraction < 0.5, weakness=False)


def _sbi_answers(fraction: float) -> dict[str, int]:
    return {
        "leg-pain": round(5 - 4 * fraction),
        "numbness-tingling": round(4 - 3.6 * fraction),
        "weakness": round(2 - 2 * fraction),
        "sitting-pain": round(5 - 4 * fraction),
    }


def _effect(item: PrescribedExercise, now: SymptomCheck, first_session: bool) -> SymptomCheck:
    """What one exercise does to the symptoms in this story."""
    if item.exercise_id == "nerve-glide" and first_session:
        return replace(now, leg=min(10, now.leg + 1), left_reach=_reach(reach_rank(now.left_reach) + 1))
    if item.exercise_id == "prone-press-up":
        moved = reach_rank(now.left_reach) > 0
        return replace(
            now,
            leg=max(0, now.leg - 1),
            back=min(10, now.back + (1 if moved and now.back < 3 else 0)),
            left_reach=_reach(reach_rank(now.left_reach) - 1),
        )
    return now


def build_demo(library: Library, book: RuleBook, today: date, days: int = 21) -> DemoHistory:
    """The demo history ending the day before `today`; the same arguments always give the same history."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValueError(f"days must be between {MIN_DAYS} and {MAX_DAYS}, got {days}")
    first = today - timedelta(days=days)
    flare_day = round(0.45 * (days - 1))
    plan = AdaptivePlan.start(library)
    steps: list[Step] = []
    changes: list[Change] = []

    def feed(events: list[Event]) -> None:
        nonlocal plan
        result = adapt(plan, events, book, library)
        plan = result.plan
        changes.extend(result.changes)

    for index in range(days):
        day = first + timedelta(days=index)
        fraction = index / (days - 1)
        morning = _morning_symptoms(fraction, flared=index == flare_day + 1)
        steps.append(DemoMorning(_at(day, MORNING_AT), morning))
        feed([MorningEvent(_at(day, MORNING_AT), morning)])
        if index % 7 == 0 or index == days - 1:
            answers = _sbi_answers(fraction)
            steps.append(DemoSbi(_at(day, SBI_AT), answers))
            feed([SbiEvent(_at(day, SBI_AT), sum(answers.values()))])
        for offer in plan.offers:
            steps.append(DemoOffer(_at(day, OFFER_AT), offer.rule_id, accept=True))
            result = accept_offer(plan, offer.rule_id, book, library, _at(day, OFFER_AT))
            plan = result.plan
            changes.extend(result.changes)
        for slot, moment in enumerate(SESSION_TIMES):
            skipped = (slot == 1 and index % 6 == 4) or (slot == 0 and index == flare_day + 1)
            if skipped:
                continue
            stop_at = "hip-hinge" if (index == flare_day and slot == 1) else None
            session = _session(plan.prescription, _at(day, moment), morning.symptoms, index == 0 and slot == 0, stop_at)
            steps.append(session)
            feed(_events(session))
    return DemoHistory(first, first + timedelta(days=days - 1), tuple(steps), plan, tuple(changes))


def _session(
    prescription: Prescription, start: datetime, symptoms: SymptomCheck, first_session: bool, stop_at: str | None
) -> DemoSession:
    checks: list[DemoCheck] = []
    now = symptoms
    for number, item in enumerate(prescription.items):
        before_at = start + timedelta(minutes=EXERCISE_MINUTES * number)
        if item.exercise_id == stop_at:
            checks.append(DemoCheck(item.exercise_id, before_at, now, None, None, stopped_for_pain=True))
            return DemoSession(start, before_at + timedelta(minutes=2), "stopped", prescription, tuple(checks))
        after = _effect(item, now, first_session)
        checks.append(DemoCheck(item.exercise_id, before_at, now, before_at + timedelta(minutes=4), after))
        now = after
    finished = start + timedelta(minutes=EXERCISE_MINUTES * len(prescription.items))
    return DemoSession(start, finished, "completed", prescription, tuple(checks))


def _events(session: DemoSession) -> list[Event]:
    """The events storage reads back from this session, in the same order."""
    events: list[Event] = []
    for check in session.checks:
        if check.after is not None and check.after_at is not None:
            events.append(ExerciseOutcome(check.after_at, check.exercise_id, check.before, check.after))
        elif check.stopped_for_pain:
            events.append(ExerciseOutcome(session.finished_at, check.exercise_id, check.before, None, True))
    return events
