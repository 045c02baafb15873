"""What the app reads back from an imported record's JSON values, checked before anything is saved, pure: each
session's prescription and record, and the rules' saved state (the plan and its cursor), parse as this version
reads them, and every exercise they name is in the content. Problems name where they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sciatica_coach.domain.adaptation.plan import AdaptivePlan
from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.engine.prescription import Prescription
from sciatica_coach.domain.engine.record import SessionRecord

_BROKEN = (KeyError, TypeError, ValueError, AttributeError)


def _problem(where: str, parse: Callable[[], Any]) -> tuple[str | None, Any]:
    try:
        return None, parse()
    except _BROKEN as exc:
        return f"{where}: not in the shape this version reads ({exc.__class__.__name__}: {exc})", None


def _unknown(where: str, prescription: Prescription | None, library: Library) -> list[str]:
    if prescription is None:
        return []
    return [
        f"{where}: exercise {item.exercise_id!r} is not in this app's content"
        for item in prescription.items
        if item.exercise_id not in library.exercises
    ]


def _state_problems(where: str, state: Any, library: Library) -> list[str]:
    if not isinstance(state, dict) or not isinstance(state.get("state"), dict):
        return [f"{where}: must hold the rules' state"]
    problem, plan = _problem(f"{where}.state", lambda: AdaptivePlan.from_dict(state["state"]))
    if problem:
        return [problem]
    cursor = state.get("cursor")
    if cursor is not None and (not isinstance(cursor, dict) or not isinstance(cursor.get("keys", []), list)):
        return [f"{where}.cursor: must have a list of keys"]
    return _unknown(f"{where}.state.prescription", plan.prescription, library)


def _session_problems(where: str, session: dict[str, Any], library: Library) -> list[str]:
    problem, prescription = _problem(f"{where}.prescription", lambda: Prescription.from_dict(session["prescription"]))
    if problem:
        return [problem]
    problem, _ = _problem(f"{where}.record", lambda: SessionRecord.from_dict(session["record"]))
    return [problem] if problem else _unknown(f"{where}.prescription", prescription, library)


def content_problems(record: dict[str, Any], library: Library) -> list[str]:
    """Every problem of a checked record's stored values (empty when the app can read them all)."""
    problems: list[str] = []
    for index, session in enumerate(record["sessions"]):
        problems += _session_problems(f"sessions[{index}]", session, library)
    if record["plan_state"] is not None:
        problems += _state_problems("plan_state.plan", record["plan_state"]["plan"], library)
    for index, checkin in enumerate(record["checkins"]):
        answers = checkin["answers"]
        if not isinstance(answers, dict):
            problems.append(f"checkins[{index}].answers: must be an object")
        elif "state_before" in answers:
            problems += _state_problems(f"checkins[{index}].answers.state_before", answers["state_before"], library)
    return problems
