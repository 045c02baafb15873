"""A patient's record (the JSON file's shape, `record_file.py`) as a FHIR R4B Bundle of type collection, pure.

Patient; an ActivityDefinition per content exercise (canonical url and the content's version); a CarePlan with a
ServiceRequest per prescribed exercise (reps in `quantity`, sessions a day and the hold in `occurrenceTiming`,
`instantiatesCanonical` to its ActivityDefinition); an Observation per pain score (LOINC 72514-3, bodySite the lower
back or a leg, SNOMED CT); a QuestionnaireResponse per SBI (answering the SBI Questionnaire, included) with its
total as an Observation `derivedFrom` it; a Procedure per completed session. Resource ids are name-based UUIDs of
the file's refs, so the same record gives the same bundle.
"""

from __future__ import annotations

import uuid
from typing import Any

from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.instruments.sbi import SbiContent

CANONICAL_BASE = "https://sciatica-coach.example/fhir"
CODES = f"{CANONICAL_BASE}/CodeSystem"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
PAIN_CODE = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
SBI_TOTAL_CODE = "sbi-total"
SBI_QUESTIONNAIRE = f"{CANONICAL_BASE}/Questionnaire/sbi"
SESSION_CODE = "guided-exercise-session"
# Body sites of pain scores (SNOMED CT body structures).
LOWER_BACK = ("37822005", "Lower back structure")
LEFT_LEG = ("32153003", "Structure of left lower limb")
RIGHT_LEG = ("62175007", "Structure of right lower limb")
LEGS = ("61685007", "Lower limb structure")
BODY_SITES = {code for code, _ in (LOWER_BACK, LEFT_LEG, RIGHT_LEG, LEGS)}
PAIN_RANGE = (0, 10)
SBI_RANGE = (0, 24)
DISCLAIMER = "Self-management support exported from Sciatica Coach; it does not replace a clinician."
SURVEY = {
    "coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}],
    "text": "Survey",
}
_NAMESPACE = uuid.UUID("5b0c7a8e-2f51-4d3c-9a57-1f3f0b6f2c11")


def _full_url(kind: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}/{key}')}"


def _entry(kind: str, key: str, resource: dict[str, Any]) -> dict[str, Any]:
    full = _full_url(kind, key)
    return {"fullUrl": full, "resource": {"resourceType": kind, "id": full.removeprefix("urn:uuid:"), **resource}}


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def activity_canonical(exercise_id: str, version: int) -> str:
    """The canonical reference of an exercise's ActivityDefinition at a content version."""
    return f"{CANONICAL_BASE}/ActivityDefinition/{exercise_id}|{version}"


def _leg_site(checkin: dict[str, Any]) -> tuple[str, str]:
    left = (checkin.get("left_reach") or "none") != "none"
    right = (checkin.get("right_reach") or "none") != "none"
    if left and not right:
        return LEFT_LEG
    if right and not left:
        return RIGHT_LEG
    return LEGS


def _prescription(record: dict[str, Any]) -> list[dict[str, Any]]:
    state = (record.get("plan_state") or {}).get("plan") or {}
    items = ((state.get("state") or {}).get("prescription") or {}).get("items")
    if items is None and record["sessions"]:
        items = (record["sessions"][-1].get("prescription") or {}).get("items")
    return list(items or [])


def _questionnaire(sbi: SbiContent) -> dict[str, Any]:
    return _entry(
        "Questionnaire",
        f"sbi|{sbi.version}",
        {
            "url": SBI_QUESTIONNAIRE,
            "version": str(sbi.version),
            "title": sbi.name,
            "status": "active",
            "item": [{"linkId": item.id, "text": item.text, "type": "integer"} for item in sbi.items],
        },
    )


def build_bundle(record: dict[str, Any], library: Library, sbi: SbiContent) -> dict[str, Any]:
    """The Bundle (JSON-ready) for a checked record; `sbi`: the questionnaire the SBI answers answer."""
    patient_key = record["patient"]["created_at"]
    patient = _entry("Patient", patient_key, {"name": [{"text": record["patient"]["display_name"]}]})
    subject = {"reference": patient["fullUrl"]}
    entries = [patient]
    for exercise in sorted(library.exercises.values(), key=lambda e: e.id):
        entries.append(
            _entry(
                "ActivityDefinition",
                f"{exercise.id}|{exercise.version}",
                {
                    "url": f"{CANONICAL_BASE}/ActivityDefinition/{exercise.id}",
                    "version": str(exercise.version),
                    "title": exercise.name,
                    "status": "active",
                    "kind": "ServiceRequest",
                    "description": exercise.summary,
                    "code": _concept(f"{CODES}/exercise", exercise.id, exercise.name),
                },
            )
        )
    requests = [_service_request(item, library, subject) for item in _prescription(record)]
    care_plan = _entry(
        "CarePlan",
        patient_key,
        {
            "status": "active",
            "intent": "plan",
            "title": "Sciatica self-management exercise plan",
            "description": DISCLAIMER,
            "subject": subject,
            "activity": [{"reference": {"reference": request["fullUrl"]}} for request in requests],
        },
    )
    entries += [care_plan, *requests, _questionnaire(sbi)]
    for checkin in record["checkins"]:
        entries += _checkin_entries(checkin, subject, f"{SBI_QUESTIONNAIRE}|{sbi.version}")
    for session in record["sessions"]:
        if session["status"] == "completed":
            entries.append(_procedure(session, subject))
    return {"resourceType": "Bundle", "type": "collection", "timestamp": record.get("exported_at"), "entry": entries}


