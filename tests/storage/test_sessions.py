"""storage/sessions.py on SQLite and PostgreSQL: saved as it goes, read back only by its owner."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.engine.record import SessionRecord, complete_phase
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.storage.models import ExerciseSession
from sciatica_coach.storage.sessions import active_session, create_session, get_session, list_sessions, save_progress


def _new(factory: sessionmaker[Session], library: Library, patient_id: int) -> str:
    prescription = default_prescription(library)
    with factory() as db, db.begin():
        return create_session(db, patient_id, prescription, build_script(prescription, library)).id


def test_a_new_session_is_saved_with_its_script_and_an_empty_record(
    factory: sessionmaker[Session], library: Library, patients: tuple[int, int]
) -> None:
    me, _ = patients
    session_id = _new(factory, library, me)
    with factory() as db:
        row = get_session(db, me, session_id)
        assert row is not None
        assert (row.status, row.position, row.source, row.finished_at) == ("in_progress", 0, "web", None)
        assert len(row.script) == len(build_script(default_prescription(library), library))
        record = SessionRecord.from_dict(row.record)
        assert [e.exercise_id for e in record.exercises] == ["nerve-glide", "prone-press-up", "hip-hinge"]
        assert record.total_reps == 0


def test_only_the_owner_can_read_a_session(
    factory: sessionmaker[Session], library: Library, patients: tuple[int, int]
) -> None:
    me, other = patients
    session_id = _new(factory, library, me)
    with factory() as db:
        assert get_session(db, other, session_id) is None
        assert get_session(db, me, "no-such-id") is None
        assert active_session(db, other) is None
        assert list_sessions(db, other) == []


def test_progress_survives_a_new_connection_and_finishing_stamps_the_end(
    factory: sessionmaker[Session], library: Library, patients: tuple[int, int]
) -> None:
    me, _ = patients
    session_id = _new(factory, library, me)
    with factory() as db, db.begin():
        row = get_session(db, me, session_id)
        assert row is not None
        script = build_script(default_prescription(library), library)
        record = SessionRecord.from_dict(row.record)
        for phase in script[:9]:
            complete_phase(record, phase)
        save_progress(db, row, 9, record)
    with factory() as db:
        row = get_session(db, me, session_id)
        assert row is not None
        assert row.position == 9
        assert row.record["exercises"][0]["reps_done"] == {"left": 2, "right": 0}
        assert row.record["exercises"][0]["holds_completed"] == 2
        assert row.finished_at is None
        assert active_session(db, me) is not None
    with factory() as db, db.begin():
        row = get_session(db, me, session_id)
        assert row is not None
        record = SessionRecord.from_dict(row.record)
        record.status = "stopped"
        save_progress(db, row, 9, record)
    with factory() as db:
        row = db.get(ExerciseSession, session_id)
        assert row is not None
        assert row.status == "stopped" and row.finished_at is not None
        assert active_session(db, me) is None


def test_list_and_active_session_are_newest_first(
    factory: sessionmaker[Session], library: Library, patients: tuple[int, int]
) -> None:
    me, other = patients
    first = _new(factory, library, me)
    with factory() as db, db.begin():  # one session in progress per patient: the first ends before the next
        row = get_session(db, me, first)
        assert row is not None
        record = SessionRecord.from_dict(row.record)
        record.status = "completed"
        save_progress(db, row, len(row.script), record)
    second = _new(factory, library, me)
    _new(factory, library, other)
    with factory() as db:
        assert [row.id for row in list_sessions(db, me)] == [second, first]
        active = active_session(db, me)
        assert active is not None and active.id == second
        assert active_session(db, other) is not None
        assert len(list_sessions(db, me, limit=1)) == 1
