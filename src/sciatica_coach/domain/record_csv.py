"""A patient's record (the JSON file's shape) as a zip file of CSV tables, pure: `patient.csv` and one file per
list of the JSON file, in its field order; JSON values (records, answers, plans) as JSON text in their cell."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from sciatica_coach.domain.record_file import PATIENT, TABLES, TableSpec


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if kind == "bool":
        return "true" if value else "false"
    return str(value)


def table_csv(spec: TableSpec, rows: list[dict[str, Any]]) -> str:
    """One table as CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(spec.fields))
    for row in rows:
        writer.writerow([_cell(row.get(field), kind) for field, kind in spec.fields.items()])
    return out.getvalue()


def record_csv_zip(record: dict[str, Any]) -> bytes:
    """The zip file's bytes: `patient.csv`, `sessions.csv`, `checkins.csv`, ... (fixed times, so the same record
    gives the same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        tables = [(PATIENT, [record["patient"]])]
        for spec in TABLES:
            value = record[spec.name]
            tables.append((spec, [value] if isinstance(value, dict) else list(value or [])))
        for spec, rows in tables:
            info = zipfile.ZipInfo(f"{spec.name}.csv", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, table_csv(spec, rows))
    return buffer.getvalue()
