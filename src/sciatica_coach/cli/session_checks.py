"""The quick symptom check in the terminal: asked question by question, or answered from `--pain`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rich.console import Console

from sciatica_coach.domain.symptoms import PAIN_MAX, PAIN_MIN, REACH_LABELS, REACH_LEVELS, SymptomCheck

T = TypeVar("T")
REACH_CHOICES = ", ".join(f"{i}={level}" for i, level in enumerate(REACH_LEVELS))


class QuitRequested(Exception):
    """The person asked to stop here and keep the session for later."""


def parse_pain(text: str) -> tuple[int, int]:
    """'BACK,LEG' -> (back, leg), each a whole number 0-10; ValueError with a readable message otherwise."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise ValueError(f"--pain takes two numbers, back and leg, like 3,5; got '{text}'")
    return parse_score(parts[0], "back pain"), parse_score(parts[1], "leg pain")


def parse_score(text: str, what: str) -> int:
    """A 0-10 score from text; ValueError naming what was asked for."""
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"{what} must be a whole number from {PAIN_MIN} to {PAIN_MAX}; got '{text}'") from None
    if not PAIN_MIN <= value <= PAIN_MAX:
        raise ValueError(f"{what} must be a whole number from {PAIN_MIN} to {PAIN_MAX}; got {value}")
    return value


def parse_reach(text: str, what: str = "reach") -> str:
    """A reach level from its name, its label or its number (0-4); an empty answer is refused (nothing is assumed)."""
    answer = text.strip().lower()
    if not answer:
        raise ValueError(f"{what}: please choose one of {REACH_CHOICES} (0 if that leg is clear)")
    if answer.isdigit() and int(answer) < len(REACH_LEVELS):
        return REACH_LEVELS[int(answer)]
    for level in REACH_LEVELS:
        if answer in (level, level.replace("-", " "), REACH_LABELS[level].lower()):
            return level
    raise ValueError(f"{what} must be one of {REACH_CHOICES}; got '{text}'")


def parse_reaches(text: str) -> tuple[str, str]:
    """'LEFT,RIGHT' reach levels, e.g. 'thigh,none'."""
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError(f"--reach takes two levels, left and right, like thigh,none; got '{text}'")
    return parse_reach(parts[0], "left leg reach"), parse_reach(parts[1], "right leg reach")


class FixedAnswers:
    """Answers every check with the same report (non-interactive runs and tests)."""

    def __init__(self, report: SymptomCheck, out: Console) -> None:
        self.report = report
        self.out = out

    def __call__(self, title: str) -> SymptomCheck:
        """The fixed report, announced on the output."""
        r = self.report
        self.out.print(
            f"{title}: back {r.back}, leg {r.leg}, left leg {r.left_reach}, right leg {r.right_reach} (given up front)",
            soft_wrap=True,
        )
        return r


class PromptAnswers:
    """Asks each question in turn and asks again, saying why, until the answer is usable."""

    def __init__(
        self,
        out: Console,
        read: Callable[[str], str] | None = None,
        quit_hint: str = "type q to stop here and keep the session for later",
    ) -> None:
        self.out = out
        self.read = read or (lambda prompt: out.input(prompt))
        self.quit_hint = quit_hint

    def __call__(self, title: str) -> SymptomCheck:
        """Back pain, leg pain and reach per leg; 'q' raises QuitRequested."""
        self.out.print(f"[bold]{title}[/] ({self.quit_hint})")
        back = self._ask(f"  Back pain now, {PAIN_MIN} (none) to {PAIN_MAX} (worst): ", parse_score, "back pain")
        leg = self._ask(f"  Leg pain now, {PAIN_MIN} (none) to {PAIN_MAX} (worst): ", parse_score, "leg pain")
        left = self._ask(f"  How far down your LEFT leg? {REACH_CHOICES}: ", parse_reach, "left leg reach")
        right = self._ask(f"  How far down your RIGHT leg? {REACH_CHOICES}: ", parse_reach, "right leg reach")
        return SymptomCheck(back=back, leg=leg, left_reach=left, right_reach=right)

    def _ask(self, prompt: str, parse: Callable[[str, str], T], what: str) -> T:
        while True:
            answer = self.read(prompt)
            if answer.strip().lower() in ("q", "quit"):
                raise QuitRequested
            try:
                return parse(answer, what)
            except ValueError as exc:
                self.out.print(f"  [red]{exc}.[/] Please try again.")
