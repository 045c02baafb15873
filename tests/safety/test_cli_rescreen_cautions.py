"""The terminal: `sciatica-coach session` asks the short re-screen when the last is over 24 hours old; cautions are
shown (and applied) at the session's start and in `sciatica-coach program`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from click.testing import Result
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.domain.content import load_library
from sciatica_coach.domain.screening import all_no, load_red_flags
from sciatica_coach.storage.db import transaction
from sciatica_coach.storage.models import utcnow
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import RECHECK_REASON, open_locks, recheck_due, record_screening
from sciatica_coach.storage.sessions import list_sessions

Invoke = Callable[..., Result]
FAST = ("--speed", "10000", "--no-speech", "--pain", "2,3", "--reach", "none,none")
CONTENT = load_red_flags()
LIBRARY = load_library()
SHORT = [item.id for item in CONTENT.questions("short")]


def screened(factory: sessionmaker[Session], hours_ago: float, cautions: dict[str, bool] | None = None) -> int:
    with transaction(factory) as db:
        patient_id = default_patient(db).id
        at = utcnow() - timedelta(hours=hours_ago)
        record_screening(db, patient_id, "full", all_no("full"), cautions=cautions, at=at)
        return patient_id


def test_session_asks_the_short_re_screen_after_24_hours_then_plays(
    invoke: Invoke, factory: sessionmaker[Session]
) -> None:
    patient_id = screened(factory, 25)
    refused = invoke("session", "--no-input", *FAST)
    assert refused.exit_code == 3 and RECHECK_REASON in refused.output and "screen --short" in refused.output
    result = invoke("session", *FAST, input="no\n" * len(SHORT))
    assert result.exit_code == 0, result.output
    assert CONTENT.forms["short"].title in result.output and "No warning signs today" in result.output
    assert "Session complete" in result.output
    with transaction(factory) as db:
        assert not recheck_due(db, patient_id)
        assert [row.status for row in list_sessions(db, patient_id)] == ["completed"]


def test_a_yes_in_the_session_re_screen_locks_and_starts_nothing(
    invoke: Invoke, factory: sessionmaker[Session]
) -> None:
    patient_id = screened(factory, 30)
    stdin = "".join(("yes" if i == "urine-leaking" else "no") + "\n" for i in SHORT)
    result = invoke("session", *FAST, input=stdin)
    assert result.exit_code == 3
    assert CONTENT.messages.emergency.summary in " ".join(result.output.split())
    with transaction(factory) as db:
        assert open_locks(db, patient_id) and list_sessions(db, patient_id) == []


def test_a_fresh_screening_plays_without_a_re_screen(invoke: Invoke, factory: sessionmaker[Session]) -> None:
    screened(factory, 23)
    result = invoke("session", "--no-input", *FAST)
    assert result.exit_code == 0, result.output
    assert CONTENT.forms["short"].title not in result.output


def test_pregnancy_is_shown_at_the_start_and_in_the_program(invoke: Invoke, factory: sessionmaker[Session]) -> None:
    patient_id = screened(factory, 1, cautions={"pregnancy": True})
    reason = " ".join(LIBRARY.contraindications.caution("pregnancy").reason.split())
    result = invoke("session", "--no-input", *FAST)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "Prone press-up: Left out." in flat and reason in flat
    with transaction(factory) as db:
        (row,) = list_sessions(db, patient_id)
        assert "prone-press-up" not in [item["exercise_id"] for item in row.prescription["items"]]
    program = invoke("program")
    assert program.exit_code == 0 and reason in " ".join(program.output.split())
    data = invoke("program", "--json")
    assert '"effect": "leave-out"' in data.output and '"caution_id": "pregnancy"' in data.output
