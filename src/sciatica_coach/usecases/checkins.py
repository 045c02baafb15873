"""Check-ins: the morning check-in (with its short warning-sign questions), the weekly SBI, answering an offer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from sciatica_coach.domain.adaptation import AdaptivePlan, Advice, Change, advice_of, screening_advice, worst
from sciatica_coach.domain.alerts import Observed, new_nerve_signs
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.centralization import Classification, classify_change
from sciatica_coach.domain.checkins import CheckinError, MorningCheck, parse_morning
from sciatica_coach.domain.clock import local_day
from sciatica_coach.domain.instruments.sbi import SbiScore, score_sbi
from sciatica_coach.domain.screening import NerveSign, ScreeningResult, nerve_signs_of, parse_answers
from sciatica_coach.storage.alerts import raise_alerts
from sciatica_coach.storage.checkins import (
    TodaysMorning,
    correct_morning_checkin,
    latest_checkin,
    morning_before,
    save_morning_checkin,
    save_sbi,
    todays_morning,
)
from sciatica_coach.storage.models import PlanChange, utcnow
from sciatica_coach.storage.plans import (
    Applied,
    apply_adaptation,
    current_plan,
    held_state_json,
    list_plan_changes,
    plan_for_update,
    respond_to_offer,
    rewind,
)
from sciatica_coach.storage.safety import (
    Gate,
    any_open_lock,
    exercise_gate,
    lock_is_emergency,
    open_locks,
    recheck_due,
    record_screening,
)
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.errors import Invalid


@dataclass(frozen=True)
class MorningOutcome:
    """What a morning check-in saved and changed."""

    saved: bool  # False when a red flag was recorded but the symptom answers were incomplete
    screening: ScreeningResult
    trend: Classification | None  # against the previous morning (None on the first)
    applied: Applied
    plan: AdaptivePlan
    gate: Gate | None
    advice: Advice  # what to do today: the safety questions' advice wins, then the rules'
    opened: tuple[str, ...] = ()  # warning-sign questions the nerve signs opened
    corrected: bool = False  # today's check-in was saved already: this one corrected it


def morning_checkin(
    store: Store,
    catalog: Catalog,
    patient_id: int,
    answers: Mapping[str, object],
    red_flags: Mapping[str, object],
    *,
    strict: bool = False,
    at: datetime | None = None,
    with_gate: bool = True,
) -> MorningOutcome:
    """Validate and save the six answers and the warning-sign questions asked with them, then run the rules.

    The warning-sign questions asked: the short re-screen when it is due (the last screening is more than 24 hours
    old at `at`), and always the questions a nerve sign opens (new numbness, weakness, symptoms reaching down both
    legs). Until every one is answered nothing is saved (Invalid names each, `red_flags.<id>`). A red flag always
    wins: any "yes" is recorded (and exercise locked) at once, even if other answers have problems.
    `with_gate=False` skips working out the exercise gate when there is no red flag (the JSON answer has no use
    for it), which keeps this hot write short.
    """
    content = catalog.red_flags
    check: MorningCheck | None = None
    problems: dict[str, str] = {}
    try:
        check = parse_morning(answers, strict=strict)
    except CheckinError as exc:
        problems = dict(exc.problems)
    signs = (
        nerve_signs_of(check.numbness, check.weakness, check.symptoms.left_reach, check.symptoms.right_reach)
        if check is not None
        else ()
    )
    opened = [item.id for item in content.opened_questions(signs)]
    with store.write(patient_id) as db:
        due = recheck_due(db, patient_id, at)
        required = list(dict.fromkeys([*(i.id for i in content.questions("short") if due), *opened]))
        flags, rf_problems = parse_answers(red_flags, "short", content, strict=strict, required=required)
        because = opened_because(signs)
        problems |= {
            name: f"{text} ({because})" if name.removeprefix("red_flags.") in opened and because else text
            for name, text in rf_problems.items()
        }
        red = any(flags.values())
        if problems and not red:
            raise Invalid(problems)  # nothing written: the transaction rolls back
        # One morning check-in a day: a second one corrects today's, and the rules replay the day from where they
        # were before it (so they run once for the day, on the corrected answers).
        start, end = local_day(at or utcnow())
        today = todays_morning(db, patient_id, start, end) if check is not None else None
        if today is not None and today.state_before is not None:
            rewind(db, patient_id, today.state_before, today.at, "morning-corrected")
        elif today is not None:
            today = None  # saved before corrections kept the rules' state: counted as another check-in
        # The state a first check-in of the day keeps, for a correction later that day to replay from.
        state_before = held_state_json(db, patient_id, catalog.library) if today is None and check is not None else None
        # The last morning the rules read is the previous morning check-in (every one is read when saved).
        held_plan = plan_for_update(db, patient_id, catalog.library)
        before, nerve_before = held_plan.last_morning, held_plan.nerve_signs
        result = (
            record_screening(db, patient_id, "short", flags, content, required=list(flags), at=at)
            if flags
            else ScreeningResult(red_flag=False, emergency=False, message=content.messages.clear.summary)
        )
        applied = Applied()
        if check is not None:
            # saved with a warning sign answered "yes": the rules build nothing up on this morning
            if today is not None:
                correct_morning_checkin(db, today, check, red_flag=result.red_flag)
            else:
                save_morning_checkin(db, patient_id, check, at, red_flag=result.red_flag, state_before=state_before)
            applied = apply_adaptation(db, patient_id, catalog.library, catalog.rules)
        trend = classify_change(before, check.symptoms) if before is not None and check is not None else None
        seen = Observed(
            at=at or utcnow(),
            red_flag=result.red_flag,
            after=check.symptoms if check is not None else None,
            before=before,
            new_nerve_signs=check is not None and new_nerve_signs(check.numbness, check.weakness, nerve_before),
        ).and_rules(applied.changes, applied.advice)
        raise_alerts(db, catalog.alerts, patient_id, seen)
        plan = applied.plan or current_plan(db, patient_id, catalog.library)
        return MorningOutcome(
            saved=check is not None,
            screening=result,
            trend=trend,
            applied=applied,
            plan=plan,
            gate=exercise_gate(db, patient_id) if with_gate or result.red_flag else None,
            advice=worst(
                [
                    screening_advice(result) or lock_advice(db, patient_id),
                    applied.advice or advice_of(plan.notes, catalog.rules),
                ]
            ),
            opened=tuple(opened),
            corrected=today is not None,
        )


@dataclass(frozen=True)
class MorningToday:
    """Today's morning check-in as it stands (a pure read, for the page shown after saving and on a second visit)."""

    today: TodaysMorning
    trend: Classification | None
    changes: tuple[PlanChange, ...]  # what the rules changed since this morning, oldest first
    plan: AdaptivePlan
    gate: Gate | None
    advice: Advice


