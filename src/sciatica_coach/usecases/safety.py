"""Safety: answering the warning-sign questions, and recording that a clinician has assessed you."""

from __future__ import annotations

from collections.abc import Mapping

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.screening import NOT_A_QUESTION, FormName, ScreeningResult, parse_answers
from sciatica_coach.storage.safety import NOTE_MAX_CHARS, record_assessment, record_screening
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.errors import Invalid

CONFIRM_PROBLEM = "Tick the box to confirm that a clinician has assessed you."
NOTE_TOO_LONG = f"Please keep the note to {NOTE_MAX_CHARS} characters or fewer."
NOTE_CONTROL = "The note holds characters that cannot be saved (such as a NUL); please type it again."


def screen(
    store: Store,
    catalog: Catalog,
    patient_id: int,
    form: FormName,
    raw: Mapping[str, object],
    *,
    strict: bool = False,
) -> ScreeningResult:
    """Record a screening. Every question must be answered (MissingAnswers); unknown ids or values are Invalid.
    Any "yes" locks exercise; the lock stays until an assessment is recorded."""
    answers, problems = parse_answers(raw, form, catalog.red_flags, strict=strict)
    # Unknown ids (and, in JSON, values that are not true/false) are refused; unanswered questions are
    # MissingAnswers below, so a form can show which ones are left.
    given = {name: text for name, text in problems.items() if name.removeprefix("red_flags.") in raw}
    refused = {name: text for name, text in given.items() if strict or text == NOT_A_QUESTION}
    if refused:
        raise Invalid(refused)
    with store.write(patient_id) as db:
        return record_screening(db, patient_id, form, answers, catalog.red_flags)


def clean_note(note: str) -> str:
    """A free-text note ready to save: trimmed, within the length limit, no control characters; Invalid otherwise."""
    text = note.strip()
    if len(text) > NOTE_MAX_CHARS:
        raise Invalid({"note": NOTE_TOO_LONG})
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise Invalid({"note": NOTE_CONTROL})
    return text


def assessment(store: Store, patient_id: int, confirmed: bool, note: str = "") -> int:
    """The person confirms a clinician assessed them: their locks are cleared (how many is returned) and the full
    screening is due again before the next session."""
    if not confirmed:
        raise Invalid({"confirm": CONFIRM_PROBLEM})
    text = clean_note(note)
    with store.write(patient_id) as db:
        return record_assessment(db, patient_id, text)
