"""storage/checkins.py: the quick symptom checks of a session become check-in rows (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sciatica_coach.domain.content import Library
from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.domain.symptoms import SymptomCheck
from sciatica_coach.storage.checkins import record_exercise_check
from sciatica_coach.storage.models import CheckIn
from sciatica_coach.storage.sessions import create_session


def test_before_and_after_checks_are_saved_with_their_session_and_exercise(
    factory: sessionmaker[Session], library: Library, patients: tuple[int, int]
) -> None:
    me, _ = patients
    prescription = default_prescription(library)
    with factory() as db, db.begin():
        session_id = create_session(db, me, prescription, build_script(prescription, library)).id
        record_exercise_check(db, me, session_id, "nerve-glide", "before", SymptomCheck(4, 6, "below-knee", "none"))
        record_exercise_check(db, me, session_id, "nerve-glide", "after", SymptomCheck(3, 4, "thigh", "none"))
    with factory() as db:
        rows = db.scalars(select(CheckIn).order_by(CheckIn.id)).all()
        assert [(r.kind, r.exercise_id, r.session_id, r.patient_id) for r in rows] == [
            ("pre-exercise", "nerve-glide", session_id, me),
            ("post-exercise", "nerve-glide", session_id, me),
        ]
        assert [(r.back_pain, r.leg_pain, r.left_reach, r.right_reach) for r in rows] == [
            (4, 6, "below-knee", "none"),
            (3, 4, "thigh", "none"),
        ]
        assert all(r.created_at is not None for r in rows)
