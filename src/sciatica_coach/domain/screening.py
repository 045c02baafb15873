"""Red-flag screening: the questions (content as data) and the pure rule that any "yes" is a red flag."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from sciatica_coach.domain.content.loader import default_content_dir, load_yaml_model
from sciatica_coach.domain.content.schema import ID_PATTERN, Source, Strict

FormName = Literal["full", "short"]
FORMS: tuple[FormName, ...] = get_args(FormName)
Severity = Literal["emergency", "urgent"]
Outcome = Literal["emergency", "urgent", "clear"]
RED_FLAGS_FILE = "red_flags.yaml"


class RedFlagItem(Strict):
    """One warning sign, asked as a yes/no question."""

    id: str = Field(pattern=ID_PATTERN)
    group: Literal["cauda-equina", "other"]
    sign: str = Field(min_length=3, max_length=80)  # the warning sign in a few words, for lists
    question: str = Field(min_length=10)
    forms: tuple[FormName, ...] = Field(min_length=1)
    severity: Severity
    message: str = Field(min_length=10)

    @property
    def emergency(self) -> bool:
        """Whether a "yes" to this item calls for emergency care."""
        return self.severity == "emergency"

    @model_validator(mode="after")
    def _forms_and_severity(self) -> RedFlagItem:
        if "full" not in self.forms:
            raise ValueError("every item must be in the 'full' form")
        if len(set(self.forms)) != len(self.forms):
            raise ValueError("forms are listed more than once")
        if self.group == "cauda-equina" and (self.severity != "emergency" or "short" not in self.forms):
            raise ValueError("cauda equina signs must be 'emergency' and asked in the 'short' form too")
        return self


class FormText(Strict):
    """Heading and introduction of a form."""

    title: str
    intro: str


class Message(Strict):
    """What the person is told after a screening."""

    title: str
    text: str
    actions: tuple[str, ...] = ()
    summary: str = Field(min_length=10, max_length=200)  # one sentence: the result, and where exercise is locked


class Messages(Strict):
    """The message for each outcome."""

    emergency: Message
    urgent: Message
    clear: Message


class EmergencyNumber(Strict):
    """A telephone number for emergency services, and where it works."""

    number: str = Field(pattern=r"^[0-9]{2,4}$")
    where: str


class RedFlags(Strict):
    """The red-flag screening file."""

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    not_a_clinician: str = Field(min_length=20)
    forms: dict[FormName, FormText]
    after_assessment_intro: str = Field(min_length=20)  # the full form's intro once a clinician has checked them
    messages: Messages
    emergency_numbers: tuple[EmergencyNumber, ...] = Field(min_length=1)
    items: tuple[RedFlagItem, ...] = Field(min_length=1)
    source: Source

    @model_validator(mode="after")
    def _consistent(self) -> RedFlags:
        ids = [item.id for item in self.items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"item ids must be unique; repeated: {', '.join(duplicates)}")
        for form in FORMS:
            if form not in self.forms:
                raise ValueError(f"the '{form}' form needs a title and intro")
            if not any(form in item.forms for item in self.items):
                raise ValueError(f"the '{form}' form has no questions")
        return self

    def questions(self, form: FormName) -> tuple[RedFlagItem, ...]:
        """The items asked in `form`, in file order."""
        check_form(form)
        return tuple(item for item in self.items if form in item.forms)

    def item(self, item_id: str) -> RedFlagItem:
        """The item with this id, or KeyError naming it."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"no red-flag question with id '{item_id}'")


def load_red_flags(folder: Path | None = None) -> RedFlags:
    """Load and validate `red_flags.yaml` from `folder` (the packaged content by default)."""
    return load_yaml_model((folder or default_content_dir()) / RED_FLAGS_FILE, RedFlags)


def check_form(form: str) -> FormName:
    """`form` as a FormName, or ValueError naming the allowed forms."""
    if form not in FORMS:
        raise ValueError(f"form must be one of {', '.join(FORMS)}; got '{form}'")
    return form