def morning_today(store: Store, catalog: Catalog, patient_id: int, now: datetime | None = None) -> MorningToday | None:
    """Today's morning check-in, compared with the one before, with what the rules made of it; None before it."""
    start, end = local_day(now or utcnow())
    with store.read() as db:
        today = todays_morning(db, patient_id, start, end)
        if today is None:
            return None
        before = morning_before(db, patient_id, today.at)
        plan = current_plan(db, patient_id, catalog.library)
        since = list_plan_changes(db, patient_id, since=today.at)
        for row in since:
            db.expunge(row)  # plain values from here on: the read session rolls back when it closes
        return MorningToday(
            today=today,
            trend=classify_change(before, today.check.symptoms) if before is not None else None,
            changes=tuple(reversed(since)),
            plan=plan,
            gate=exercise_gate(db, patient_id),
            advice=worst([lock_advice(db, patient_id), advice_of(plan.notes, catalog.rules)]),
        )


def opened_because(signs: Sequence[NerveSign]) -> str:
    """Why nerve-sign questions were opened, in words ("asked because you reported numbness and weakness")."""
    words = {"numbness": "numbness", "weakness": "weakness", "both-legs": "symptoms in both legs"}
    named = [words[sign] for sign in signs]
    if not named:
        return ""
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"asked because you reported {listed}"


def lock_advice(db: Session, patient_id: int) -> Advice | None:
    """While an earlier warning sign keeps exercise locked, its advice still stands (None when nothing is locked)."""
    if not any_open_lock(db, patient_id):
        return None
    locks = open_locks(db, patient_id)
    emergency = [lock for lock in locks if lock_is_emergency(db, lock)]
    worst_lock = (emergency or locks)[0]
    return screening_advice(ScreeningResult(red_flag=True, emergency=bool(emergency), message=worst_lock.reason))


@dataclass(frozen=True)
class SbiOutcome:
    """The scored SBI and the one before it (for comparison)."""

    score: SbiScore
    previous_total: int | None


def weekly_sbi(store: Store, catalog: Catalog, patient_id: int, answers: Mapping[str, object]) -> SbiOutcome:
    """Score and save the Sciatica Bothersomeness Index; CheckinError names each problem."""
    score = score_sbi(answers, catalog.sbi)
    with store.write(patient_id) as db:
        previous = latest_checkin(db, patient_id, "sbi")
        save_sbi(db, patient_id, score)
        applied = apply_adaptation(db, patient_id, catalog.library, catalog.rules)  # it feeds the 6-week review
        seen = Observed(at=utcnow()).and_rules(applied.changes, applied.advice)
        raise_alerts(db, catalog.alerts, patient_id, seen)
        return SbiOutcome(score, previous.score if previous is not None else None)


def answer_offer(store: Store, catalog: Catalog, patient_id: int, rule_id: str, accept: bool) -> Change:
    """Accept or decline an offer from the rules; OfferError when there is no such offer (e.g. answered already)."""
    with store.write(patient_id) as db:
        return respond_to_offer(db, patient_id, catalog.library, rule_id, accept, catalog.rules)
