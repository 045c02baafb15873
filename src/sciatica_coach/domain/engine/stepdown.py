"""When a symptom check inside a session ends an exercise, and the step-down advice that follows, in words.

A check ends the exercise it belongs to when symptoms reach further down either leg than at the check before (the
check before the exercise, for the check after it; the last check of the session, for the check before the next
one), or when pain is above the red line (the traffic light's `acceptable_max`). Spreading ends that exercise and
the session moves on to the next one; pain above the red line ends the session. Pure: the engine and the adapters
(web, JSON, terminal) share these words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sciatica_coach.domain.symptoms import PAIN_MAX, REACH_LEVELS, SymptomCheck, reach_rank

if TYPE_CHECKING:  # the record imports this module; only its type is needed here
    from sciatica_coach.domain.engine.record import SessionRecord
    from sciatica_coach.domain.engine.script import Phase

EndReason = Literal["spreading", "pain"]
When = Literal["before", "after"]
REASONS: tuple[EndReason, ...] = ("spreading", "pain")
# Why an exercise was stopped early, as a short note (tables, tags).
ENDED_WORDS: dict[str, str] = {"spreading": "symptoms spread", "pain": "pain too high"}

# Short cues, spoken or shown the moment a check ends an exercise or the session.
ENDED_CUE = "Stop this exercise for today."
ENDED_SESSION_CUE = "Stop exercising for today."
WORSENING = (
    "If your symptoms keep spreading down your leg, or numbness or weakness gets worse, contact your doctor or "
    "physiotherapist, today if the numbness or weakness is new. This app does not replace them."
)
UNCHANGED = "Your program has not changed for now."
CHANGED = "Your program has changed:"


@dataclass(frozen=True)
class EarlyEnd:
    """Why a symptom check ended an exercise: which check, what it showed, and what the rules changed then."""

    reasons: tuple[EndReason, ...]
    check: When  # the check before the exercise (it was not played) or after it
    pain: int  # the higher of back and leg pain at that check
    limit: int  # the red line then: pain above it is too much
    changes: tuple[str, ...] = ()  # the reasons of the plan changes the rules made when the check was saved

    @property
    def ends_session(self) -> bool:
        """Pain above the red line ends the whole session; spreading ends only this exercise."""
        return "pain" in self.reasons

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "reasons": list(self.reasons),
            "check": self.check,
            "pain": self.pain,
            "limit": self.limit,
            "changes": list(self.changes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EarlyEnd:
        """Inverse of `to_dict`."""
        return cls(
            reasons=tuple(data["reasons"]),
            check=data["check"],
            pain=int(data["pain"]),
            limit=int(data["limit"]),
            changes=tuple(data.get("changes", ())),
        )


def spread(earlier: SymptomCheck, later: SymptomCheck) -> bool:
    """Whether symptoms reach further down either leg at `later` than at `earlier`."""
    return reach_rank(later.left_reach) > reach_rank(earlier.left_reach) or reach_rank(later.right_reach) > reach_rank(
        earlier.right_reach
    )


def judge(report: SymptomCheck, earlier: SymptomCheck | None, check: When, limit: int) -> EarlyEnd | None:
    """The early end a check calls for, or None when the exercise can go on."""
    reasons: list[EndReason] = []
    if earlier is not None and spread(earlier, report):
        reasons.append("spreading")
    worst = max(report.back, report.leg)
    if worst > limit:
        reasons.append("pain")
    if not reasons:
        return None
    return EarlyEnd(tuple(reasons), check, worst, limit)


def check_before(record: SessionRecord, exercise_index: int, when: When) -> SymptomCheck | None:
    """The check a new answer is compared with: the exercise's own check before (for its check after), else the
    latest check answered earlier in the session (None for the session's first check)."""
    if when == "after":
        return record.exercises[exercise_index].pain_before
    for item in reversed(record.exercises[:exercise_index]):
        latest = item.pain_after or item.pain_before
        if latest is not None:
            return latest
    return None


# --- in words ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Advice:
    """The step-down advice: a heading, why, what to do now, what the program did, and when to get help."""

    title: str
    why: tuple[str, ...]
    now: str
    program: tuple[str, ...]
    worsening: str = WORSENING

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "title": self.title,
            "why": list(self.why),
            "now": self.now,
            "program": list(self.program),
            "worsening": self.worsening,
        }

    @property
    def lines(self) -> list[str]:
        """Every sentence in reading order (for the terminal)."""
        return [*self.why, self.now, *self.program, self.worsening]


def _lower(name: str) -> str:
    return name[:1].lower() + name[1:]


def reason_words(end: EarlyEnd, past: bool = False) -> list[str]:
    """Why the exercise ended, one sentence per reason (`past` for the summary and history)."""
    words = []
    if "spreading" in end.reasons:
        if end.check == "after":
            words.append("Your symptoms reached further down your leg than before you started this exercise.")
        elif past:
            words.append("Your symptoms reached further down your leg than at the check before.")
        else:
            words.append("Your symptoms reach further down your leg than at your last check.")
    if "pain" in end.reasons:
        verb = "was" if past else "is"
        words.append(f"Your pain {verb} {end.pain} out of 10. Above {end.limit} is too much to exercise on.")
    return words


def program_words(changes: Sequence[str]) -> tuple[str, ...]:
    """What the rules changed when the check was saved, or that nothing changed."""
    return (CHANGED, *changes) if changes else (UNCHANGED,)


