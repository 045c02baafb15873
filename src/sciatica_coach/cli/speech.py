"""Spoken cues through espeak-ng, without ever blocking the session."""

from __future__ import annotations

import shutil
import subprocess


class Speaker:
    """Says one cue at a time; a cue arriving while another is spoken waits, and only the newest waits."""

    def __init__(self, enabled: bool = True, program: str = "espeak-ng", words_per_minute: int = 160) -> None:
        self.program = shutil.which(program) if enabled else None
        self.words_per_minute = words_per_minute
        self._speaking: subprocess.Popen[bytes] | None = None
        self._waiting: str | None = None

    @property
    def available(self) -> bool:
        """Whether cues will be spoken."""
        return self.program is not None

    def say(self, text: str) -> None:
        """Speak `text` now, or as soon as the current cue ends."""
        if self.program is None or not text:
            return
        self._waiting = text
        self.pump()

    def pump(self) -> None:
        """Start the waiting cue once the previous one has finished (call this often)."""
        if self.program is None or self._waiting is None:
            return
        if self._speaking is not None and self._speaking.poll() is None:
            return
        text, self._waiting = self._waiting, None
        try:
            self._speaking = subprocess.Popen(
                [self.program, "-s", str(self.words_per_minute), "--", text],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self.program = None  # the voice is gone; carry on silently

    def close(self, wait: float = 3.0) -> None:
        """Let the last cue finish (up to `wait` seconds), then stop."""
        self._waiting = None
        if self._speaking is None:
            return
        try:
            self._speaking.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self._speaking.terminate()
            self._speaking.wait()
        self._speaking = None
