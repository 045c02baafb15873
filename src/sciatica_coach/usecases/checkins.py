"""Check-ins: the morning check-in (with its short warning-sign questions), the weekly SBI, answering an offer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from sciatica_coach.domain.adaptation import AdaptivePlan, Advice, Change, advice_of, screening_advice, worst
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.centralization import Classification, classify_change
from sciatica_coach.domain.checkins import CheckinError, MorningCheck, parse_morning
from sciatica_coach.domain.instruments.sbi import SbiScore, score_sbi
from sciatica_coach.domain.screening import ScreeningResult, parse_answers
from sciatica_coach.storage.checkins import checkin_symptoms, latest_checkin, save_morning_checkin, save_sbi
from sciatica_coach.storage.plans import Applied, apply_adaptation, current_plan, respond_to_offer
from sciatica_coach.storage.safety import Gate, exercise_gate, lock_is_emergency, open_locks, record_screening
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
    """Validate and save the six answers and the short warning-sign questions, then run the rules.

    A red flag always wins: when every warning-sign question is answered and one is "yes", it is recorded (and
    exercise locked) even if the symptom answers have problems. Otherwise Invalid lists every problem.
    `with_gate=False` skips working out the exercise gate when there is no red flag (the JSON answer has no use
    for it), which keeps this hot write short.
    """
    flags, problems = parse_answers(red_flags, "short", catalog.red_flags, strict=strict)
    check: MorningCheck | None = None
    try:
        check = parse_morning(answers, strict=strict)
    except CheckinError as exc:
        problems = {**exc.problems, **problems}
    red = any(flags.values()) and not any(name.startswith("red_flags.") for name in problems)
    if problems and not red:
        raise Invalid(problems)
    with store.write(patient_id) as db:
        previous = latest_checkin(db, patient_id, "morning")
        before = checkin_symptoms(previous) if previous is not None else None
        result = record_screening(db, patient_id, "short", flags, catalog.red_flags)
        applied = Applied()
        if check is not None:
            row = save_morning_checkin(db, patient_id, check, at)
            if result.red_flag:
                row.answers = {"red_flag": True}  # the rules build nothing up on this morning
            applied = apply_adaptation(db, patient_id, catalog.library, catalog.rules)
        trend = classify_change(before, check.symptoms) if before is not None and check is not None else None
        plan = current_plan(db, patient_id, catalog.library)
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
        )


def lock_advice(db: Session, patient_id: int) -> Advice | None:
    """While an earlier warning sign keeps exercise locked, its advice still stands (None when nothing is locked)."""
    locks = open_locks(db, patient_id)
    if not locks:
        return None
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
        apply_adaptation(db, patient_id, catalog.library, catalog.rules)  # the SBI feeds the 6-week review
        return SbiOutcome(score, previous.score if previous is not None else None)


def answer_offer(store: Store, catalog: Catalog, patient_id: int, rule_id: str, accept: bool) -> Change:
    """Accept or decline an offer from the rules; OfferError when there is no such offer (e.g. answered already)."""
    with store.write(patient_id) as db:
        return respond_to_offer(db, patient_id, catalog.library, rule_id, accept, catalog.rules)
