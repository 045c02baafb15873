"""Symptom check-ins: the questions (content as data), the answers as values, and validation of raw input."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from sciatica_coach.domain.content.loader import default_content_dir, load_yaml_model
from sciatica_coach.domain.content.schema import ID_PATTERN, Source, Strict
from sciatica_coach.domain.symptoms import PAIN_MAX, PAIN_MIN, REACH_LEVELS, Reach, SymptomCheck

CHECKINS_FILE = "checkins.yaml"
FieldName = Literal["back_pain", "leg_pain", "left_reach", "right_reach", "numbness", "weakness"]
FormName = Literal["quick", "morning"]
QUICK_FIELDS: tuple[FieldName, ...] = ("back_pain", "leg_pain", "left_reach", "right_reach")
MORNING_FIELDS: tuple[FieldName, ...] = (*QUICK_FIELDS, "numbness", "weakness")


# A pain score: a whole number on the 0-10 scale (text such as "²", "--5" or 5,000 digits is refused, not a 500).
def not_a_boolean(value: object) -> object:
    """Refuse booleans where a number is meant (Python counts True as 1)."""
    if isinstance(value, bool):
        raise ValueError("a yes/no answer is not a pain score")
    return value


PainScore = Annotated[int, BeforeValidator(not_a_boolean), Field(ge=PAIN_MIN, le=PAIN_MAX)]


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
    return load_yaml_model((folder or default_content_dir()) / CHECKINS_FILE, CheckinContent)


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


class QuickAnswers(BaseModel):
    """The four answers of a quick check, with their bounds: pain a whole number 0-10, reach one of the levels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    back_pain: PainScore
    leg_pain: PainScore
    left_reach: Reach
    right_reach: Reach

    def symptoms(self) -> SymptomCheck:
        """The answers as the one symptom-check value used everywhere."""
        return SymptomCheck(self.back_pain, self.leg_pain, self.left_reach, self.right_reach)


class MorningAnswers(QuickAnswers):
    """The six answers of a morning check-in."""

    numbness: bool
    weakness: bool

    def check(self) -> MorningCheck:
        """The answers as a MorningCheck."""
        return MorningCheck(self.symptoms(), self.numbness, self.weakness)


M = TypeVar("M", bound=BaseModel)

MESSAGES: dict[str, str] = {
    "back_pain": f"choose a whole number from {PAIN_MIN} to {PAIN_MAX}",
    "leg_pain": f"choose a whole number from {PAIN_MIN} to {PAIN_MAX}",
    "left_reach": f"choose one of: {', '.join(REACH_LEVELS)}",
    "right_reach": f"choose one of: {', '.join(REACH_LEVELS)}",
    "numbness": "answer yes or no",
    "weakness": "answer yes or no",
}


def problems_of(exc: ValidationError, messages: Mapping[str, str] = MESSAGES, prefix: str = "") -> dict[str, str]:
    """Pydantic's errors as one plain message per field ("please answer this question" when it is missing)."""
    problems: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        name = prefix + ".".join(loc) if loc else "(body)"
        if error["type"] == "missing":
            problems.setdefault(name, "please answer this question")
        elif error["type"] == "extra_forbidden":
            problems.setdefault(name, "not a question of this form")
        else:
            problems.setdefault(name, messages.get(loc[-1] if loc else "", str(error["msg"])))
    return problems


def validate_answers(model: type[M], raw: Mapping[str, object], *, strict: bool = False) -> M:
    """Validate raw answers into `model`; CheckinError lists every problem by field.

    Form posts are lax (the text "3" is 3, "yes" is true); JSON is strict (3 and true only). Empty form fields count
    as unanswered.
    """
    values = {key: value for key, value in raw.items() if value is not None and value != ""}
    try:
        return model.model_validate(values, strict=strict)
    except ValidationError as exc:
        raise CheckinError(problems_of(exc)) from None


def parse_quick(raw: Mapping[str, object], *, strict: bool = False) -> SymptomCheck:
    """Validate raw answers (form strings or JSON values) of a quick check; CheckinError lists every problem."""
    return validate_answers(QuickAnswers, raw, strict=strict).symptoms()


def parse_morning(raw: Mapping[str, object], *, strict: bool = False) -> MorningCheck:
    """Validate raw answers of a morning check-in; CheckinError lists every problem."""
    return validate_answers(MorningAnswers, raw, strict=strict).check()
