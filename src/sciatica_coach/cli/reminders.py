"""`sciatica-coach reminders`: show or set the personal app's reminder times, and make a new calendar link."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from pydantic import ValidationError

from sciatica_coach.cli.common import console, fail, load_settings, open_store
from sciatica_coach.domain.reminders import (
    DEFAULT_CHECKIN_TIME,
    DEFAULT_SESSION_TIMES,
    DEFAULT_TIMEZONE,
    ReminderTimes,
    next_reminder,
)
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.usecases.patients import local_patient_id
from sciatica_coach.usecases.reminders import new_calendar_link, reminders_of, save_reminders

SESSION = typer.Option(None, "--session", help="A session time, HH:MM (give it 1 to 3 times).")
CHECKIN = typer.Option(None, "--checkin", help="The morning check-in time, HH:MM.")
ZONE = typer.Option(None, "--timezone", help="Your IANA time zone, for example Europe/London.")
NEW_LINK = typer.Option(False, "--new-link", help="Make a new calendar link (the old one stops working).")
BASE_URL = typer.Option("http://127.0.0.1:8000", "--base-url", help="The app's address, for the calendar link.")


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{err['loc'][0] if err['loc'] else 'request'}: {str(err['msg']).removeprefix('Value error, ')}"
        for err in exc.errors()
    )


def reminders(
    session: list[str] | None = SESSION,
    checkin: str | None = CHECKIN,
    timezone: str | None = ZONE,
    new_link: bool = NEW_LINK,
    base_url: str = BASE_URL,
) -> None:
    """Show your reminder times and the next reminder; with options, change them; `--new-link` for your calendar."""
    settings = load_settings()
    with open_store(settings) as store:
        patient_id = local_patient_id(store)
        with store.read() as db:
            times = reminders_of(db, patient_id)
        if session or checkin or timezone:
            try:
                wanted = ReminderTimes(
                    session_times=tuple(session or (times.session_times if times else DEFAULT_SESSION_TIMES)),
                    checkin_time=checkin or (times.checkin_time if times else DEFAULT_CHECKIN_TIME),
                    timezone=timezone or (times.timezone if times else DEFAULT_TIMEZONE),
                )
            except ValidationError as exc:
                fail(_problems(exc))
            times = save_reminders(store, patient_id, wanted)
            console.print("Saved.", markup=False)
        if times is None:
            console.print("No reminders chosen yet: try `--session 09:00 --checkin 08:00 --timezone Europe/London`.")
            if new_link:
                fail("please choose your reminder times first")
            return
        coming = next_reminder(times, datetime.now(UTC))
        console.print(f"Sessions: {', '.join(times.session_times)}", markup=False)
        console.print(f"Morning check-in: {times.checkin_time}", markup=False)
        console.print(f"Time zone: {times.timezone}", markup=False)
        console.print(f"Next reminder: {coming.summary} at {coming.at:%H:%M} on {coming.at:%a %-d %b}", markup=False)
        if new_link:
            try:
                token = new_calendar_link(store, patient_id)
            except Invalid as exc:
                fail("; ".join(exc.problems.values()))
            console.print(f"Calendar link (shown once): {base_url.rstrip('/')}/calendar/{token}.ics", markup=False)
