"""Red-flag screening: the questions (content as data), their levels, and the pure rule that any "yes" is a red flag.

Each warning sign carries a level (emergency care now, a doctor today, a doctor soon) and the content says which
levels lock exercise. The morning check-in's nerve signs (new numbness, weakness, symptoms reaching down both legs)
open the questions that list them in `opened_by`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from sciatica_coach.domain.content.loader import default_content_dir, load_yaml_model
from sciatica_coach.domain.content.schema import ID_PATTERN, Source, Strict

FormName = Literal["full", "short"]
FORMS: tuple[FormName, ...] = get_args(FormName)
Level = Literal["emergency", "today", "soon"]
LEVELS: tuple[Level, ...] = get_args(Level)  # worst first
Outcome = Literal["emergency", "today", "soon", "clear"]
NerveSign = Literal["numbness", "weakness", "both-legs"]
NERVE_SIGNS: tuple[NerveSign, ...] = get_args(NerveSign)
RED_FLAGS_FILE = "red_flags.yaml"


class RedFlagItem(Strict):
    """One warning sign, asked as a yes/no question."""

    id: str = Field(pattern=ID_PATTERN)
    group: Literal["cauda-equina", "other"]
    sign: str = Field(min_length=3, max_length=80)  # the warning sign in a few words, for lists
    question: str = Field(min_length=10)
    recheck: str | None = Field(default=None, min_length=10)  # the short re-screen's wording, when different
    forms: tuple[FormName, ...] = Field(min_length=1)
    level: Level
    opened_by: tuple[NerveSign, ...] = ()  # morning answers that open this question at once
    message: str = Field(min_length=10)

    @property
    def emergency(self) -> bool:
        """Whether a "yes" to this item calls for emergency care."""
        return self.level == "emergency"

    def asked(self, form: FormName) -> str:
        """The question as worded in `form`."""
        return self.recheck if form == "short" and self.recheck else self.question

    @model_validator(mode="after")
    def _forms_and_severity(self) -> RedFlagItem:
        if "full" not in self.forms:
            raise ValueError("every item must be in the 'full' form")
        if len(set(self.forms)) != len(self.forms):
            raise ValueError("forms are listed more than once")
        if self.group == "cauda-equina" and (self.level != "emergency" or "short" not in self.forms):
            raise ValueError("cauda equina signs must be 'emergency' and asked in the 'short' form too")
        if self.opened_by and "short" not in self.forms:
            raise ValueError("a question opened by a nerve sign must be in the 'short' form too")
        if self.recheck is not None and "short" not in self.forms:
            raise ValueError("'recheck' words the short form's question; this item is not in the 'short' form")
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
    today: Message
    soon: Message
    clear: Message


class LevelRule(Strict):
    """What a level does: whether a "yes" locks exercise until a clinician's assessment, and its label."""

    locks: bool
    label: str = Field(min_length=3, max_length=40)


class SafetyNet(Strict):
    """The line at the foot of every page and at every stop: `lead`, then every cauda equina sign, then `close`."""

    lead: str = Field(min_length=10)
    close: str = Field(min_length=10)


class EmergencyNumber(Strict):
    """A telephone number for emergency services, and where it works."""

    number: str = Field(pattern=r"^[0-9]{2,4}$")
    where: str


COUNTRY_PATTERN = r"^([A-Z]{2}|default)$"


class RedFlags(Strict):
    """The red-flag screening file."""

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    not_a_clinician: str = Field(min_length=20)
    forms: dict[FormName, FormText]
    after_assessment_intro: str = Field(min_length=20)  # the full form's intro once a clinician has checked them
    safety_net: SafetyNet
    nerve_signs: dict[NerveSign, str]  # what the check-in says when a nerve sign opens questions
    levels: dict[Level, LevelRule]
    messages: Messages
    emergency_numbers: dict[str, tuple[EmergencyNumber, ...]]  # by country code; `default` is required
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
        for level in LEVELS:
            if level not in self.levels:
                raise ValueError(f"level '{level}' needs its rule (locks, label)")
        if not self.levels["emergency"].locks or not self.levels["today"].locks:
            raise ValueError("'emergency' and 'today' answers must lock exercise")
        if self.levels["soon"].locks:
            raise ValueError("'soon' answers are cleared by reading the advice (storage/safety.py); they cannot lock")
        for sign in NERVE_SIGNS:
            if sign not in self.nerve_signs:
                raise ValueError(f"nerve sign '{sign}' needs its text")
            if not any(sign in item.opened_by for item in self.items):
                raise ValueError(f"nerve sign '{sign}' opens no question")
        if "default" not in self.emergency_numbers:
            raise ValueError("emergency_numbers needs a 'default' list")
        for country, numbers in self.emergency_numbers.items():
            if not re.fullmatch(COUNTRY_PATTERN, country) or not numbers:
                raise ValueError(f"emergency_numbers: '{country}' must be a two-letter country code with numbers")
        return self

    def numbers_for(self, country: str) -> tuple[EmergencyNumber, ...]:
        """The emergency numbers for `country` (a two-letter code, or `default`); ValueError naming the known ones."""
        try:
            return self.emergency_numbers[country]
        except KeyError:
            known = ", ".join(sorted(self.emergency_numbers))
            raise ValueError(f"no emergency numbers for country '{country}'; known: {known}") from None

    def safety_net_signs(self) -> tuple[str, ...]:
        """Every cauda equina sign in a few words, for the safety-net line."""
        return tuple(item.sign for item in self.items if item.group == "cauda-equina")

    def opened_questions(self, signs: Collection[NerveSign]) -> tuple[RedFlagItem, ...]:
        """The questions the given nerve signs open, in file order."""
        return tuple(item for item in self.items if any(sign in item.opened_by for sign in signs))

    def locks(self, level: Level) -> bool:
        """Whether a "yes" at this level locks exercise until a clinician's assessment."""
        return self.levels[level].locks

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
    level: Level | None = None  # the worst level answered "yes" (None when clear)

    @property
    def outcome(self) -> Outcome:
        """Which message applies."""
        return self.level or "clear"


