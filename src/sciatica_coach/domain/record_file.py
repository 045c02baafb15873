"""The exported record's shape, pure: one patient's whole record as a JSON file with stable references.

Database ids never appear in the file: each row that others point to has a `ref` (`session-1`, `checkin-3`, ...),
numbered in time order, and every pointer (a check-in's session, a lock's screening, the rules' cursor, a decision
on a plan change, the audit trail's ids) is written as that ref. Account ids (a clinician, a message's sender) are
the exporting database's own and are left out; the names are kept. `check_record` names every problem of a file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

FORMAT = "sciatica-coach-record"
VERSION = 1

# Kinds of value: text, int, bool, a moment (ISO 8601 with its offset), a date, any JSON, or a ref to a table.
Kind = str


@dataclass(frozen=True)
class TableSpec:
    """One list of the file: its fields with their kinds, which may be null, and the ref prefix (if others
    point to its rows)."""

    name: str
    fields: Mapping[str, Kind]
    nullable: frozenset[str] = frozenset()
    ref_prefix: str | None = None


def _spec(name: str, fields: dict[str, Kind], nullable: str = "", ref: str | None = None) -> TableSpec:
    return TableSpec(name, fields, frozenset(nullable.split()), ref)


PATIENT = _spec("patient", {"display_name": "str", "created_at": "datetime"})
TABLES: tuple[TableSpec, ...] = (
    _spec(
        "sessions",
        {
            "ref": "str",
            "started_at": "datetime",
            "updated_at": "datetime",
            "finished_at": "datetime",
            "status": "str",
            "source": "str",
            "prescription": "json",
            "script": "json",
            "position": "int",
            "record": "json",
        },
        "finished_at",
        "session",
    ),
    _spec(
        "screenings",
        {
            "ref": "str",
            "created_at": "datetime",
            "form": "str",
            "answers": "json",
            "red_flag": "bool",
            "emergency": "bool",
            "cautions": "json",
        },
        "cautions",
        "screening",
    ),
    _spec(
        "locks",
        {
            "ref": "str",
            "screening": "ref:screenings",
            "locked_at": "datetime",
            "reason": "str",
            "level": "str",
            "cleared_at": "datetime",
            "cleared_by": "str",
            "clearance_note": "str",
            "assessed_by": "str",
            "assessed_on": "date",
        },
        "screening cleared_at cleared_by clearance_note assessed_by assessed_on",
        "lock",
    ),
    _spec(
        "checkins",
        {
            "ref": "str",
            "session": "ref:sessions",
            "kind": "str",
            "exercise_id": "str",
            "created_at": "datetime",
            "back_pain": "int",
            "leg_pain": "int",
            "left_reach": "str",
            "right_reach": "str",
            "numbness": "bool",
            "weakness": "bool",
            "score": "int",
            "answers": "json",
        },
        "session exercise_id back_pain leg_pain left_reach right_reach numbness weakness score",
        "checkin",
    ),
    _spec("plan_state", {"plan": "json", "updated_at": "datetime"}),
    # The reminder schedule; the calendar link's secret stays behind (a new link is made where the record goes).
    _spec("reminders", {"session_times": "json", "checkin_time": "str", "timezone": "str", "updated_at": "datetime"}),
    _spec(
        "plan_changes",
        {
            "ref": "str",
            "created_at": "datetime",
            "rule_id": "str",
            "exercise_id": "str",
            "reason": "str",
            "before": "json",
            "after": "json",
        },
        "exercise_id",
        "change",
    ),
    _spec(
        "prescription_versions",
        {
            "version": "int",
            "created_at": "datetime",
            "clinician_name": "str",
            "action": "str",
            "note": "str",
            "prescription": "json",
        },
    ),
    _spec("audit", {"created_at": "datetime", "actor": "str", "action": "str", "detail": "json"}),
    _spec(
        "messages",
        {"created_at": "datetime", "sender_role": "str", "sender_name": "str", "body": "str", "read_at": "datetime"},
        "read_at",
    ),
    _spec(
        "alerts",
        {
            "alert_id": "str",
            "version": "int",
            "tier": "str",
            "reason": "str",
            "raised_at": "datetime",
            "acknowledged_by_name": "str",
            "acknowledged_at": "datetime",
            "note": "str",
        },
        "acknowledged_by_name acknowledged_at note",
    ),
)
SPECS = {spec.name: spec for spec in TABLES}
PREFIXES = {spec.name: spec.ref_prefix for spec in TABLES if spec.ref_prefix}

# Ids inside JSON values: the audit trail's keys (table each names; account ids are dropped), plan decisions.
AUDIT_ID_KEYS = {"screening_id": "screenings", "lock_id": "locks", "locks": "locks", "decides": "plan_changes"}
ACCOUNT_ID_KEYS = frozenset({"clinician_id"})
CURSOR_KINDS = {"checkin": "checkins", "stop": "sessions"}  # the rules' cursor keys: "checkin:<id>", "stop:<id>"


class RecordError(ValueError):
    """A record file that cannot be imported: `problems` lists each one, naming where it is."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def ref_of(table: str, number: int) -> str:
    """The stable reference of a table's `number`th row (from 1)."""
    return f"{PREFIXES[table]}-{number}"


