"""Our own checks on an exported FHIR Bundle, beyond what `fhir.resources` validates: codes, units, ranges, and
that every reference and canonical in the bundle resolves to an entry of it. Pure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sciatica_coach.domain.fhir_bundle import (
    BODY_SITES,
    CANONICAL_BASE,
    LOINC,
    PAIN_CODE,
    PAIN_RANGE,
    SBI_RANGE,
    SBI_TOTAL_CODE,
    SNOMED,
    UCUM,
)


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from _references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner)


def _codes(concept: Any) -> set[tuple[str, str]]:
    return {(c.get("system"), c.get("code")) for c in (concept or {}).get("coding", [])}


def _in_range(value: Any, bounds: tuple[int, int]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and bounds[0] <= value <= bounds[1]


def check_bundle(bundle: dict[str, Any]) -> list[str]:
    """Every problem found, each naming the entry (empty when the bundle is sound)."""
    problems: list[str] = []
    entries = bundle.get("entry") or []
    by_url = {e.get("fullUrl"): e.get("resource", {}) for e in entries}
    if len(by_url) != len(entries):
        problems.append("fullUrl: every entry needs a unique fullUrl")
    canonicals = {
        f"{r.get('url')}|{r.get('version')}" for r in by_url.values() if r.get("resourceType") == "ActivityDefinition"
    }
    questionnaires = {
        f"{r.get('url')}|{r.get('version')}": {item.get("linkId") for item in r.get("item", [])}
        for r in by_url.values()
        if r.get("resourceType") == "Questionnaire"
    }
    for index, entry in enumerate(entries):
        resource = entry.get("resource", {})
        kind = resource.get("resourceType")
        where = f"entry[{index}] {kind}"
        for ref in _references(resource):
            if ref not in by_url:
                problems.append(f"{where}: reference {ref} is not in the bundle")
        if kind == "ServiceRequest":
            problems += _service_request_problems(where, resource, canonicals)
        elif kind == "Observation":
            problems += _observation_problems(where, resource, by_url)
        elif kind == "QuestionnaireResponse":
            asked = questionnaires.get(resource.get("questionnaire"))
            if asked is None:
                problems.append(f"{where}: questionnaire must name a Questionnaire of the bundle")
            for item in resource.get("item", []):
                if asked is not None and item.get("linkId") not in asked:
                    problems.append(f"{where}: item {item.get('linkId')} is not in its Questionnaire")
                for answer in item.get("answer", []):
                    if not _in_range(answer.get("valueInteger"), (0, 6)):
                        problems.append(f"{where}: SBI item {item.get('linkId')} must be 0-6")
    return problems


def _service_request_problems(where: str, resource: dict[str, Any], canonicals: set[str]) -> list[str]:
    problems = []
    targets = resource.get("instantiatesCanonical") or []
    if len(targets) != 1 or targets[0] not in canonicals:
        problems.append(f"{where}: instantiatesCanonical must name one ActivityDefinition of the bundle")
    elif not targets[0].startswith(f"{CANONICAL_BASE}/ActivityDefinition/"):
        problems.append(f"{where}: instantiatesCanonical is not one of ours")
    quantity = resource.get("quantityQuantity") or {}
    if quantity.get("system") != UCUM or quantity.get("code") != "{repetitions}":
        problems.append(f"{where}: quantity must be repetitions in UCUM")
    if not isinstance(quantity.get("value"), int) or quantity["value"] < 1:
        problems.append(f"{where}: quantity must be at least 1 repetition")
    repeat = (resource.get("occurrenceTiming") or {}).get("repeat") or {}
    if repeat.get("periodUnit") != "d" or not isinstance(repeat.get("frequency"), int) or repeat["frequency"] < 1:
        problems.append(f"{where}: occurrenceTiming must give sessions a day")
    if "duration" in repeat and (repeat.get("durationUnit") != "s" or repeat["duration"] <= 0):
        problems.append(f"{where}: a hold must be a positive number of seconds")
    return problems


def _observation_problems(where: str, resource: dict[str, Any], by_url: dict[Any, Any]) -> list[str]:
    codes = _codes(resource.get("code"))
    value = resource.get("valueInteger")
    if (LOINC, PAIN_CODE) in codes:
        problems = [] if _in_range(value, PAIN_RANGE) else [f"{where}: a pain score must be a whole number 0-10"]
        sites = _codes(resource.get("bodySite"))
        if len(sites) != 1 or next(iter(sites))[0] != SNOMED or next(iter(sites))[1] not in BODY_SITES:
            problems.append(f"{where}: bodySite must be the lower back or a leg in SNOMED CT")
        return problems
    if any(code == SBI_TOTAL_CODE for _, code in codes):
        problems = [] if _in_range(value, SBI_RANGE) else [f"{where}: an SBI total must be a whole number 0-24"]
        sources = [by_url.get(r.get("reference"), {}) for r in resource.get("derivedFrom") or []]
        if len(sources) != 1 or sources[0].get("resourceType") != "QuestionnaireResponse":
            problems.append(f"{where}: an SBI total must be derivedFrom its QuestionnaireResponse")
        return problems
    return [f"{where}: an Observation must be a pain score or an SBI total"]
