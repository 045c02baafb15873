"""The adaptation rules file: its schema, loading, and cross-checks against the exercise library."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from sciatica_coach.domain.content.loader import ContentError, Library, default_content_dir, load_yaml_model
from sciatica_coach.domain.content.schema import ID_PATTERN, Strict

RULES_FILE = "rules.yaml"
Moment = Literal["after-exercise", "next-morning"]
Light = Literal["green", "amber", "red"]
LIGHTS: tuple[Light, ...] = ("green", "amber", "red")
Test = Literal[
    "escalating",
    "peripheralizing",
    "tolerated",
    "green-days",
    "morning-worse",
    "too-much",
    "unsettled",
    "centralizing-or-less-pain",
    "light",
    "always",
]
Do = Literal["hold", "change-reps", "switch", "remove", "stop", "regress", "offer-switch"]
STEP_UPS: frozenset[str] = frozenset({"offer-switch"})  # plus change-reps with a positive reps_change
ANY_EXERCISE = "any"
PLACEHOLDERS = frozenset({"exercise", "to", "reps"})
TESTS_BY_MOMENT: dict[Moment, frozenset[str]] = {
    "after-exercise": frozenset({"escalating", "peripheralizing", "tolerated", "green-days", "always"}),
    "next-morning": frozenset(
        {"escalating", "morning-worse", "too-much", "unsettled", "centralizing-or-less-pain", "light", "always"}
    ),
}


class Classification(Strict):
    """Thresholds used to judge a change in symptoms."""

    leg_pain_rise: int = Field(ge=1, le=10)
    leg_pain_fall: int = Field(ge=1, le=10)


class TrafficLight(Strict):
    """Pain during an exercise: up to fine_max is green, up to acceptable_max amber, above that red."""

    fine_max: int = Field(ge=0, le=10)
    acceptable_max: int = Field(ge=0, le=10)
    labels: dict[Light, str]

    @model_validator(mode="after")
    def _ordered(self) -> TrafficLight:
        if self.fine_max >= self.acceptable_max:
            raise ValueError("fine_max must be below acceptable_max")
        if set(self.labels) != set(LIGHTS):
            raise ValueError(f"labels are needed for {', '.join(LIGHTS)}")
        return self

    def light(self, pain: int, stopped_for_pain: bool = False) -> Light:
        """The colour for the pain felt during an exercise."""
        if stopped_for_pain or pain > self.acceptable_max:
            return "red"
        return "green" if pain <= self.fine_max else "amber"


class Condition(Strict):
    """When a rule applies. `test` names one of a fixed set of checks; the other fields are its settings."""

    test: Test
    sessions: int | None = Field(default=None, ge=1, le=20)
    days: int | None = Field(default=None, ge=1, le=20)
    light: Light | None = None
    at_minimum: bool | None = None  # also require the exercise to be (true) or not be (false) at its fewest reps
    again: bool | None = None  # also require the exercise to have (true) or not have (false) spread symptoms before

    @model_validator(mode="after")
    def _settings(self) -> Condition:
        if (self.test == "tolerated") != (self.sessions is not None):
            raise ValueError("'sessions' is needed by, and only by, the 'tolerated' test")
        if (self.test == "green-days") != (self.days is not None):
            raise ValueError("'days' is needed by, and only by, the 'green-days' test")
        if (self.test == "light") != (self.light is not None):
            raise ValueError("'light' is needed by, and only by, the 'light' test")
        return self


class Action(Strict):
    """What a rule does to the plan."""

    do: Do
    to: str | None = Field(default=None, pattern=ID_PATTERN)
    reps_change: int = Field(default=0, ge=-10, le=10)
    flag_review: bool = False
    note: str = ""  # for 'regress': the smaller range to keep to, shown with the exercise
    accepted: str = ""
    declined: str = ""

    @property
    def steps_up(self) -> bool:
        """Whether this action builds the program up (never done while symptoms are unsettled)."""
        return self.do in STEP_UPS or (self.do == "change-reps" and self.reps_change > 0)

    @model_validator(mode="after")
    def _settings(self) -> Action:
        if (self.do == "regress") != bool(self.note):
            raise ValueError("'note' is needed by, and only by, 'regress'")
        if self.do in ("regress", "stop") and self.reps_change > 0:
            raise ValueError(f"'{self.do}' cannot add repetitions")
        if (self.do in ("switch", "offer-switch")) != (self.to is not None):
            raise ValueError("'to' is needed by, and only by, 'switch' and 'offer-switch'")
        if self.do == "change-reps" and self.reps_change == 0:
            raise ValueError("'change-reps' needs a non-zero reps_change")
        if self.do == "offer-switch" and not (self.accepted and self.declined):
            raise ValueError("'offer-switch' needs 'accepted' and 'declined' texts")
        if self.flag_review and self.do != "remove":
            raise ValueError("'flag_review' goes with 'remove'")
        return self


class Rule(Strict):
    """One adaptation rule, with the plain-language reason shown to the person."""

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    exercise: str = Field(pattern=ID_PATTERN)  # an exercise id, or "any"
    when: Moment
    condition: Condition
    action: Action
    reason: str = Field(min_length=20)

    @model_validator(mode="after")
    def _coherent(self) -> Rule:
        if self.condition.test not in TESTS_BY_MOMENT[self.when]:
            raise ValueError(f"the '{self.condition.test}' test cannot be used {self.when}")
        if self.condition.test == "escalating" and self.action.do != "stop":
            raise ValueError("the 'escalating' test must 'stop' the exercise: worsening always escalates")
        if self.action.steps_up and self.condition.test in ("morning-worse", "too-much", "unsettled", "escalating"):
            raise ValueError(f"a rule cannot build the program up on the '{self.condition.test}' test")
        for text in (self.reason, self.action.accepted, self.action.declined):
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            if names - PLACEHOLDERS:
                raise ValueError(f"unknown placeholder(s) {sorted(names - PLACEHOLDERS)}; use {sorted(PLACEHOLDERS)}")
        return self

    def applies_to(self, exercise_id: str) -> bool:
        """Whether this rule is about `exercise_id`."""
        return self.exercise in (ANY_EXERCISE, exercise_id)


class Worsening(Strict):
    """When getting worse escalates to "contact your clinician" (and the exercises involved stop)."""

    back_pain_jump: int = Field(ge=1, le=10)  # back pain up by this much overnight (leg pain not lower) is worse
    worse_mornings: int = Field(ge=1, le=7)  # worse mornings in a row
    rising_mornings: int = Field(ge=2, le=7)  # mornings in a row with any symptom higher
    spreads: int = Field(ge=2, le=7)  # days with spreading ...
    spread_days: int = Field(ge=1, le=28)  # ... within this many days
    week_rise: int = Field(ge=1, le=10)  # leg pain (or back pain, leg not lower) up by this much ...
    week_days: int = Field(ge=1, le=14)  # ... within this many days


class Review(Strict):
    """When to tell the person to book a clinician review."""

    after_days: int = Field(ge=7, le=365)  # no improvement this long after starting
    leg_pain_improvement: int = Field(ge=1, le=10)  # leg pain down by this much counts as improvement
    sbi_improvement: int = Field(ge=1, le=24)  # SBI down by this much counts as improvement
    flag_open_days: int = Field(ge=1, le=60)  # an exercise paused or stopped this long without a review


AdviceLevel = Literal["continue", "ease-off", "contact-clinician", "urgent", "emergency"]
ADVICE_LEVELS: tuple[AdviceLevel, ...] = ("continue", "ease-off", "contact-clinician", "urgent", "emergency")
ADVICE_PLACEHOLDERS = frozenset({"exercises", "why", "days", "weeks"})


class AdviceText(Strict):
    """One piece of advice: its level and its words."""

    level: AdviceLevel
    text: str = Field(min_length=20)

    @model_validator(mode="after")
    def _placeholders(self) -> AdviceText:
        names = {name for _, name, _, _ in string.Formatter().parse(self.text) if name is not None}
        if names - ADVICE_PLACEHOLDERS:
            raise ValueError(
                f"unknown placeholder(s) {sorted(names - ADVICE_PLACEHOLDERS)}; use {sorted(ADVICE_PLACEHOLDERS)}"
            )
        return self


# Every piece of advice the engine can give, by id, with the lowest level its words may carry: the rules file must
# word each one (and no others). Getting worse is never worded as "carry on".
ADVICE_MINIMUM: dict[str, AdviceLevel] = {
    "continue": "continue",
    "paused-reminder": "continue",
    "nerve-signs-hold": "continue",
    "rising": "ease-off",
    "worse-morning": "ease-off",
    "stepped-down": "ease-off",
    "spread-in-session": "ease-off",
    "too-much-in-session": "ease-off",
    "paused-for-review": "contact-clinician",
    "new-nerve-signs": "contact-clinician",
    "worsening": "contact-clinician",
    "worsening-nerve-signs": "contact-clinician",
    "no-improvement": "contact-clinician",
    "review-overdue": "contact-clinician",
}
ADVICE_IDS: frozenset[str] = frozenset(ADVICE_MINIMUM)
# Why getting worse escalated, by id (the {why} of the 'worsening' advice).
WORSENING_IDS: frozenset[str] = frozenset(
    {"worse-mornings", "worse-at-minimum", "rising-mornings", "spreading", "week-rise"}
)


class RuleBook(Strict):
    """The rules file."""

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    classification: Classification
    traffic_light: TrafficLight
    worsening: Worsening
    review: Review
    advice: dict[str, AdviceText]
    why: dict[str, str]
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_advice_worded(self) -> RuleBook:
        for name, wanted, given in (("advice", ADVICE_IDS, set(self.advice)), ("why", WORSENING_IDS, set(self.why))):
            if given != wanted:
                missing, unknown = sorted(wanted - given), sorted(given - wanted)
                raise ValueError(f"'{name}' must word exactly {sorted(wanted)}; missing {missing}, unknown {unknown}")
        for key, lowest in ADVICE_MINIMUM.items():
            level = self.advice[key].level
            if ADVICE_LEVELS.index(level) < ADVICE_LEVELS.index(lowest) or level in ("urgent", "emergency"):
                raise ValueError(
                    f"advice '{key}' must be at level {lowest} or above, below urgent (which only the safety "
                    f"questions give); got {level}"
                )
        if self.advice["continue"].level != "continue":
            raise ValueError("advice 'continue' must be at level continue")
        return self

    @model_validator(mode="after")
    def _unique(self) -> RuleBook:
        ids = [rule.id for rule in self.rules]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"rule ids must be unique; repeated: {', '.join(repeated)}")
        return self

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id, or KeyError naming it."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no adaptation rule with id '{rule_id}'")

    def at(self, moment: Moment, exercise_id: str) -> tuple[Rule, ...]:
        """The rules for one exercise at one moment, in priority order."""
        return tuple(r for r in self.rules if r.when == moment and r.applies_to(exercise_id))


def load_rules(folder: Path | None = None, library: Library | None = None) -> RuleBook:
    """Load and validate `rules.yaml` (the packaged one by default); with `library`, check every exercise id."""
    book = load_yaml_model((folder or default_content_dir()) / RULES_FILE, RuleBook)
    if library is not None:
        check_rules(book, library, (folder or default_content_dir()) / RULES_FILE)
    return book


def check_rules(book: RuleBook, library: Library, path: Path) -> None:
    """Every exercise a rule names exists; a switch stays within one exercise's variants."""
    for index, rule in enumerate(book.rules):
        where = f"{path}: field 'rules.{index}"
        if rule.exercise != ANY_EXERCISE and rule.exercise not in library.exercises:
            raise ContentError(f"{where}.exercise': unknown exercise '{rule.exercise}'")
        target = rule.action.to
        if target is None:
            continue
        if target not in library.exercises:
            raise ContentError(f"{where}.action.to': unknown exercise '{target}'")
        if rule.exercise == ANY_EXERCISE:
            raise ContentError(f"{where}.action.to': a switch must name the exercise it switches from")
        if library.exercise(target).technique != library.exercise(rule.exercise).technique:
            raise ContentError(f"{where}.action.to': '{target}' is not a variant of '{rule.exercise}'")
