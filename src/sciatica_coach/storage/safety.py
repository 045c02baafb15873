"""Whether exercise is allowed right now. Red-flag screening (issue 3) fills this in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Gate:
    """Exercise is blocked: why, and where to go about it."""

    reason: str
    url: str
    urgent: bool = False


def exercise_gate(db: Session, patient_id: int) -> Gate | None:
    """None when the patient may exercise; otherwise the gate that blocks them."""
    del db, patient_id
    return None
