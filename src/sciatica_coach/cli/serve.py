"""`sciatica-coach serve`: run the web app."""

from __future__ import annotations

import typer
import uvicorn

from sciatica_coach.cli.common import console, fail, load_settings
from sciatica_coach.settings import Settings


def serve(
    host: str | None = typer.Option(None, help="Interface to listen on (default from settings: 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port to listen on (default from settings: 8000)."),
    clinic: bool = typer.Option(False, "--clinic", help="Clinic mode: accounts and sign-in (as SCIATICA_MODE=clinic)."),
) -> None:
    """Start the web app (migrate first with `sciatica-coach db upgrade`)."""
    from sciatica_coach.web.app import create_app  # the web stack loads only when serving
    from sciatica_coach.web.camera_messages import MAX_MESSAGE_CHARS

    settings = load_settings()
    if clinic and not settings.clinic:
        try:  # validated as from the environment: the secret key is checked
            settings = Settings(mode="clinic")
        except ValueError as exc:
            fail(f"invalid settings: {exc}")
    for notice in settings.clinic_notices():
        console.print(notice, markup=False)
    # The address given here is also one the app answers to (its Host allow-list includes `settings.host`).
    settings = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    app = create_app(settings)
    # Camera messages are small landmark JSON; refuse anything larger before it is buffered.
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        ws_max_size=MAX_MESSAGE_CHARS * 4,
    )
