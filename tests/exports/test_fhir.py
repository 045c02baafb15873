"""The FHIR R4B export: valid for `fhir.resources` (the bundle and each resource), and sound for our own
`check_bundle` (codes, units, ranges, references), with the record's numbers in it (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from exports.records import make_rich_record
from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.fhir_bundle import LEFT_LEG, LEGS, LOINC, LOWER_BACK, PAIN_CODE, RIGHT_LEG, SNOMED
from sciatica_coach.domain.fhir_check import check_bundle
from sciatica_coach.storage.db import make_engine
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.exports import export_fhir, export_record


@pytest.fixture
def exports(database_url: str, catalog: Catalog) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rich record as the JSON file's content and as a FHIR bundle."""
    patient_id = make_rich_record(database_url, catalog)
    engine = make_engine(database_url)
    try:
        store = Store(engine)
        return export_record(store, patient_id), export_fhir(store, catalog, patient_id)
    finally:
        engine.dispose()


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_is_valid_fhir_r4b(exports: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _, bundle = exports
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert check_bundle(bundle) == []


def test_the_bundle_holds_the_record(exports: tuple[dict[str, Any], dict[str, Any]], catalog: Catalog) -> None:
    record, bundle = exports
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    items = record["plan_state"]["plan"]["state"]["prescription"]["items"]
    scores = [(c, which) for c in record["checkins"] for which in ("back", "leg") if c[f"{which}_pain"] is not None]
    sbis = [c for c in record["checkins"] if c["kind"] == "sbi"]
    completed = [s for s in record["sessions"] if s["status"] == "completed"]
    assert kinds["Patient"] == 1 and kinds["CarePlan"] == 1 and kinds["Questionnaire"] == 1
    (questionnaire,) = _of(bundle, "Questionnaire")
    assert [item["linkId"] for item in questionnaire["item"]] == [item.id for item in catalog.sbi.items]
    assert kinds["ActivityDefinition"] == len(catalog.library.exercises)
    assert kinds["ServiceRequest"] == len(items) > 0
    assert kinds["QuestionnaireResponse"] == len(sbis) > 0
    assert kinds["Observation"] == len(scores) + len(sbis)
    assert kinds["Procedure"] == len(completed) > 0
    # Each prescribed exercise: its dose, its content version.
    for item, request in zip(items, _of(bundle, "ServiceRequest"), strict=True):
        exercise = catalog.library.exercise(item["exercise_id"])
        assert request["quantityQuantity"]["value"] == item["reps"]
        assert request["instantiatesCanonical"] == [
            f"https://sciatica-coach.example/fhir/ActivityDefinition/{exercise.id}|{exercise.version}"
        ]
        repeat = request["occurrenceTiming"]["repeat"]
        assert repeat["frequency"] == exercise.dosage.times_per_day.min
        assert repeat.get("duration", 0) == item["hold_seconds"]
    care_plan = _of(bundle, "CarePlan")[0]
    assert "does not replace a clinician" in care_plan["description"]
    # Each pain score, with its body site.
    pains = [
        o for o in _of(bundle, "Observation") if o["code"]["coding"][0] == {**o["code"]["coding"][0], "code": PAIN_CODE}
    ]
    assert [o["valueInteger"] for o in pains] == [c[f"{which}_pain"] for c, which in scores]
    assert all(o["code"]["coding"][0]["system"] == LOINC for o in pains)
    sites = {o["bodySite"]["coding"][0]["code"] for o in pains}
    assert LOWER_BACK[0] in sites and sites <= {LOWER_BACK[0], LEFT_LEG[0], RIGHT_LEG[0], LEGS[0]}
    assert all(o["bodySite"]["coding"][0]["system"] == SNOMED for o in pains)
    # Each SBI total derived from its questionnaire response.
    responses = {f"urn:uuid:{r['id']}": r for r in _of(bundle, "QuestionnaireResponse")}
    totals = [o for o in _of(bundle, "Observation") if "derivedFrom" in o]
    assert [o["valueInteger"] for o in totals] == [c["score"] for c in sbis]
    for total in totals:
        response = responses[total["derivedFrom"][0]["reference"]]
        assert sum(a["answer"][0]["valueInteger"] for a in response["item"]) == total["valueInteger"]


def _spoiled(bundle: dict[str, Any], kind: str, change: Any) -> dict[str, Any]:
    spoiled = copy.deepcopy(bundle)
    change(next(e["resource"] for e in spoiled["entry"] if e["resource"]["resourceType"] == kind))
    return spoiled


@pytest.mark.parametrize(
    ("kind", "change", "named"),
    [
        ("Observation", lambda r: r.update(valueInteger=11), "a pain score must be a whole number 0-10"),
        ("Observation", lambda r: r["bodySite"]["coding"][0].update(code="123"), "bodySite must be the lower back"),
        ("Observation", lambda r: r["subject"].update(reference="urn:uuid:nobody"), "is not in the bundle"),
        ("ServiceRequest", lambda r: r.update(instantiatesCanonical=["x|1"]), "instantiatesCanonical must name"),
        ("ServiceRequest", lambda r: r["quantityQuantity"].update(code="kg"), "quantity must be repetitions"),
        ("QuestionnaireResponse", lambda r: r["item"][0]["answer"][0].update(valueInteger=9), "must be 0-6"),
        (
            "QuestionnaireResponse",
            lambda r: r["item"][0].update(linkId="nope"),
            "item nope is not in its Questionnaire",
        ),
        ("QuestionnaireResponse", lambda r: r.update(questionnaire="http://x/Q|1"), "must name a Questionnaire"),
    ],
)
def test_check_bundle_finds_what_fhir_resources_lets_through(
    exports: tuple[dict[str, Any], dict[str, Any]], kind: str, change: Any, named: str
) -> None:
    _, bundle = exports
    spoiled = _spoiled(bundle, kind, change)
    Bundle.model_validate(spoiled)  # still valid FHIR ...
    assert any(named in problem for problem in check_bundle(spoiled))  # ... but not sound


def test_fhir_resources_refuses_a_malformed_resource(exports: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _, bundle = exports
    spoiled = _spoiled(bundle, "Observation", lambda r: r.update(valueInteger="seven"))
    resource = _of(spoiled, "Observation")[0]
    with pytest.raises(ValidationError):
        get_fhir_model_class("Observation").model_validate(resource)


def test_the_cli_writes_the_bundle(database_url: str, catalog: Catalog, invoke: Any, tmp_path: Path) -> None:
    make_rich_record(database_url, catalog)
    out = tmp_path / "bundle.json"
    result = invoke("export", "--format", "fhir", "-o", str(out))
    assert result.exit_code == 0, result.output
    bundle = json.loads(out.read_text())
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection" and check_bundle(bundle) == []
