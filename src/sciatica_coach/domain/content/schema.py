"""The schema every content file is validated against when loaded."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

StableId = str  # lowercase words joined by hyphens, e.g. "nerve-glide"
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Strict(BaseModel):
    """Base: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """Where facts came from, and under what terms."""

    document: str
    licence: str
    notes: str = ""


class Range(Strict):
    """An inclusive numeric range."""

    min: float = Field(ge=0)
    max: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self

    def contains(self, value: float) -> bool:
        """Whether `value` lies inside the range."""
        return self.min <= value <= self.max


class Dosage(Strict):
    """How much of an exercise the guide allows; the program never leaves these ranges without a clinician."""

    reps: Range
    hold_seconds: Range
    per_side: bool
    sets: int = Field(ge=1)
    times_per_day: Range
    duration_minutes: Range | None = None


class Pacing(Strict):
    """Default timing of one rep, in seconds, used by the session engine."""

    get_ready_seconds: float = Field(gt=0)
    move_seconds: float = Field(gt=0)  # lift, press up or hinge down
    return_seconds: float = Field(gt=0)  # lower slowly or stand back up
    rest_seconds: float = Field(ge=0)
    switch_side_seconds: float = Field(ge=0, default=0)
    breathing: Literal["none", "exhale-on-move"] = "none"


class Cues(Strict):
    """Words spoken and shown at each phase of a rep."""

    get_ready: str
    move: str
    hold: str
    return_: str = Field(alias="return")
    rest: str
    switch_side: str = ""


class Step(Strict):
    """One numbered instruction."""

    id: StableId = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=3)


class Illustration(Strict):
    """A drawing of one key position, as inline SVG."""

    id: StableId = Field(pattern=ID_PATTERN)
    caption: str
    svg: str

    @model_validator(mode="after")
    def _is_svg(self) -> Illustration:
        text = self.svg.strip()
        if not (text.startswith("<svg") and text.endswith("</svg>")):
            raise ValueError("svg must be a single inline <svg>…</svg> element")
        if "<script" in text.lower():
            raise ValueError("svg must not contain scripts")
        return self


class Exercise(Strict):
    """A technique from the program, with everything the coach needs to teach and time it."""

    id: StableId = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    name: str
    summary: str
    technique: Literal["nerve-glide", "prone-press-up", "hip-hinge"]
    variant_of: StableId | None = None
    when_to_use: str
    position: Literal["supine", "prone", "standing"]
    steps: tuple[Step, ...] = Field(min_length=2)
    dosage: Dosage
    pacing: Pacing
    cues: Cues
    breathing_cues: tuple[str, ...]
    stop_rules: tuple[str, ...] = Field(min_length=1)
    good_signs: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    illustrations: tuple[Illustration, ...] = Field(min_length=1)
    source: Source


class EducationSection(Strict):
    """One section of the learn page."""

    id: StableId = Field(pattern=ID_PATTERN)
    title: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()


class Education(Strict):
    """Why sciatica hurts and why we avoid hamstring stretches."""

    id: StableId = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    title: str
    sections: tuple[EducationSection, ...] = Field(min_length=1)
    source: Source


class Contraindication(Strict):
    """Something the program must never offer, with the reasons."""

    id: StableId = Field(pattern=ID_PATTERN)
    name: str
    match_terms: tuple[str, ...] = Field(min_length=1)
    reasons: tuple[str, ...] = Field(min_length=1)
    instead: str


CautionEffect = Literal["leave-out", "check-with-clinician"]


class Caution(Strict):
    """A condition asked at the first screening that changes the program: which exercises (by id or position) are
    left out or marked "check with your clinician", and the reason shown."""

    id: StableId = Field(pattern=ID_PATTERN)
    question: str = Field(min_length=10)
    effect: CautionEffect
    exercises: tuple[StableId, ...] = ()
    positions: tuple[str, ...] = ()
    reason: str = Field(min_length=20)

    @model_validator(mode="after")
    def _targets(self) -> Caution:
        if not self.exercises and not self.positions:
            raise ValueError("a caution must name the exercises or positions it affects")
        return self


class Contraindications(Strict):
    """The file of contraindicated exercises, and the cautions asked at the first screening."""

    version: int = Field(ge=1)
    items: tuple[Contraindication, ...] = Field(min_length=1)
    cautions: tuple[Caution, ...] = ()
    source: Source

    def caution(self, caution_id: str) -> Caution:
        """The caution with this id, or KeyError naming it."""
        for caution in self.cautions:
            if caution.id == caution_id:
                return caution
        raise KeyError(f"no caution with id '{caution_id}'")


class ProgramItem(Strict):
    """One exercise in the default program."""

    exercise: StableId = Field(pattern=ID_PATTERN)
    reps: int | None = None
    hold_seconds: float | None = None


class Program(Strict):
    """The default program a new person starts with."""

    id: StableId = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    name: str
    disclaimer: str
    items: tuple[ProgramItem, ...] = Field(min_length=1)
