"""What the person is told to do, for each day and event: a level and the words behind it.

The rules engine collects today's notes (`AdviceNote`) as events are applied; `advice_of` turns them into one
`Advice`. A red-flag screening result has its own advice (`screening_advice`), which always wins (`worst`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sciatica_coach.domain.adaptation.plan import AdviceNote
from sciatica_coach.domain.adaptation.rules import ADVICE_LEVELS, AdviceLevel, RuleBook
from sciatica_coach.domain.screening import ScreeningResult


@dataclass(frozen=True)
class Advice:
    """One day's advice: `continue | ease-off | contact-clinician | urgent | emergency`, its words, and the ids of
    the reasons behind it (keys of the rules file's `advice` texts, or `red-flag`)."""

    level: AdviceLevel
    text: str
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: level and text."""
        return {"level": self.level, "text": self.text}

    @property
    def rank(self) -> int:
        """Position in ADVICE_LEVELS (0 = continue)."""
        return ADVICE_LEVELS.index(self.level)


def rank(level: str) -> int:
    """Position of a level in ADVICE_LEVELS."""
    return ADVICE_LEVELS.index(level)  # type: ignore[arg-type,unused-ignore]


def advice_of(notes: Sequence[AdviceNote], book: RuleBook) -> Advice:
    """The advice for a set of notes: the highest level wins, with the words of every note at that level."""
    if not notes:
        return Advice("continue", book.advice["continue"].text, ("continue",))
    top = max(rank(note.level) for note in notes)
    chosen = [note for note in notes if rank(note.level) == top]
    text = " ".join(dict.fromkeys(note.text for note in chosen))
    return Advice(ADVICE_LEVELS[top], text, tuple(dict.fromkeys(note.id for note in chosen)))


def screening_advice(result: ScreeningResult) -> Advice | None:
    """The advice a screening gives: none when clear; `emergency` for an emergency sign, `urgent` for any other
    warning sign. The one place a screening result becomes advice."""
    if not result.red_flag:
        return None
    level: AdviceLevel = "emergency" if result.emergency or result.outcome == "emergency" else "urgent"
    return Advice(level, result.message, ("red-flag",))


def worst(advices: Iterable[Advice | None]) -> Advice:
    """The most serious of some advice (the first of equals); `continue` with no words when there is none."""
    found = [advice for advice in advices if advice is not None]
    if not found:
        return Advice("continue", "", ())
    top = max(advice.rank for advice in found)
    return next(advice for advice in found if advice.rank == top)
