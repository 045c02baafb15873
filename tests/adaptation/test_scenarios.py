"""The clinical scenarios in `scenarios/` replay through the real rules and saving path with what they expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import PROJECT_ROOT
from sciatica_coach.domain.adaptation.scenario import load_scenario
from sciatica_coach.domain.catalog import Catalog, load_catalog
from sciatica_coach.usecases.simulate import check_expectations, simulate

SCENARIOS = PROJECT_ROOT / "scenarios"
REQUIRED = {
    "improving",
    "centralizing",
    "peripheralizing",
    "worsening",
    "both-legs",
    "new-weakness",
    "cauda-equina-day-5",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_the_named_scenarios_are_all_there() -> None:
    assert {path.stem for path in SCENARIOS.glob("*.yaml")} >= REQUIRED
    readme = (SCENARIOS / "README.md").read_text()
    assert all(f"`{name}.yaml`" in readme for name in REQUIRED)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_scenario_gives_what_it_expects(path: Path, catalog: Catalog) -> None:
    scenario = load_scenario(path, catalog.library, catalog.red_flags)
    assert scenario.name and scenario.about and len(scenario.expect) >= 3
    days = simulate(scenario, catalog)
    assert len(days) == len(scenario.days)
    assert check_expectations(scenario, days) == []


def test_an_expectation_that_does_not_hold_is_reported(catalog: Catalog) -> None:
    scenario = load_scenario(SCENARIOS / "cauda-equina-day-5.yaml", catalog.library, catalog.red_flags)
    days = simulate(scenario, catalog)
    wrong = scenario.model_copy(update={"expect": (scenario.expect[1].model_copy(update={"advice": "continue"}),)})
    assert check_expectations(wrong, days) == ["day 5 (2025-03-07): advice is emergency, expected continue"]
