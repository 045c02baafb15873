"""Single key presses from the terminal, without waiting for Enter (POSIX terminals only)."""

from __future__ import annotations

import os
import select
import sys
import termios
import time
import tty
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import Any, Protocol, TextIO


class KeySource(Protocol):
    """Where key presses come from: entered for the session, switched to line input for questions."""

    def __enter__(self) -> Any:
        """Start reading keys."""

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop reading keys and restore the terminal."""

    def read(self, timeout: float) -> str | None:
        """The next key within `timeout` seconds, or None."""

    def line_mode(self) -> AbstractContextManager[None]:
        """Normal line input for the duration."""


class KeyReader:
    """While entered, the terminal hands over each key as it is pressed; leaving restores it exactly."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._fd = (stream or sys.stdin).fileno()
        self._saved: list[Any] | None = None

    def __enter__(self) -> KeyReader:
        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd, termios.TCSANOW)  # keep keys typed ahead
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._restore()

    def _restore(self) -> None:
        if self._saved is not None:
            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)

    @contextmanager
    def line_mode(self) -> Iterator[None]:
        """Normal line input (echo, Enter) for the duration, e.g. for a question."""
        self._restore()
        try:
            yield
        finally:
            if self._saved is not None:
                tty.setcbreak(self._fd, termios.TCSANOW)  # keep keys typed ahead

    def read(self, timeout: float) -> str | None:
        """The next key pressed within `timeout` seconds (lower-cased), or None. Escape sequences are ignored."""
        ready, _, _ = select.select([self._fd], [], [], max(0.0, timeout))
        if not ready:
            return None
        data = os.read(self._fd, 32)
        if not data or data.startswith(b"\x1b"):
            return None
        return data[:1].decode("utf-8", "replace").lower()


class NoKeys:
    """Stand-in when there is no terminal to read keys from: it only waits."""

    def __enter__(self) -> NoKeys:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def read(self, timeout: float) -> str | None:
        """Sleep for `timeout` seconds; no key is ever pressed."""
        time.sleep(max(0.0, timeout))
        return None

    @contextmanager
    def line_mode(self) -> Iterator[None]:
        """Nothing to switch."""
        yield


def stdin_is_terminal() -> bool:
    """Whether standard input is an interactive terminal."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
