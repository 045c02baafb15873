"""What a use case answers when it cannot do what was asked."""

from __future__ import annotations

from sciatica_coach.storage.safety import Gate

NOT_THEIR_PATIENT = "There is no patient with that id among your patients."


class NotFound(LookupError):
    """The thing asked for does not exist, or belongs to someone else (the two are never told apart)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Gated(PermissionError):
    """Exercise is blocked right now (a red flag, or the safety questions are due)."""

    def __init__(self, gate: Gate) -> None:
        super().__init__(gate.reason)
        self.gate = gate


class MovedOn(RuntimeError):
    """The session changed elsewhere (another tab, device or the terminal) since this copy last saw it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AlreadyDone(RuntimeError):
    """What was asked was done already (an alert acknowledged by someone else meanwhile): nothing changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(ValueError):
    """The input does not fit: `problems` maps each field to a plain message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.problems.items()))
