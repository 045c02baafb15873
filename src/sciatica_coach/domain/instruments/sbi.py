"""Sciatica Bothersomeness Index: four items scored 0-6, a total of 0-24, and the published success threshold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError, model_validator

from sciatica_coach.domain.checkins import CheckinError, not_a_boolean
from sciatica_coach.domain.content.loader import default_content_dir, load_yaml_model
from sciatica_coach.domain.content.schema import ID_PATTERN, Source, Strict

SBI_FILE = "sbi.yaml"
ITEM_MIN, ITEM_MAX = 0, 6
ITEM_COUNT = 4
TOTAL_MAX = ITEM_MAX * ITEM_COUNT


class Anchor(Strict):
    """The words for one point on the 0-6 scale."""

    value: int = Field(ge=ITEM_MIN, le=ITEM_MAX)
    label: str


class SbiItem(Strict):
    """One symptom rated for how much it bothered the person."""

    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=3)


class Threshold(Strict):
    """The published success threshold for the total."""

    value: float = Field(ge=0, le=TOTAL_MAX)
    direction: Literal["at-or-below"]
    label: str
    explanation: str


class SbiContent(Strict):
    """The SBI file."""

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    name: str
    short_name: str
    intro: str
    anchors: tuple[Anchor, ...]
    items: tuple[SbiItem, ...]
    threshold: Threshold
    source: Source

    @model_validator(mode="after")
    def _complete(self) -> SbiContent:
        if [a.value for a in self.anchors] != list(range(ITEM_MIN, ITEM_MAX + 1)):
            raise ValueError(f"anchors must cover every value from {ITEM_MIN} to {ITEM_MAX}, in order")
        ids = [item.id for item in self.items]
        if len(ids) != ITEM_COUNT or len(set(ids)) != ITEM_COUNT:
            raise ValueError(f"the SBI has exactly {ITEM_COUNT} items with distinct ids")
        return self


def load_sbi(folder: Path | None = None) -> SbiContent:
    """Load and validate `sbi.yaml` from `folder` (the packaged content by default)."""
    return load_yaml_model((folder or default_content_dir()) / SBI_FILE, SbiContent)


@dataclass(frozen=True)
class SbiScore:
    """A scored SBI: each item's answer, the total, and whether it meets the success threshold."""

    items: dict[str, int]
    total: int
    threshold: float

    @property
    def meets_threshold(self) -> bool:
        """Whether the total is at or below the published success threshold."""
        return meets_threshold(self.total, self.threshold)


def meets_threshold(total: float, threshold: float) -> bool:
    """At or below the threshold counts as success."""
    return total <= threshold


_ITEM: TypeAdapter[int] = TypeAdapter(
    Annotated[int, BeforeValidator(not_a_boolean), Field(strict=False, ge=ITEM_MIN, le=ITEM_MAX)]
)


def score_sbi(answers: Mapping[str, object], content: SbiContent | None = None) -> SbiScore:
    """Validate the four answers (0-6 each, form strings allowed) and total them; CheckinError names each problem."""
    content = content or load_sbi()
    problems: dict[str, str] = {}
    known = {item.id for item in content.items}
    for key in answers:
        if key not in known:
            problems[key] = "not a question of the SBI"
    items: dict[str, int] = {}
    for item in content.items:
        value = _item_value(answers.get(item.id))
        if value is None:
            given = answers.get(item.id)
            problems[item.id] = (
                "please answer this question"
                if given is None or given == ""
                else f"choose a whole number from {ITEM_MIN} to {ITEM_MAX}"
            )
        else:
            items[item.id] = value
    if problems:
        raise CheckinError(problems)
    return SbiScore(items=items, total=sum(items.values()), threshold=content.threshold.value)


def _item_value(value: object) -> int | None:
    """A whole number ITEM_MIN..ITEM_MAX (JSON numbers or form text); anything else (booleans, "²", "--5") is None."""
    try:
        return _ITEM.validate_python(value)
    except ValidationError:
        return None
