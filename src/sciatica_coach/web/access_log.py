"""Secrets kept out of the server's access log: uvicorn logs every request's path, and two paths hold a secret
token (the calendar feed's address and a clinician's one-time sign-up link)."""

from __future__ import annotations

import logging
import re

SECRET_PATHS = (
    (re.compile(r"/calendar/[^/?\s]*\.ics"), "/calendar/(token hidden).ics"),
    (re.compile(r"/invite/[^/?\s]+"), "/invite/(token hidden)"),
)


def hide_secrets(text: str) -> str:
    """The text with every secret token in a path replaced."""
    for pattern, hidden in SECRET_PATHS:
        text = pattern.sub(hidden, text)
    return text


class HideSecretPaths(logging.Filter):
    """Rewrites the path arguments of an access-log record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(hide_secrets(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def install() -> None:
    """Install `HideSecretPaths` on uvicorn's access log, once however many apps are built."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, HideSecretPaths) for existing in access.filters):
        access.addFilter(HideSecretPaths())
