"""Alerts for the clinician, pure: the schema of `alerts.yaml` (tiers and triggers as closed vocabularies, rule and
advice references checked against the rules) and `alerts_for` / `inactivity_alerts`, which say what an event or a
quiet spell raises.

The use cases build an `Observed` from what they save (a check-in, a screening, a check after an exercise, a stop,
the rules' run) and save what `alerts_for` returns in the same transaction; inactivity is checked by the background
worker's periodic job. Not raised again: an alert of the same id raised the same day (UTC) and still open; an
inactivity alert once per quiet spell (since the last activity), acknowledged or not.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from sciatica_coach.domain.adaptation.advice import Advice
from sciatica_coach.domain.adaptation.plan import Change
from sciatica_coach.domain.adaptation.rules import RuleBook
from sciatica_coach.domain.content.loader import ContentError, default_content_dir, load_yaml_model
from sciatica_coach.domain.content.schema import ID_PATTERN, Strict
from sciatica_coach.domain.symptoms import SymptomCheck, reach_rank

ALERTS_FILE = "alerts.yaml"
Tier = Literal["low", "high", "critical"]
TIERS: tuple[Tier, ...] = ("low", "high", "critical")  # from least to most urgent
EMAILED_TIERS: frozenset[str] = frozenset({"high", "critical"})
TIER_LABELS: dict[str, str] = {"low": "Low", "high": "High", "critical": "Critical"}
Test = Literal["red-flag", "leg-pain", "leg-pain-rise", "spreading", "new-nerve-signs", "escalation", "inactive"]
EVENT_TESTS: frozenset[str] = frozenset(
    {"red-flag", "leg-pain", "leg-pain-rise", "spreading", "new-nerve-signs", "escalation"}
)


class Trigger(Strict):
    """What raises an alert: one test from a closed list, with its settings."""

    test: Test
    at_least: int | None = Field(default=None, ge=1, le=10)  # leg-pain, leg-pain-rise
    days: int | None = Field(default=None, ge=1, le=365)  # inactive
    rules: tuple[str, ...] = ()  # escalation: rule ids of rules.yaml
    advice: tuple[str, ...] = ()  # escalation: advice ids of rules.yaml

    @model_validator(mode="after")
    def _settings(self) -> Trigger:
        needs_number = self.test in ("leg-pain", "leg-pain-rise")
        if needs_number != (self.at_least is not None):
            raise ValueError(f"'at_least' is {'needed' if needs_number else 'not allowed'} for test {self.test}")
        if (self.test == "inactive") != (self.days is not None):
            raise ValueError(f"'days' is {'needed' if self.test == 'inactive' else 'not allowed'} for {self.test}")
        if (self.test == "escalation") != bool(self.rules or self.advice):
            raise ValueError("'rules' or 'advice' is needed for test escalation, and only for it")
        return self


class AlertKind(Strict):
    """One alert: stable id, version, tier, trigger and the reason shown to the clinician."""

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    tier: Tier
    trigger: Trigger
    reason: str = Field(min_length=10, max_length=300)


class AlertBook(Strict):
    """The alerts file."""

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    alerts: tuple[AlertKind, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> AlertBook:
        ids = [alert.id for alert in self.alerts]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"alert ids must be unique; repeated: {', '.join(repeated)}")
        return self

    def kind(self, alert_id: str) -> AlertKind:
        """The alert with this id, or KeyError naming it."""
        for alert in self.alerts:
            if alert.id == alert_id:
                return alert
        raise KeyError(f"no alert '{alert_id}' in {ALERTS_FILE}")


def load_alerts(folder: Path | None = None) -> AlertBook:
    """Load and validate `alerts.yaml` (the packaged one by default)."""
    return load_yaml_model((folder or default_content_dir()) / ALERTS_FILE, AlertBook)


def check_alerts(book: AlertBook, rules: RuleBook, path: Path) -> None:
    """Every rule and advice id an escalation names exists in the rules file."""
    rule_ids = {rule.id for rule in rules.rules}
    for index, alert in enumerate(book.alerts):
        where = f"{path}: field 'alerts.{index}.trigger"
        for rule_id in alert.trigger.rules:
            if rule_id not in rule_ids:
                raise ContentError(f"{where}.rules': unknown rule '{rule_id}'")
        for advice_id in alert.trigger.advice:
            if advice_id not in rules.advice:
                raise ContentError(f"{where}.advice': unknown advice '{advice_id}'")


@dataclass(frozen=True)
class Observed:
    """What one saved event showed: the values the triggers look at (None / False / empty when not asked)."""

    at: datetime
    red_flag: bool = False
    after: SymptomCheck | None = None  # the symptoms reported now
    before: SymptomCheck | None = None  # the check before (the morning before, or before the same exercise)
    new_nerve_signs: bool = False
    rule_ids: tuple[str, ...] = ()  # rules that changed the plan on this event
    advice_ids: tuple[str, ...] = ()  # the reasons of the advice the rules gave on this event

    def and_rules(self, changes: Sequence[Change], advice: Advice | None) -> Observed:
        """The same, with what a run of the rules did: the rules that changed the plan, the advice's reasons."""
        rule_ids = tuple(dict.fromkeys(change.rule_id for change in changes))
        return replace(self, rule_ids=rule_ids, advice_ids=advice.reasons if advice is not None else ())


