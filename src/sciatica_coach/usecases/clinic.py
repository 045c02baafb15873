"""Clinic mode, a clinician's actions on one of their own patients' plans (one function per action, each one
`Store.write(patient_id)` transaction that first checks the patient is theirs): a new prescription, keeping or
undoing a change the rules made, answering an offer for the patient, putting a paused or stopped exercise back.

Each action is a new prescription version (who, when, what, the note), its plan changes are saved with the
clinician's name and note beside the rules' (the patient reads them on /plan) and audited (ids only; the note,
which may hold health details, stays with the change)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sciatica_coach.domain.adaptation import AdaptivePlan, Change
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.prescribing import (
    EditError,
    EditItem,
    NoReview,
    PlanMovedOn,
    Signed,
    answer_offer_for,
    check_edit,
    check_note,
    keep_change,
    resume_exercise,
    set_prescription,
    undo_change,
)
from sciatica_coach.storage.accounts import clinician_patient
from sciatica_coach.storage.models import AuditEntry, utcnow
from sciatica_coach.storage.plans import apply_adaptation, plan_for_update, save_plan
from sciatica_coach.storage.prescriptions import add_version, change_of, decided, keep_morning_in_step, next_version
from sciatica_coach.storage.prescriptions import rule_change as find_rule_change
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.accounts import Account
from sciatica_coach.usecases.errors import NOT_THEIR_PATIENT, Invalid, NotFound

NOTHING_CHANGED = "This is the prescription as it stands: change an exercise, a variant or a dose first."
NO_SUCH_CHANGE = "There is no change of the rules with that id in this patient's plan that can be kept or undone."
DECIDED_ALREADY = "That change has been kept or undone already."
NOT_PAUSED = "That exercise is not paused or stopped for review."

Make = Callable[[AdaptivePlan, Signed], tuple[AdaptivePlan, list[Change]]]


def own_patient(db: Session, who: Account, patient_id: int) -> str:
    """The patient's name when they are this clinician's; NotFound otherwise (never told apart from a missing id)."""
    found = clinician_patient(db, who.id, patient_id)
    if found is None:
        raise NotFound(NOT_THEIR_PATIENT)
    user, patient = found
    return user.display_name or patient.display_name


def _note(note: str, catalog: Catalog) -> str:
    try:
        return check_note(note, catalog.library)
    except EditError as exc:
        raise Invalid(exc.problems) from None


def _sign(
    store: Store,
    catalog: Catalog,
    who: Account,
    patient_id: int,
    action: str,
    note: str,
    make: Make,
    extra: dict[str, Any] | None = None,
    now: datetime | None = None,
    check: Callable[[Session], None] | None = None,
) -> int:
    """One clinician action in one transaction: the patient checked, the rules brought up to date (events saved
    but not yet read), the change made, saved with a new version and audited. Returns the version number."""
    text = _note(note, catalog)
    with store.write(patient_id) as db:
        own_patient(db, who, patient_id)
        if check is not None:
            check(db)
        apply_adaptation(db, patient_id, catalog.library, catalog.rules)
        plan = plan_for_update(db, patient_id, catalog.library)
        version = next_version(db, patient_id)
        signed = Signed(who.display_name or who.email, text, version, now or utcnow())
        new_plan, changes = make(plan, signed)
        if not changes:
            raise Invalid({"items": NOTHING_CHANGED})
        by = {"by": signed.by, "note": text, "version": version, **(extra or {})}
        save_plan(db, patient_id, catalog.library, new_plan, changes, f"clinician:{who.id}", by)
        add_version(db, patient_id, version, who.id, signed.by, action, text, new_plan.prescription, signed.at)
        detail = {"version": version, "action": action, "clinician_id": who.id, **(extra or {})}
        db.add(
            AuditEntry(patient_id=patient_id, actor=f"clinician:{who.id}", action="prescription-version", detail=detail)
        )
        keep_morning_in_step(db, patient_id, new_plan, signed.at)
        return version


def save_prescription(
    store: Store,
    catalog: Catalog,
    who: Account,
    patient_id: int,
    items: Sequence[EditItem],
    note: str,
    now: datetime | None = None,
) -> int:
    """A new prescription: exercises and variants from the content, doses inside their ranges, nothing
    contraindicated (Invalid names each problem, with the reason for a refused entry). The new version's number."""
    try:
        prescription = check_edit(items, catalog.library)
    except EditError as exc:
        raise Invalid(exc.problems) from None

    def make(plan: AdaptivePlan, signed: Signed) -> tuple[AdaptivePlan, list[Change]]:
        return set_prescription(plan, prescription, catalog.library, signed)

    return _sign(store, catalog, who, patient_id, "set", note, make, now=now)


def decide_change(
    store: Store,
    catalog: Catalog,
    who: Account,
    patient_id: int,
    change_id: int,
    keep: bool,
    note: str = "",
    now: datetime | None = None,
) -> int:
    """Keep (approve) or undo (override: the exercise back as it was before) a change the rules made. NotFound for
    an id that is not such a change of this patient; Invalid when it was decided already; PlanMovedOn when the plan
    has changed since, so undoing it would undo more."""
    found: list[Change] = []

    def check(db: Session) -> None:
        row = find_rule_change(db, patient_id, change_id)
        if row is None:
            raise NotFound(NO_SUCH_CHANGE)
        if change_id in decided(db, patient_id, row.created_at):
            raise Invalid({"change": DECIDED_ALREADY})
        found.append(change_of(row))

    def make(plan: AdaptivePlan, signed: Signed) -> tuple[AdaptivePlan, list[Change]]:
        return keep_change(plan, found[0], signed) if keep else undo_change(plan, found[0], catalog.library, signed)

    action = "keep" if keep else "undo"
    return _sign(store, catalog, who, patient_id, action, note, make, {"decides": change_id}, now, check)


def answer_offer(
    store: Store,
    catalog: Catalog,
    who: Account,
    patient_id: int,
    rule_id: str,
    accept: bool,
    note: str = "",
    now: datetime | None = None,
) -> int:
    """Accept or decline an open offer of the rules for the patient (OfferError when there is none)."""

    def make(plan: AdaptivePlan, signed: Signed) -> tuple[AdaptivePlan, list[Change]]:
        return answer_offer_for(plan, rule_id, accept, catalog.rules, catalog.library, signed)

    action = "accept-offer" if accept else "decline-offer"
    return _sign(store, catalog, who, patient_id, action, note, make, {"offer": rule_id}, now)


def resume(
    store: Store,
    catalog: Catalog,
    who: Account,
    patient_id: int,
    exercise_id: str,
    note: str = "",
    now: datetime | None = None,
) -> int:
    """Put an exercise paused or stopped for review back in the plan (at the dose it had). NotFound when it is not
    waiting for a review."""

    def make(plan: AdaptivePlan, signed: Signed) -> tuple[AdaptivePlan, list[Change]]:
        try:
            return resume_exercise(plan, exercise_id, catalog.library, signed)
        except NoReview:
            raise NotFound(NOT_PAUSED) from None

    return _sign(store, catalog, who, patient_id, "resume", note, make, {"exercise_id": exercise_id}, now)


__all__ = ["PlanMovedOn", "answer_offer", "decide_change", "own_patient", "resume", "save_prescription"]