def _service_request(item: dict[str, Any], library: Library, subject: dict[str, Any]) -> dict[str, Any]:
    exercise = library.exercise(item["exercise_id"])
    sides = list(item.get("sides") or [])
    repeat: dict[str, Any] = {"frequency": int(exercise.dosage.times_per_day.min), "period": 1, "periodUnit": "d"}
    if item["hold_seconds"] > 0:
        repeat |= {"duration": item["hold_seconds"], "durationUnit": "s"}
    instruction = f"{item['reps']} repetitions" + (" on each side" if len(sides) > 1 else "")
    return _entry(
        "ServiceRequest",
        f"{item['exercise_id']}|{exercise.version}|{item['reps']}|{item['hold_seconds']}",
        {
            "status": "active",
            "intent": "plan",
            "instantiatesCanonical": [activity_canonical(exercise.id, exercise.version)],
            "code": _concept(f"{CODES}/exercise", exercise.id, exercise.name),
            "subject": subject,
            "quantityQuantity": {"value": item["reps"], "unit": "repetitions", "system": UCUM, "code": "{repetitions}"},
            "occurrenceTiming": {"repeat": repeat},
            "patientInstruction": instruction,
        },
    )


def _pain(checkin: dict[str, Any], which: str, site: tuple[str, str], subject: dict[str, Any]) -> dict[str, Any]:
    return _entry(
        "Observation",
        f"{checkin['ref']}/{which}",
        {
            "status": "final",
            "category": [dict(SURVEY)],
            "code": _concept(LOINC, PAIN_CODE, PAIN_DISPLAY),
            "subject": subject,
            "effectiveDateTime": checkin["created_at"],
            "valueInteger": checkin[f"{which}_pain"],
            "bodySite": _concept(SNOMED, *site),
        },
    )


def _checkin_entries(checkin: dict[str, Any], subject: dict[str, Any], questionnaire: str) -> list[dict[str, Any]]:
    found = []
    if checkin.get("back_pain") is not None:
        found.append(_pain(checkin, "back", LOWER_BACK, subject))
    if checkin.get("leg_pain") is not None:
        found.append(_pain(checkin, "leg", _leg_site(checkin), subject))
    if checkin["kind"] == "sbi" and checkin.get("score") is not None:
        items = (checkin.get("answers") or {}).get("items") or {}
        response = _entry(
            "QuestionnaireResponse",
            checkin["ref"],
            {
                "status": "completed",
                "questionnaire": questionnaire,
                "subject": subject,
                "authored": checkin["created_at"],
                "item": [
                    {"linkId": str(key), "answer": [{"valueInteger": int(value)}]}
                    for key, value in sorted(items.items())
                ],
            },
        )
        total = _entry(
            "Observation",
            f"{checkin['ref']}/sbi",
            {
                "status": "final",
                "category": [dict(SURVEY)],
                "code": _concept(f"{CODES}/instrument", SBI_TOTAL_CODE, "Sciatica Bothersomeness Index total (0-24)"),
                "subject": subject,
                "effectiveDateTime": checkin["created_at"],
                "valueInteger": checkin["score"],
                "derivedFrom": [{"reference": response["fullUrl"]}],
            },
        )
        found += [response, total]
    return found


def _procedure(session: dict[str, Any], subject: dict[str, Any]) -> dict[str, Any]:
    period = {"start": session["started_at"]}
    if session.get("finished_at"):
        period["end"] = session["finished_at"]
    done = [e.get("exercise_id") for e in (session.get("record") or {}).get("exercises") or [] if isinstance(e, dict)]
    procedure: dict[str, Any] = {
        "status": "completed",
        "code": _concept(f"{CODES}/procedure", SESSION_CODE, "Guided sciatica exercise session"),
        "subject": subject,
        "performedPeriod": period,
    }
    if any(done):
        procedure["note"] = [{"text": "Exercises: " + ", ".join(str(d) for d in done if d)}]
    return _entry("Procedure", session["ref"], procedure)