def evaluate(
    answers: Mapping[str, bool],
    form: FormName,
    content: RedFlags | None = None,
    *,
    required: Collection[str] | None = None,
) -> ScreeningResult:
    """Screen one set of yes/no answers: every question of `form` (or, when given, every id in `required`) must be
    answered, and any "yes" is a red flag at the level of the worst sign answered "yes"."""
    content = content or load_red_flags()
    asked = [item.id for item in content.questions(check_form(form))] if required is None else list(required)
    known = {item.id for item in content.items}
    unknown = sorted(key for key in [*answers, *asked] if key not in known)
    if unknown:
        raise ValueError(f"unknown safety question: {', '.join(unknown)}")
    bad = sorted(key for key, value in answers.items() if not isinstance(value, bool))
    if bad:
        raise ValueError(f"answers must be yes (True) or no (False): {', '.join(bad)}")
    missing = tuple(item_id for item_id in asked if item_id not in answers)
    if missing:
        raise MissingAnswers(missing)
    # A "yes" to any known question counts, even one from outside this form: nothing can cancel a red flag.
    flagged = [item for item in content.items if answers.get(item.id) is True]
    level = worst_level(item.level for item in flagged)
    message = outcome_message(level or "clear", content)
    return ScreeningResult(
        red_flag=bool(flagged),
        emergency=level == "emergency",
        flags=[item.id for item in flagged],
        message=message.summary,
        level=level,
    )


def worst_level(levels: Iterable[Level]) -> Level | None:
    """The most urgent of `levels` (None when there are none)."""
    seen = set(levels)
    return next((level for level in LEVELS if level in seen), None)


_YES_NO_LAX: TypeAdapter[bool] = TypeAdapter(bool)
NOT_A_QUESTION = "not a warning-sign question"


def parse_answers(
    raw: Mapping[str, object],
    form: FormName,
    content: RedFlags,
    *,
    strict: bool = False,
    required: Collection[str] | None = None,
) -> tuple[dict[str, bool], dict[str, str]]:
    """Raw answers ({question id: value}) as yes/no answers, and the problems found, named `red_flags.<id>`.

    Ids come from the content: an unknown id is a problem, never silently dropped. JSON (`strict`) takes true and
    false only; forms take "yes" and "no". Unanswered questions of `form` (or of `required`, when given) are
    problems too.
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
    asked = [item.id for item in content.questions(check_form(form))] if required is None else list(required)
    for item_id in asked:
        if item_id not in answers and f"red_flags.{item_id}" not in problems:
            problems[f"red_flags.{item_id}"] = wanted
    return answers, problems


def nerve_signs_of(
    numbness: bool | None, weakness: bool | None, left_reach: str | None, right_reach: str | None
) -> tuple[NerveSign, ...]:
    """The nerve signs in a morning's answers: new numbness, weakness, and symptoms reaching down both legs."""
    signs: list[NerveSign] = []
    if numbness is True:
        signs.append("numbness")
    if weakness is True:
        signs.append("weakness")
    if left_reach not in (None, "", "none") and right_reach not in (None, "", "none"):
        signs.append("both-legs")
    return tuple(signs)


def outcome_message(outcome: Outcome, content: RedFlags | None = None) -> Message:
    """The full message (title, explanation, what to do) for an outcome."""
    messages = (content or load_red_flags()).messages
    return {"emergency": messages.emergency, "today": messages.today, "soon": messages.soon, "clear": messages.clear}[
        outcome
    ]


def all_no(form: FormName, content: RedFlags | None = None) -> dict[str, bool]:
    """Every question of `form` answered "no": a clean screening (handy for setting up a person who may exercise)."""
    return {item.id: False for item in (content or load_red_flags()).questions(form)}


@dataclass(frozen=True)
class SafetyNetLine:
    """The safety-net line in parts: the lead, every cauda equina sign, the emergency numbers, the closing words."""

    lead: str
    signs: tuple[str, ...]
    numbers: tuple[EmergencyNumber, ...]
    close: str

    @property
    def text(self) -> str:
        """The whole line as one plain sentence (terminal, speech)."""
        numbers = " or ".join(number.number for number in self.numbers)
        return f"{self.lead} {'; '.join(sign.lower() for sign in self.signs)}. Call {numbers}. {self.close}"


def safety_net(content: RedFlags, country: str = "default") -> SafetyNetLine:
    """The safety-net line for `country`'s emergency numbers (ValueError for an unknown country)."""
    net = content.safety_net
    return SafetyNetLine(net.lead, content.safety_net_signs(), content.numbers_for(country), net.close)
