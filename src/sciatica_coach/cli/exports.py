"""`sciatica-coach export` (JSON, FHIR R4B or CSV) and `sciatica-coach import` (JSON) of one patient's record."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from sciatica_coach.cli.common import console, fail, load_content, load_settings, open_store
from sciatica_coach.domain.record_file import RecordError
from sciatica_coach.usecases.errors import Invalid, NotFound
from sciatica_coach.usecases.exports import export_csv, export_fhir, export_record, import_record
from sciatica_coach.usecases.patients import local_patient_id


class Format(StrEnum):
    """What `export` writes."""

    json = "json"
    fhir = "fhir"
    csv = "csv"


def export(
    output: Path = typer.Option(..., "-o", "--output", help="The file to write (replaced if it exists)."),
    format: Format = typer.Option(
        Format.json,
        "--format",
        help="json: the whole record, lossless (read back by `import`); fhir: a FHIR R4B Bundle (JSON); "
        "csv: a zip file holding one CSV file per table.",
    ),
    patient: int | None = typer.Option(
        None, "--patient", help="The patient's id (default: the local profile; required in clinic mode)."
    ),
) -> None:
    """Export one patient's whole record to a file."""
    settings = load_settings()
    catalog = load_content()
    if patient is None and settings.clinic:
        fail("in clinic mode, say whose record to export with --patient ID")
    with open_store(settings) as store:
        patient_id = patient if patient is not None else local_patient_id(store)
        try:
            if format is Format.json:
                data: bytes = _dump(export_record(store, patient_id))
            elif format is Format.fhir:
                data = _dump(export_fhir(store, catalog, patient_id))
            else:
                data = export_csv(store, patient_id)
        except NotFound as exc:
            fail(exc.message)
    try:
        output.write_bytes(data)
    except OSError as exc:
        fail(f"could not write {output}: {exc.strerror}")
    console.print(f"Wrote patient {patient_id}'s record ({format.value}) to {output}.")


def import_(
    file: Path = typer.Argument(..., help="A JSON file written by `export --format json`."),
    patient: int | None = typer.Option(
        None,
        "--patient",
        help="The empty profile to import into (default: the local profile; in clinic mode required: the profile "
        "of a patient who has signed up with their invite and recorded nothing yet).",
    ),
) -> None:
    """Import a JSON record into an empty profile: all of it, in one transaction, or nothing."""
    settings = load_settings()
    catalog = load_content()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"could not read {file}: {exc.strerror}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"{file} is not a JSON file: {exc}")
    with open_store(settings) as store:
        if patient is None and settings.clinic:
            fail(
                "in clinic mode, say whose empty profile to import into with --patient ID (the patient signs up first)"
            )
        target = patient if patient is not None else local_patient_id(store)
        try:
            patient_id = import_record(store, catalog.library, data, target)
        except RecordError as exc:
            shown = exc.problems[:20]
            more = f" (and {len(exc.problems) - 20} more)" if len(exc.problems) > 20 else ""
            fail(f"{file} cannot be imported, nothing was changed: {'; '.join(shown)}{more}")
        except NotFound as exc:
            fail(exc.message)
        except Invalid as exc:
            fail(str(exc))
    console.print(f"Imported {file} into patient {patient_id}.")


def _dump(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