class MissingAnswers(ValueError):
    """Some questions of the form were not answered: a person must answer every one."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        self.missing = missing
        super().__init__(f"please answer every safety question; not answered: {', '.join(missing)}")


@dataclass(frozen=True)
class ScreeningResult:
    """The outcome of one screening: whether there is a red flag, which ones, and what to tell the person."""

    red_flag: bool
    emergency: bool
    flags: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def outcome(self) -> Outcome:
        """Which message applies."""
        return severity_of(self.red_flag, self.emergency)


def evaluate(answers: Mapping[str, bool], form: FormName, content: RedFlags | None = None) -> ScreeningResult:
    """Screen one set of yes/no answers: every question of `form` must be answered, and any "yes" is a red flag."""
    content = content or load_red_flags()
    asked = content.questions(check_form(form))
    known = {item.id for item in content.items}
    unknown = sorted(key for key in answers if key not in known)
    if unknown:
        raise ValueError(f"unknown safety question: {', '.join(unknown)}")
    bad = sorted(key for key, value in answers.items() if not isinstance(value, bool))
    if bad:
        raise ValueError(f"answers must be yes (True) or no (False): {', '.join(bad)}")
    missing = tuple(item.id for item in asked if item.id not in answers)
    if missing:
        raise MissingAnswers(missing)
    # A "yes" to any known question counts, even one from outside this form: nothing can cancel a red flag.
    flagged = [item for item in content.items if answers.get(item.id) is True]
    emergency = any(item.emergency for item in flagged)
    message = outcome_message(severity_of(bool(flagged), emergency), content)
    return ScreeningResult(
        red_flag=bool(flagged), emergency=emergency, flags=[item.id for item in flagged], message=message.summary
    )


_YES_NO_LAX: TypeAdapter[bool] = TypeAdapter(bool)
NOT_A_QUESTION = "not a warning-sign question"


def parse_answers(
    raw: Mapping[str, object], form: FormName, content: RedFlags, *, strict: bool = False
) -> tuple[dict[str, bool], dict[str, str]]:
    """Raw answers ({question id: value}) as yes/no answers, and the problems found, named `red_flags.<id>`.

    Ids come from the content: an unknown id is a problem, never silently dropped. JSON (`strict`) takes true and
    false only; forms take "yes" and "no". Unanswered questions of `form` are problems too.
    """
    known = {item.id for item in content.items}
    answers: dict[str, bool] = {}
    problems: dict[str, str] = {}
    wanted = "answer true or false" if strict else "answer yes or no"
    for key, value in raw.items():
        name = f"red_flags.{key}"
        if key not in known:
            problems[name] = NOT_A_QUESTION
            continue
        if value is None or value == "":
            continue
        try:
            answers[key] = _YES_NO_LAX.validate_python(value, strict=strict)
        except ValidationError:
            if strict:  # JSON names the bad value; a form shows the question as still to be answered
                problems[name] = wanted
    for item in content.questions(check_form(form)):
        if item.id not in answers and f"red_flags.{item.id}" not in problems:
            problems[f"red_flags.{item.id}"] = wanted
    return answers, problems


def severity_of(red_flag: bool, emergency: bool) -> Outcome:
    """Which message applies to a screening with these flags."""
    if emergency:
        return "emergency"
    return "urgent" if red_flag else "clear"


def outcome_message(outcome: Outcome, content: RedFlags | None = None) -> Message:
    """The full message (title, explanation, what to do) for an outcome."""
    messages = (content or load_red_flags()).messages
    return {"emergency": messages.emergency, "urgent": messages.urgent, "clear": messages.clear}[outcome]


def all_no(form: FormName, content: RedFlags | None = None) -> dict[str, bool]:
    """Every question of `form` answered "no": a clean screening (handy for setting up a person who may exercise)."""
    return {item.id: False for item in (content or load_red_flags()).questions(form)}
