"""One patient's whole record read for export and written back on import (the file's shape: domain/record_file.py).

`read_record` issues one statement per table, whatever the history's size. `write_record` inserts a checked file's
rows into an empty profile, refs turned into the new database's ids (new session ids, sorted so the rows keep their
order), inside the caller's one transaction.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, exists, func, insert, select, update
from sqlalchemy.orm import Session

from sciatica_coach.domain.record_file import (
    FORMAT,
    SPECS,
    TABLES,
    VERSION,
    map_checkin_answers,
    map_cursor,
    map_ids,
    ref_of,
)
from sciatica_coach.storage.models import (
    Alert,
    AuditEntry,
    Base,
    CheckIn,
    ExerciseSession,
    Message,
    Patient,
    PlanChange,
    PlanState,
    PrescriptionVersion,
    ReminderSetting,
    SafetyLock,
    Screening,
    as_utc,
    table_of,
    utcnow,
)

# Each list of the file: its table, the column it is ordered by, and the file fields that hold a table's id.
_TABLES: dict[str, tuple[type[Base], str]] = {
    "sessions": (ExerciseSession, "started_at"),
    "screenings": (Screening, "created_at"),
    "locks": (SafetyLock, "locked_at"),
    "checkins": (CheckIn, "created_at"),
    "plan_state": (PlanState, "updated_at"),
    "reminders": (ReminderSetting, "updated_at"),
    "plan_changes": (PlanChange, "created_at"),
    "prescription_versions": (PrescriptionVersion, "created_at"),
    "audit": (AuditEntry, "created_at"),
    "messages": (Message, "created_at"),
    "alerts": (Alert, "raised_at"),
}
_POINTERS = {("locks", "screening"): "screening_id", ("checkins", "session"): "session_id"}
_SELF_REFERRING = {"checkins": "answers", "plan_changes": "after"}  # the JSON column that may name the same table


def _table(name: str) -> Table:
    return table_of(_TABLES[name][0])


def _to_file(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return as_utc(value).isoformat()
    if kind == "date":
        return value.isoformat()
    return value


def _from_file(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value).astimezone(UTC)
    if kind == "date":
        return date.fromisoformat(value)
    return value


def _rows(db: Session, name: str, patient_id: int) -> list[Any]:
    table = _table(name)
    order = table.c[_TABLES[name][1]]
    key = table.c.patient_id
    return list(db.connection().execute(select(table).where(key == patient_id).order_by(order, *table.primary_key)))


def read_record(db: Session, patient_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The patient's whole record in the file's shape (one statement per table)."""
    patient = db.get_one(Patient, patient_id)
    found = {name: _rows(db, name, patient_id) for name in _TABLES}
    refs: dict[str, dict[Any, str]] = {
        name: {row.id: ref_of(name, number) for number, row in enumerate(found[name], 1)}
        for name in _TABLES
        if SPECS[name].ref_prefix
    }

    def mapper(table: str, value: Any) -> Any:
        return refs[table].get(value)

    record: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": as_utc(now or utcnow()).isoformat(),
        "patient": {"display_name": patient.display_name, "created_at": as_utc(patient.created_at).isoformat()},
    }
    for spec in TABLES:
        rows = []
        for row in found[spec.name]:
            out: dict[str, Any] = {}
            for field, kind in spec.fields.items():
                if field == "ref":
                    out[field] = refs[spec.name][row.id]
                elif kind.startswith("ref:"):
                    out[field] = mapper(kind[4:], getattr(row, _POINTERS[spec.name, field]))
                else:
                    out[field] = _to_file(getattr(row, field), kind)
            rows.append(_map_json(spec.name, out, mapper))
        record[spec.name] = (rows[0] if rows else None) if spec.name == "plan_state" else rows
    return record


def _map_json(name: str, row: dict[str, Any], mapper: Any) -> dict[str, Any]:
    """A row's JSON values with the ids they hold mapped (to refs on export, back to ids on import)."""
    if name == "plan_state":
        return {**row, "plan": map_cursor(row["plan"], mapper)}
    if name == "checkins":
        return {**row, "answers": map_checkin_answers(row["answers"], mapper)}
    if name == "plan_changes":
        return {**row, "after": map_ids(row["after"], mapper)}
    if name == "audit":
        return {**row, "detail": map_ids(row["detail"], mapper)}
    return row


def session_counts(db: Session, patient_id: int) -> tuple[int, int, int]:
    """Sessions completed, sessions stopped early, and check-ins of all time (one statement)."""
    sessions, checks = _table("sessions"), _table("checkins")
    completed = select(func.count()).where(sessions.c.patient_id == patient_id, sessions.c.status == "completed")
    stopped = select(func.count()).where(sessions.c.patient_id == patient_id, sessions.c.status == "stopped")
    checkins = select(func.count()).where(checks.c.patient_id == patient_id)
    row = db.execute(select(completed.scalar_subquery(), stopped.scalar_subquery(), checkins.scalar_subquery())).one()
    return int(row[0]), int(row[1]), int(row[2])


def has_record(db: Session, patient_id: int) -> bool:
    """Whether anything at all is saved for the patient (an import needs an empty profile)."""
    checks = [exists().where(_table(name).c.patient_id == patient_id) for name in _TABLES]
    return any(db.execute(select(*checks)).one())


def write_record(db: Session, patient_id: int, record: dict[str, Any]) -> None:
    """Insert a checked record (`domain.record_file.check_record`) into the patient's empty profile."""
    conn = db.connection()
    patient = record["patient"]
    conn.execute(
        update(table_of(Patient))
        .where(table_of(Patient).c.id == patient_id)
        .values(display_name=patient["display_name"], created_at=_from_file(patient["created_at"], "datetime"))
    )
    ids: dict[str, dict[str, Any]] = {name: {} for name in _TABLES}

    def mapper(table: str, value: Any) -> Any:
        return ids[table].get(value)

    # A check-in's kept rules' state names earlier check-ins, a decision names another change: rows of the same
    # table, so those values are mapped once every row has its new id.
    later: list[tuple[str, Any, dict[str, Any]]] = []
    for spec in TABLES:
        rows = record[spec.name]
        if spec.name == "plan_state":
            rows = [] if rows is None else [rows]
        if not rows:
            continue
        values = []
        for row in rows:
            if spec.name not in _SELF_REFERRING:
                row = _map_json(spec.name, row, mapper)
            value: dict[str, Any] = {"patient_id": patient_id}
            for field, kind in spec.fields.items():
                if field == "ref":
                    continue
                if kind.startswith("ref:"):
                    value[_POINTERS[spec.name, field]] = mapper(kind[4:], row[field])
                else:
                    value[field] = _from_file(row[field], kind)
            values.append(value)
        table = _table(spec.name)
        if spec.name == "sessions":
            new_ids = sorted(str(uuid.uuid4()) for _ in values)  # sorted: ties on started_at keep their order
            for value, new_id in zip(values, new_ids, strict=True):
                value["id"] = new_id
            conn.execute(insert(table), values)
        elif spec.ref_prefix:
            result = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), values)
            new_ids = list(result.scalars())
        else:
            conn.execute(insert(table), values)
            continue
        ids[spec.name] = {row["ref"]: new_id for row, new_id in zip(rows, new_ids, strict=True)}
        if spec.name in _SELF_REFERRING:
            later += [(spec.name, ids[spec.name][row["ref"]], row) for row in rows]
    for name, row_id, row in later:
        column = _SELF_REFERRING[name]
        mapped = _map_json(name, row, mapper)[column]
        if mapped != row[column]:
            table = _table(name)
            conn.execute(update(table).where(table.c.id == row_id), {column: mapped})
