"""Statements on the hot write path (`pipeline.HotStatement`): on PostgreSQL they are compiled once and handed to
psycopg directly, so what they write and read must be exactly what SQLAlchemy's own execution gives, on SQLite and
PostgreSQL; and a write whose pooled connection the server dropped (a restart) still saves, once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy import bindparam, create_engine, func, insert, select, text
from sqlalchemy.pool import NullPool

from sciatica_coach.storage.models import AuditEntry, CheckIn, table_of
from sciatica_coach.storage.pipeline import HotStatement, fetch, send_later
from sciatica_coach.storage.unit_of_work import Store

_AUDIT = table_of(AuditEntry)
HOT_AUDIT = HotStatement(insert(_AUDIT).inline())
AUDITS_OF = HotStatement(
    select(_AUDIT.c.action, _AUDIT.c.created_at.label("at"), _AUDIT.c.detail)
    .where(_AUDIT.c.patient_id == bindparam("patient_id"), _AUDIT.c.actor == "hot")
    .order_by(_AUDIT.c.id)
)
AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
DETAIL = {"nested": {"list": [1, 2.5, None, "é"]}, "flag": True}


def _row(patient_id: int, action: str, detail: object = DETAIL) -> dict[str, object]:
    return {"patient_id": patient_id, "created_at": AT, "actor": "hot", "action": action, "detail": detail}


def test_a_hot_write_and_a_hot_read_give_what_sqlalchemy_gives(app: FastAPI, screened: int) -> None:
    store: Store = app.state.store
    with store.write(screened) as db:
        send_later(db, HOT_AUDIT, _row(screened, "one"))
        send_later(db, HOT_AUDIT, [_row(screened, "two"), _row(screened, "three", None)])
        seen = fetch(db, AUDITS_OF, {"patient_id": screened})  # goes after the queued writes: sees them
    assert [row.action for row in seen] == ["one", "two", "three"]
    with store.read() as db:
        plain = list(db.execute(AUDITS_OF.statement, {"patient_id": screened}))
    assert [(r.action, r.at, r.detail) for r in seen] == [(r.action, r.at, r.detail) for r in plain]
    assert plain[0].detail == DETAIL and plain[2].detail is None
    assert plain[0].at.replace(tzinfo=UTC) == AT


def test_a_statement_that_needs_sqlalchemy_at_execution_still_runs(app: FastAPI, screened: int) -> None:
    """An IN list bound at execution and a column default filled in by SQLAlchemy: not compiled once."""
    store: Store = app.state.store
    checks = table_of(CheckIn)
    with_default = HotStatement(insert(checks).inline())  # `created_at` left out: its default is Python's
    in_list = HotStatement(select(func.count()).where(checks.c.kind.in_(bindparam("kinds", expanding=True))))
    with store.write(screened) as db:
        send_later(db, with_default, {"patient_id": screened, "kind": "morning", "back_pain": 2, "leg_pain": 3})
        counted = fetch(db, in_list, {"kinds": ["morning", "sbi"]})
    assert counted[0][0] == 1
    assert with_default.form(db.get_bind().dialect, ["patient_id", "kind", "back_pain", "leg_pain"]) is None


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_persons_write_after_the_server_dropped_every_connection_saves_once(app: FastAPI, screened: int) -> None:
    """The patient's lock is the first statement and is not preceded by a ping: when it finds the connection
    dropped it is asked for again on a fresh one. Nothing was done before it, so nothing is done twice."""
    store: Store = app.state.store
    for _ in range(3):
        with store.write(screened) as db:
            send_later(db, HOT_AUDIT, _row(screened, "before"))
    admin = create_engine(store.engine.url, poolclass=NullPool)
    try:
        with admin.connect() as conn:
            dropped = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
    finally:
        admin.dispose()
    assert dropped >= 1, "the pool held a connection for the server to drop"
    with store.write(screened) as db:
        send_later(db, HOT_AUDIT, _row(screened, "after"))
    with store.write() as db:  # a write of no one person: pinged at checkout
        send_later(db, HOT_AUDIT, _row(screened, "unlocked"))
    with store.read() as db:
        actions = [row.action for row in db.execute(AUDITS_OF.statement, {"patient_id": screened})]
    assert actions == ["before"] * 3 + ["after", "unlocked"]


def test_the_rules_read_whether_a_morning_was_saved_with_a_warning_sign(app: FastAPI, screened: int) -> None:
    """The unread-history read takes only the red-flag mark from a morning's answers (not the rules' state kept
    beside it): a morning saved with a warning sign still reads as one, on both databases."""
    from sciatica_coach.domain.adaptation.plan import MorningEvent
    from sciatica_coach.domain.checkins import MorningCheck
    from sciatica_coach.domain.symptoms import SymptomCheck
    from sciatica_coach.storage.checkins import save_morning_checkin
    from sciatica_coach.storage.plans import history_events

    store: Store = app.state.store
    check = MorningCheck(SymptomCheck(3, 4, "thigh", "none"), numbness=False, weakness=False)
    with store.write(screened) as db:
        save_morning_checkin(db, screened, check, AT, red_flag=True, state_before={"state": {"big": "x" * 500}})
        save_morning_checkin(db, screened, check, AT.replace(hour=6), red_flag=False)
        events = [event for _, event in history_events(db, screened)]
    mornings = [event for event in events if isinstance(event, MorningEvent)]
    assert [event.red_flag for event in mornings] == [True, False]
    assert mornings[0].check == check
