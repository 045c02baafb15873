"""The JSON-ready form of a flat record: a dataclass whose fields hold plain values (text, numbers, None, tuples of
those). `dataclasses.asdict` copies deeply, value by value, and costs some twenty times as much: plan states are
written on every check-in."""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import Any


def flat_dict(record: Any) -> dict[str, Any]:
    """The record's fields by name, values as they are (tuples stay tuples, as `asdict` leaves them)."""
    return {name: getattr(record, name) for name in _names(type(record))}


@cache
def _names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in fields(kind))