Mapper = Callable[[str, Any], Any]  # (table, id or ref) -> ref or id (None when it points at nothing kept)


def map_cursor(state: Any, mapper: Mapper) -> Any:
    """A saved rules' state (`{"state", "cursor"}`) with its cursor keys' ids mapped."""
    if not isinstance(state, dict) or not isinstance(state.get("cursor"), dict):
        return state
    cursor = dict(state["cursor"])
    keys = []
    for key in cursor.get("keys") or []:
        kind, _, value = str(key).partition(":")
        table = CURSOR_KINDS.get(kind)
        if table is None:
            keys.append(key)
            continue
        found = mapper(table, int(value) if table == "checkins" and value.isdigit() else value)
        keys.append(f"{kind}:{found if found is not None else '?'}")
    cursor["keys"] = keys
    return {**state, "cursor": cursor}


def map_ids(detail: Any, mapper: Mapper) -> Any:
    """An audit detail or a change's `after` with the ids it names mapped (account ids left out)."""
    if not isinstance(detail, dict):
        return detail
    out: dict[str, Any] = {}
    for key, value in detail.items():
        if key in ACCOUNT_ID_KEYS:
            out[key] = None
        elif key in AUDIT_ID_KEYS and isinstance(value, list):
            out[key] = [mapper(AUDIT_ID_KEYS[key], item) for item in value]
        elif key in AUDIT_ID_KEYS and value is not None and not isinstance(value, (bool, dict)):
            out[key] = mapper(AUDIT_ID_KEYS[key], value)
        else:
            out[key] = value
    return out


def map_checkin_answers(answers: Any, mapper: Mapper) -> Any:
    """A check-in's answers with the rules' state kept before a morning (its cursor) mapped."""
    if isinstance(answers, dict) and "state_before" in answers:
        return {**answers, "state_before": map_cursor(answers["state_before"], mapper)}
    return answers


def _kind_problem(kind: Kind, value: Any) -> str | None:
    if kind == "json":
        return None
    if kind in ("str",) or kind.startswith("ref:"):
        return None if isinstance(value, str) else "must be text"
    if kind == "int":
        return None if isinstance(value, int) and not isinstance(value, bool) else "must be a whole number"
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "date":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return "must be a date (YYYY-MM-DD)"
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return "must be a moment in ISO 8601"
    return None if moment.tzinfo is not None else "must give its UTC offset"


def _row_problems(spec: TableSpec, where: str, row: Any) -> list[str]:
    if not isinstance(row, dict):
        return [f"{where}: must be an object"]
    problems = [f"{where}.{key}: unknown field" for key in row if key not in spec.fields]
    for field, kind in spec.fields.items():
        if field not in row:
            problems.append(f"{where}.{field}: missing")
        elif row[field] is None:
            if field not in spec.nullable:
                problems.append(f"{where}.{field}: must not be null")
        else:
            problem = _kind_problem(kind, row[field])
            if problem:
                problems.append(f"{where}.{field}: {problem}")
    return problems


def check_record(data: Any) -> dict[str, Any]:
    """The file's content if it is a record this version can import; else `RecordError` naming each problem."""
    if not isinstance(data, dict):
        raise RecordError(["the file must hold a JSON object"])
    if data.get("format") != FORMAT:
        raise RecordError([f"format: this is not a {FORMAT} file"])
    if data.get("version") != VERSION:
        raise RecordError([f"version: {data.get('version')!r} is not supported (this app reads version {VERSION})"])
    expected = {"format", "version", "exported_at", "patient", *SPECS}
    problems = [f"{key}: unknown field" for key in data if key not in expected]
    problems += [f"{key}: missing" for key in sorted(expected - {"exported_at"}) if key not in data]
    if problems:
        raise RecordError(problems)
    problems += _row_problems(PATIENT, "patient", data["patient"])
    refs: dict[str, set[str]] = {}
    for spec in TABLES:
        value = data[spec.name]
        if spec.name == "plan_state":
            if value is not None:
                problems += _row_problems(spec, spec.name, value)
            continue
        if not isinstance(value, list):
            problems.append(f"{spec.name}: must be a list")
            continue
        for index, row in enumerate(value):
            problems += _row_problems(spec, f"{spec.name}[{index}]", row)
        if spec.ref_prefix:
            found = [row.get("ref") for row in value if isinstance(row, dict)]
            refs[spec.name] = {ref for ref in found if isinstance(ref, str)}
            if len(refs[spec.name]) != len(found):
                problems.append(f"{spec.name}: every ref must be text and used once")
    for spec in TABLES:
        for field, kind in spec.fields.items():
            if not kind.startswith("ref:") or not isinstance(data[spec.name], list):
                continue
            target = refs.get(kind[4:], set())
            for index, row in enumerate(data[spec.name]):
                value = row.get(field) if isinstance(row, dict) else None
                if isinstance(value, str) and value not in target:
                    problems.append(f"{spec.name}[{index}].{field}: {value!r} is not in {kind[4:]}")
    if problems:
        raise RecordError(problems)
    return data