@dataclass(frozen=True)
class Raised:
    """An alert to save: which one (id and content version), its tier and reason, and when."""

    alert_id: str
    version: int
    tier: Tier
    reason: str
    at: datetime


def new_nerve_signs(numbness: bool, weakness: bool, before: tuple[bool, bool] | None) -> bool:
    """Numbness or weakness now that the morning before did not have (any, on the first morning)."""
    had_numbness, had_weakness = before or (False, False)
    return (numbness and not had_numbness) or (weakness and not had_weakness)


def spreads(before: SymptomCheck, after: SymptomCheck) -> bool:
    """Symptoms reach further down either leg than at the check before."""
    return reach_rank(after.left_reach) > reach_rank(before.left_reach) or reach_rank(after.right_reach) > reach_rank(
        before.right_reach
    )


def _holds(alert: AlertKind, seen: Observed) -> bool:
    trigger = alert.trigger
    if trigger.test == "red-flag":
        return seen.red_flag
    if trigger.test == "leg-pain":
        return seen.after is not None and seen.after.leg >= (trigger.at_least or 0)
    if trigger.test == "leg-pain-rise":
        return (
            seen.after is not None
            and seen.before is not None
            and seen.after.leg - seen.before.leg >= (trigger.at_least or 0)
        )
    if trigger.test == "spreading":
        return seen.after is not None and seen.before is not None and spreads(seen.before, seen.after)
    if trigger.test == "new-nerve-signs":
        return seen.new_nerve_signs
    if trigger.test == "escalation":
        return bool(set(trigger.rules) & set(seen.rule_ids) or set(trigger.advice) & set(seen.advice_ids))
    return False  # inactive: see inactivity_alerts


def alerts_for(book: AlertBook, seen: Observed, open_today: Collection[str] = ()) -> list[Raised]:
    """The alerts an event raises, most urgent first; `open_today` holds the ids of alerts raised today and still
    open for this patient (not raised again)."""
    found = [
        Raised(alert.id, alert.version, alert.tier, alert.reason, seen.at)
        for alert in book.alerts
        if alert.trigger.test in EVENT_TESTS and alert.id not in open_today and _holds(alert, seen)
    ]
    return sorted(found, key=lambda r: -TIERS.index(r.tier))


def inactivity_alerts(
    book: AlertBook, last_activity: datetime | None, since: datetime, now: datetime, already: Collection[str] = ()
) -> list[Raised]:
    """The inactivity alerts due at `now`: no activity for the alert's days (counted from the last activity, or from
    `since`, when the patient joined, if there was none). `already`: the ids raised since that moment (open or
    acknowledged): one quiet spell raises each alert once. Only the longest spell due is raised (14 days, not 14
    and 2)."""
    start = last_activity or since
    quiet = (now - start).total_seconds() / 86400
    due = [
        alert
        for alert in book.alerts
        if alert.trigger.test == "inactive" and alert.trigger.days is not None and quiet >= alert.trigger.days
    ]
    if not due:
        return []
    longest = max(due, key=lambda a: a.trigger.days or 0)
    if longest.id in already:
        return []
    return [Raised(longest.id, longest.version, longest.tier, longest.reason, now)]


def worst_tier(tiers: Sequence[str]) -> str | None:
    """The most urgent tier of some alerts (None when there are none)."""
    known = [t for t in tiers if t in TIERS]
    return max(known, key=TIERS.index) if known else None


def tier_rank(tier: str | None) -> int:
    """Sort value of a tier: -1 for none, then low, high, critical."""
    return TIERS.index(tier) if tier in TIERS else -1  # type: ignore[arg-type,unused-ignore]
