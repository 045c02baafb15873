"""Symptom check-ins: the questions (content as data), the answers as values, and validation of raw input."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import Field, model_validator

from sciatica_coach.domain.content.loader import default_content_dir, load_yaml_model
from sciatica_coach.domain.content.schema import ID_PATTERN, Source, Strict
from sciatica_coach.domain.symptoms import PAIN_MAX, PAIN_MIN, REACH_LEVELS, Reach

CHECKINS_FILE = "checkins.yaml"
FieldName = Literal["back_pain", "leg_pain", "left_reach", "right_reach", "numbness", "weakness"]
FormName = Literal["quick", "morning"]
QUICK_FIELDS: tuple[FieldName, ...] = ("back_pain", "leg_pain", "left_reach", "right_reach")
MORNING_FIELDS: tuple[FieldName, ...] = (*QUICK_FIELDS, "numbness", "weakness")


class ReachLevel(Strict):
    """One answer to "how far down the leg?"."""

    id: Reach
    label: str


class ReachQuestion(Strict):
    """The shared wording of the reach questions, and the levels in order from the back outward."""

    text: str
    hint: str
    levels: tuple[ReachLevel, ...]

    @model_validator(mode="after")
    def _all_levels_in_order(self) -> ReachQuestion:
        if tuple(level.id for level in self.levels) != REACH_LEVELS:
            raise ValueError(f"levels must be exactly {', '.join(REACH_LEVELS)}, in that order")
        return self


class Question(Strict):
    """One question of a check-in and the stored field its answer goes to."""

    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["scale", "reach", "yes-no"]
    field: FieldName
    text: str = Field(min_length=3)
    min: int | None = None
    max: int | None = None
    low_anchor: str = ""
    high_anchor: str = ""

    @model_validator(mode="after")
    def _scale_bounds(self) -> Question:
        if self.kind == "scale" and (self.min != PAIN_MIN or self.max != PAIN_MAX):
            raise ValueError(f"a pain scale runs from {PAIN_MIN} to {PAIN_MAX}")
        return self


class FormSpec(Strict):
    """A check-in form: heading, introduction and its questions in order."""

    title: str
    intro: str
    questions: tuple[str, ...] = Field(min_length=1)


class CheckinContent(Strict):
    """The check-ins file."""

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    reach: ReachQuestion
    questions: tuple[Question, ...] = Field(min_length=1)
    forms: dict[FormName, FormSpec]
    source: Source

    @model_validator(mode="after")
    def _consistent(self) -> CheckinContent:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        fields = [q.field for q in self.questions]
        if len(set(fields)) != len(fields):
            raise ValueError("each stored field may be asked by one question only")
        expected: dict[FormName, tuple[FieldName, ...]] = {"quick": QUICK_FIELDS, "morning": MORNING_FIELDS}
        for name, wanted in expected.items():
            form = self.forms.get(name)
            if form is None:
                raise ValueError(f"the '{name}' form is missing")
            unknown = [q for q in form.questions if q not in ids]
            if unknown:
                raise ValueError(f"form '{name}' asks unknown questions: {', '.join(unknown)}")
            asked = {self.question(q).field for q in form.questions}
            if asked != set(wanted):
                raise ValueError(f"form '{name}' must ask exactly: {', '.join(wanted)}")
        return self

    def question(self, question_id: str) -> Question:
        """The question with this id, or KeyError naming it."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"no check-in question with id '{question_id}'")

    def form(self, name: FormName) -> tuple[Question, ...]:
        """The questions of a form, in order."""
        return tuple(self.question(q) for q in self.forms[name].questions)


def load_checkin_content(folder: Path | None = None) -> CheckinContent:
    """Load and validate `checkins.yaml` from `folder` (the packaged content by default)."""
    if folder is None:
        return _packaged()
    return load_yaml_model(folder / CHECKINS_FILE, CheckinContent)


@lru_cache(maxsize=1)
def _packaged() -> CheckinContent:
    return load_yaml_model(default_content_dir() / CHECKINS_FILE, CheckinContent)


class Symptoms(Protocol):
    """Anything carrying a quick check's four answers (a SymptomCheck, or the engine's PainReport)."""

    @property
    def back(self) -> int: ...
    @property
    def leg(self) -> int: ...
    @property
    def left_reach(self) -> str: ...
    @property
    def right_reach(self) -> str: ...


@dataclass(frozen=True)
class SymptomCheck:
    """A quick check: back and leg pain 0-10 and how far down each leg symptoms reach."""

    back: int
    leg: int
    left_reach: str = "none"
    right_reach: str = "none"

    @classmethod
    def of(cls, symptoms: Symptoms) -> SymptomCheck:
        """Copy any object with the four answers into a SymptomCheck."""
        return cls(symptoms.back, symptoms.leg, symptoms.left_reach, symptoms.right_reach)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True)
class MorningCheck:
    """The full morning check-in: the quick check plus numbness or tingling and weakness."""

    symptoms: SymptomCheck
    numbness: bool
    weakness: bool


class CheckinError(ValueError):
    """Some answers are missing or out of range; `problems` maps each field name to a message."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.problems.items()))


def parse_quick(raw: Mapping[str, object]) -> SymptomCheck:
    """Validate raw answers (form strings or JSON values) of a quick check; CheckinError lists every problem."""
    problems: dict[str, str] = {}
    values = _parse_fields(raw, QUICK_FIELDS, problems)
    if problems:
        raise CheckinError(problems)
    return _symptoms(values)


def parse_morning(raw: Mapping[str, object]) -> MorningCheck:
    """Validate raw answers of a morning check-in; CheckinError lists every problem."""
    problems: dict[str, str] = {}
    values = _parse_fields(raw, MORNING_FIELDS, problems)
    if problems:
        raise CheckinError(problems)
    return MorningCheck(_symptoms(values), numbness=bool(values["numbness"]), weakness=bool(values["weakness"]))


def _symptoms(values: Mapping[str, object]) -> SymptomCheck:
    back, leg = values["back_pain"], values["leg_pain"]
    assert isinstance(back, int) and isinstance(leg, int)
    return SymptomCheck(
        back=back,
        leg=leg,
        left_reach=str(values["left_reach"]),
        right_reach=str(values["right_reach"]),
    )


def _parse_fields(
    raw: Mapping[str, object], fields: tuple[FieldName, ...], problems: dict[str, str]
) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in fields:
        value = raw.get(name)
        if value is None or value == "":
            problems[name] = "please answer this question"
        elif name in ("back_pain", "leg_pain"):
            score = _pain(value)
            if score is None:
                problems[name] = f"choose a whole number from {PAIN_MIN} to {PAIN_MAX}"
            else:
                values[name] = score
        elif name in ("left_reach", "right_reach"):
            if value not in REACH_LEVELS:
                problems[name] = f"choose one of: {', '.join(REACH_LEVELS)}"
            else:
                values[name] = value
        else:
            answer = _yes_no(value)
            if answer is None:
                problems[name] = "answer yes or no"
            else:
                values[name] = answer
    return values


def _pain(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        score = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        score = int(value.strip())
    else:
        return None
    return score if PAIN_MIN <= score <= PAIN_MAX else None


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("yes", "y", "true", "1", "on"):
            return True
        if text in ("no", "n", "false", "0", "off"):
            return False
    return None
