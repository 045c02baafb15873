"""`sciatica-coach reminders` on both databases: saves through the same use case as the page, names a bad option
without a traceback, and makes a calendar link the web app serves."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import Result
from fastapi.testclient import TestClient

Invoke = Callable[..., Result]


def test_reminders_are_set_shown_and_linked_from_the_terminal(invoke: Invoke, client: TestClient) -> None:
    empty = invoke("reminders")
    assert empty.exit_code == 0 and "No reminders chosen yet" in empty.output
    saved = invoke(
        "reminders", "--session", "19:00", "--session", "08:15", "--checkin", "07:45", "--timezone", "Europe/Berlin"
    )
    assert saved.exit_code == 0, saved.output
    assert "Sessions: 08:15, 19:00" in saved.output and "Time zone: Europe/Berlin" in saved.output
    assert client.get("/api/reminders").json()["session_times"] == ["08:15", "19:00"]  # the page reads the same
    linked = invoke("reminders", "--new-link", "--base-url", "http://testserver")
    url = linked.output.split("Calendar link (shown once): ")[1].split()[0]
    assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_a_bad_option_is_named_without_a_traceback(invoke: Invoke, client: TestClient) -> None:
    result = invoke("reminders", "--session", "25:00")
    assert result.exit_code == 2
    assert "session_times" in result.output and "Traceback" not in result.output
    assert client.get("/api/reminders").json()["chosen"] is False
    assert invoke("reminders", "--new-link").exit_code == 2
