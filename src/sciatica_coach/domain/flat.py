"""The JSON-ready form of a flat record: a dataclass whose fields hold plain values (text, numbers, None, tuples of
those). `dataclasses.asdict` copies deeply, value by value, and costs some twenty times as much: plan states are
written on every check-in."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

_NAMES: dict[type, tuple[str, ...]] = {}  # each record type's field names, found once


def flat_dict(record: Any) -> dict[str, Any]:
    """The record's fields by name, values as they are (tuples stay tuples, as `asdict` leaves them)."""
    kind = type(record)
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(field.name for field in fields(record))
    return {name: getattr(record, name) for name in names}
