"""Safety: answering the warning-sign questions (and the cautions), reading the advice for a "soon" sign, and
recording that a clinician has assessed you."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from pydantic import TypeAdapter, ValidationError

from sciatica_coach.domain.alerts import Observed
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.screening import NOT_A_QUESTION, FormName, MissingAnswers, ScreeningResult, parse_answers
from sciatica_coach.storage.accounts import clinician_patient
from sciatica_coach.storage.alerts import raise_alerts
from sciatica_coach.storage.models import utcnow
from sciatica_coach.storage.safety import (
    NAME_MAX_CHARS,
    NOTE_MAX_CHARS,
    acknowledge_advice,
    open_locks,
    record_assessment,
    record_screening,
)
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.errors import NOT_THEIR_PATIENT, Invalid, NotFound

CONFIRM_PROBLEM = "Tick the box to confirm that a clinician has assessed you."
WHO_PROBLEM = "Please say who assessed you (for example their name, or the clinic or hospital)."
WHO_TOO_LONG = f"Please keep who assessed you to {NAME_MAX_CHARS} characters or fewer."
WHEN_PROBLEM = "Please give the day you were assessed (YYYY-MM-DD)."
WHEN_FUTURE = "The day you were assessed cannot be in the future."
WHEN_BEFORE_LOCK = "The assessment must be on or after the day you told us about the warning sign."
READ_PROBLEM = "Tick the box to confirm that you have read the advice."
NOTE_TOO_LONG = f"Please keep the note to {NOTE_MAX_CHARS} characters or fewer."
NOTE_CONTROL = "The note holds characters that cannot be saved (such as a NUL); please type it again."
CAUTION_PREFIX = "cautions."
_YES_NO: TypeAdapter[bool] = TypeAdapter(bool)


def parse_cautions(
    raw: Mapping[str, object], catalog: Catalog, *, strict: bool = False
) -> tuple[dict[str, bool], dict[str, str]]:
    """The cautions' yes/no answers and the problems found (`cautions.<id>`): every caution must be answered."""
    known = {caution.id for caution in catalog.library.contraindications.cautions}
    answers: dict[str, bool] = {}
    problems: dict[str, str] = {}
    for key, value in raw.items():
        if key not in known:
            problems[CAUTION_PREFIX + key] = "not a caution question"
        elif value is not None and value != "":
            try:
                answers[key] = _YES_NO.validate_python(value, strict=strict)
            except ValidationError:
                problems[CAUTION_PREFIX + key] = "answer yes or no"
    for caution_id in sorted(known - answers.keys()):
        problems.setdefault(CAUTION_PREFIX + caution_id, "answer yes or no")
    return answers, problems


def screen(
    store: Store,
    catalog: Catalog,
    patient_id: int,
    form: FormName,
    raw: Mapping[str, object],
    *,
    strict: bool = False,
    cautions: Mapping[str, object] | None = None,
    at: datetime | None = None,
) -> ScreeningResult:
    """Record a screening. Every question must be answered (MissingAnswers names the questions, and the cautions
    as `cautions.<id>`); unknown ids or values are Invalid. `cautions` (the full form's pregnancy and stenosis
    questions) are saved with it. A "yes" locks exercise at its level: emergency and today until an assessment is
    recorded, soon until the advice is read."""
    answers, problems = parse_answers(raw, form, catalog.red_flags, strict=strict)
    # Unknown ids (and, in JSON, values that are not true/false) are refused; unanswered questions are
    # MissingAnswers below, so a form can show which ones are left.
    given = {name: text for name, text in problems.items() if name.removeprefix("red_flags.") in raw}
    refused = {name: text for name, text in given.items() if strict or text == NOT_A_QUESTION}
    caution_answers: dict[str, bool] | None = None
    missing_cautions: list[str] = []
    if cautions is not None:
        caution_answers, caution_problems = parse_cautions(cautions, catalog, strict=strict)
        for name, text in caution_problems.items():
            key = name.removeprefix(CAUTION_PREFIX)
            if key in cautions and (strict or text != "answer yes or no"):
                refused[name] = text
            else:
                missing_cautions.append(name)
    if refused:
        raise Invalid(refused)
    missing = [name.removeprefix("red_flags.") for name in problems if name not in refused]
    if missing or missing_cautions:
        raise MissingAnswers((*missing, *missing_cautions))
    with store.write(patient_id) as db:
        result = record_screening(db, patient_id, form, answers, catalog.red_flags, cautions=caution_answers, at=at)
        if result.red_flag:
            raise_alerts(db, catalog.alerts, patient_id, Observed(at=at or utcnow(), red_flag=True))
        return result


def clean_note(note: str) -> str:
    """A free-text note ready to save: trimmed, within the length limit, no control characters; Invalid otherwise."""
    text = note.strip()
    if len(text) > NOTE_MAX_CHARS:
        raise Invalid({"note": NOTE_TOO_LONG})
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise Invalid({"note": NOTE_CONTROL})
    return text


def _assessed_on(value: date | str | None, today: date) -> date:
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat((value or "").strip())
        except ValueError:
            raise Invalid({"assessed_on": WHEN_PROBLEM}) from None
    if day > today:
        raise Invalid({"assessed_on": WHEN_FUTURE})
    return day


def assessment(
    store: Store,
    patient_id: int,
    confirmed: bool,
    note: str = "",
    *,
    assessed_by: str,
    assessed_on: date | str | None,
    now: datetime | None = None,
    by_clinician: int | None = None,
) -> int:
    """The person records that a clinician assessed them: who, and on what day (not in the future, not before the
    warning sign). Their locks are cleared (how many is returned) and the full screening is due again before the
    next session. Invalid names each problem. `by_clinician` (an account id): the clinician records it themselves
    (clinic mode), in the same transaction as the check that the patient is theirs (NotFound otherwise)."""
    if not confirmed:
        raise Invalid({"confirm": CONFIRM_PROBLEM})
    who = " ".join(assessed_by.split())
    if not who:
        raise Invalid({"assessed_by": WHO_PROBLEM})
    if len(who) > NAME_MAX_CHARS or any(ord(ch) < 32 for ch in who):
        raise Invalid({"assessed_by": WHO_TOO_LONG})
    moment = now or utcnow()
    day = _assessed_on(assessed_on, moment.date())
    text = clean_note(note)
    with store.write(patient_id) as db:
        if by_clinician is not None and clinician_patient(db, by_clinician, patient_id) is None:
            raise NotFound(NOT_THEIR_PATIENT)
        locks = open_locks(db, patient_id)
        if locks and day < min(lock.locked_at for lock in locks).date():
            raise Invalid({"assessed_on": WHEN_BEFORE_LOCK})
        return record_assessment(db, patient_id, who, day, text, at=moment, by_clinician=by_clinician is not None)


def read_advice(store: Store, patient_id: int, confirmed: bool) -> int:
    """The person has read the advice for a "soon" sign (book a doctor's appointment): those locks are cleared and
    exercise opens again; locks that need an assessment stay. How many were cleared is returned."""
    if not confirmed:
        raise Invalid({"read": READ_PROBLEM})
    with store.write(patient_id) as db:
        return acknowledge_advice(db, patient_id)