def advice(end: EarlyEnd, exercise_name: str, more_to_come: bool) -> Advice:
    """The step-down advice for an exercise a check ended; `more_to_come` when the session goes on after it."""
    name = _lower(exercise_name)
    title = f"Stop the {name} for today" if end.check == "after" else f"Leave out the {name} today"
    if end.ends_session:
        now = "Stop exercising for today and rest in whatever position eases the pain."
    elif more_to_come:
        now = (
            f"Do no more of the {name} today. Rest for a minute in whatever position is most comfortable, then go on "
            "to the next exercise only if you feel able to."
        )
    else:
        now = f"Do no more of the {name} today, and rest in whatever position is most comfortable."
    return Advice(title, tuple(reason_words(end)), now, program_words(end.changes))


# --- the whole session --------------------------------------------------------------------------------------------

Outcome = Literal["in_progress", "completed", "stopped", "ended-early", "stopped-for-pain", "stopped-too-much-pain"]


@dataclass(frozen=True)
class SessionWords:
    """How a session ended, in words: a plain heading, what happened, what to do. Never congratulates a session
    that ended for pain or spreading."""

    outcome: Outcome
    heading: str
    happened: tuple[str, ...]
    todo: tuple[str, ...]

    @property
    def troubled(self) -> bool:
        """Whether pain or spreading ended something in this session."""
        return self.outcome in ("ended-early", "stopped-for-pain", "stopped-too-much-pain")


def session_words(record: SessionRecord, name_of: Callable[[str], str]) -> SessionWords:
    """The end-of-session heading and advice (web summary and terminal alike)."""
    happened: list[str] = []
    for item in record.exercises:
        name = name_of(item.exercise_id)
        if item.stopped_for_pain:
            happened.append(f"You stopped the {_lower(name)} because it hurt.")
        elif item.ended is not None:
            done = "stopped at the check after it" if item.ended.check == "after" else "left out at the check before it"
            why = " ".join(reason_words(item.ended, past=True))
            happened.append(f"The {_lower(name)} was {done}. {why}")
            happened.extend(program_words(item.ended.changes) if item.ended.changes else ())
    stopped = any(item.stopped_for_pain for item in record.exercises)
    too_much = any(item.ended is not None and item.ended.ends_session for item in record.exercises)
    if record.status == "in_progress":
        return SessionWords("in_progress", "Session so far", tuple(happened), ())
    if stopped:
        return SessionWords(
            "stopped-for-pain",
            "Session stopped because it hurt",
            tuple(happened),
            (
                "Stop exercising for today. Rest in whatever position eases the pain.",
                "If the pain does not settle, or it flares each time you exercise, contact your doctor or "
                "physiotherapist before your next session.",
                WORSENING,
            ),
        )
    if too_much:
        return SessionWords(
            "stopped-too-much-pain",
            "Session stopped: the pain was too much",
            tuple(happened),
            (
                "Stop exercising for today. Rest in whatever position eases the pain.",
                "If the pain does not settle, or it is this high each time you exercise, contact your doctor or "
                "physiotherapist before your next session.",
                WORSENING,
            ),
        )
    if happened:
        count = sum(item.ended is not None for item in record.exercises)
        return SessionWords(
            "ended-early",
            "Session over, with an exercise stopped early"
            if count == 1
            else f"Session over: {count} exercises stopped early",
            tuple(happened),
            ("Do not repeat a stopped exercise today.", WORSENING),
        )
    if record.status == "stopped":  # ended for another reason (e.g. replaced by a newer session)
        return SessionWords("stopped", "Session stopped", (), ())
    return SessionWords("completed", "Session complete. Well done!", (), ())


# --- offline ------------------------------------------------------------------------------------------------------

# In the step-down advice a player shows offline: the rules have not seen the answer yet.
OFFLINE_PROGRAM = (
    "You are offline: this answer is kept on this device and will be sent when you are back online. Any change to "
    "your program will show then."
)


def offline_words(exercise_name: str, check: When, more_to_come: bool, limit: int) -> dict[str, Any]:
    """Everything a player needs to show this check's step-down advice with no network, in the same words as
    `advice`: the heading, what to do now when symptoms spread or when pain is above `limit`, and why, one sentence
    per reason (the pain one for each score above the red line, as the score is part of it)."""
    spreading = advice(EarlyEnd(("spreading",), check, 0, limit), exercise_name, more_to_come)
    pain = {
        score: advice(EarlyEnd(("pain",), check, score, limit), exercise_name, more_to_come)
        for score in range(limit + 1, PAIN_MAX + 1)
    }
    return {
        "title": spreading.title,
        "now": {"spreading": spreading.now, "pain": next(iter(pain.values())).now if pain else ""},
        "why": {
            "spreading": spreading.why[0],
            "pain": {str(score): words.why[0] for score, words in pain.items()},
        },
        "program": [OFFLINE_PROGRAM],
        "worsening": WORSENING,
    }


def offline_rules(script: Sequence[Phase], name_of: Callable[[str], str], limit: int) -> dict[str, Any]:
    """What a player needs to judge a session's symptom checks itself while offline, by the rules of `judge`: the
    red line, the order of how far down the leg, and each check's step-down words (by step index)."""
    checks: dict[str, Any] = {}
    for phase in script:
        if phase.duration is not None:
            continue
        when: When = "before" if phase.kind == "check-before" else "after"
        more = any(later.exercise_index > phase.exercise_index for later in script[phase.index + 1 :])
        checks[str(phase.index)] = offline_words(name_of(phase.exercise_id), when, more, limit)
    return {"pain_limit": limit, "reach_levels": list(REACH_LEVELS), "checks": checks}
