"""A clinical scenario: a history of mornings and sessions, day by day, to replay through the rules, with what a
clinician expects to come out of it. Parsed from YAML or JSON; every problem names its field."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator, model_validator

from sciatica_coach.domain.adaptation.rules import ADVICE_LEVELS, AdviceLevel
from sciatica_coach.domain.checkins import PainScore
from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.screening import RedFlags
from sciatica_coach.domain.symptoms import Reach, SymptomCheck

Status = Literal["active", "paused", "stopped"]
MAX_DAYS = 400
MAX_SCENARIO_BYTES = 2_000_000


class ScenarioError(ValueError):
    """A scenario file that cannot be replayed; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Check(_Strict):
    """A quick symptom check: back and leg pain 0-10, how far down each leg (none when left out)."""

    back_pain: PainScore
    leg_pain: PainScore
    left_reach: Reach = "none"
    right_reach: Reach = "none"

    @property
    def symptoms(self) -> SymptomCheck:
        """As the shared symptom value."""
        return SymptomCheck(self.back_pain, self.leg_pain, self.left_reach, self.right_reach)


class Morning(Check):
    """A morning check-in; `red_flags` lists warning-sign answers by question id (those left out are "no")."""

    numbness: StrictBool = False
    weakness: StrictBool = False
    red_flags: dict[str, StrictBool] = Field(default_factory=dict)


class Done(_Strict):
    """One exercise of a session: the check before, the check after (not needed when stopped for pain)."""

    before: Check
    after: Check | None = None
    stopped_for_pain: StrictBool = False

    @model_validator(mode="after")
    def _after_or_stopped(self) -> Done:
        if self.after is None and not self.stopped_for_pain:
            raise ValueError("'after' is needed unless the exercise was stopped for pain")
        return self


Session = dict[str, Done]  # exercise id -> what happened, in the order done


class Day(_Strict):
    """One day: a morning check-in and the sessions done after it (either may be left out)."""

    morning: Morning | None = None
    sessions: tuple[Session, ...] = ()

    @field_validator("sessions")
    @classmethod
    def _not_empty(cls, sessions: tuple[Session, ...]) -> tuple[Session, ...]:
        for number, session in enumerate(sessions):
            if not session:
                raise ValueError(f"session {number} names no exercise")
        return sessions


class Expectation(_Strict):
    """What a clinician expects on one day (1 = the first day): any of the advice level (exactly, or at least),
    whether exercise is locked, each named exercise's status or reps, and rules that changed the plan that day."""

    day: int = Field(ge=1, le=MAX_DAYS)
    advice: AdviceLevel | None = None
    advice_at_least: AdviceLevel | None = None
    advice_below: AdviceLevel | None = None
    locked: StrictBool | None = None
    status: dict[str, Status | Literal["absent"]] = Field(default_factory=dict)
    reps: dict[str, int] = Field(default_factory=dict)
    rules: tuple[str, ...] = ()
    no_step_up: StrictBool = False  # no dose went up that day


class Scenario(_Strict):
    """A history to replay: `start` (the first day's date) and `days` in order; `name`, `about` and `expect` are
    for people reading it and for checking it."""

    name: str = ""
    about: str = ""
    start: date
    # Cautions answered at the first screening (ids of the content's cautions, e.g. pregnancy, spinal-stenosis).
    cautions: dict[str, bool] = Field(default_factory=dict, max_length=20)
    days: tuple[Day, ...] = Field(min_length=1, max_length=MAX_DAYS)
    expect: tuple[Expectation, ...] = ()

    @model_validator(mode="after")
    def _expected_days_exist(self) -> Scenario:
        for number, expectation in enumerate(self.expect):
            if expectation.day > len(self.days):
                raise ValueError(f"expect.{number}.day: there are only {len(self.days)} days")
        return self


def _where(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location)


def parse_scenario(data: object, library: Library, red_flags: RedFlags, source: str = "scenario") -> Scenario:
    """Validate a loaded scenario; ScenarioError names the field of the first problems found."""
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{source}: expected a mapping with 'start' and 'days'")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [f"field '{_where(e['loc'])}': {e['msg']}" for e in exc.errors()[:5]]
        raise ScenarioError(f"{source}: " + "; ".join(problems)) from None
    known_flags = {item.id for item in red_flags.items}
    for number, day in enumerate(scenario.days):
        if day.morning is not None:
            for flag in day.morning.red_flags:
                if flag not in known_flags:
                    raise ScenarioError(
                        f"{source}: field 'days.{number}.morning.red_flags.{flag}': not a warning-sign question "
                        f"(known: {', '.join(sorted(known_flags))})"
                    )
        for index, session in enumerate(day.sessions):
            for exercise_id in session:
                if exercise_id not in library.exercises:
                    raise ScenarioError(
                        f"{source}: field 'days.{number}.sessions.{index}.{exercise_id}': unknown exercise "
                        f"(known: {', '.join(sorted(library.exercises))})"
                    )
    for number, expectation in enumerate(scenario.expect):
        for exercise_id in (*expectation.status, *expectation.reps):
            if exercise_id not in library.exercises:
                raise ScenarioError(f"{source}: field 'expect.{number}': unknown exercise '{exercise_id}'")
    return scenario


def load_scenario(path: Path, library: Library, red_flags: RedFlags) -> Scenario:
    """Read a YAML or JSON scenario file (by its extension; YAML otherwise) and validate it."""
    try:
        if path.stat().st_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(f"{path}: the file is larger than {MAX_SCENARIO_BYTES // 1_000_000} MB")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file") from None
    try:
        data: Any = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML ({exc})") from None
    return parse_scenario(data, library, red_flags, str(path))


def level_at_least(level: str, lowest: str) -> bool:
    """Whether advice `level` is `lowest` or more serious."""
    return ADVICE_LEVELS.index(level) >= ADVICE_LEVELS.index(lowest)  # type: ignore[arg-type,unused-ignore]
