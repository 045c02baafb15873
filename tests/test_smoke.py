"""The app factory builds and serves on both databases."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sciatica_coach.settings import Settings
from sciatica_coach.web.app import create_app


def test_unknown_page_is_a_clear_404(client: TestClient) -> None:
    response = client.get("/no-such-page", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "Not Found" in response.text


def test_factory_uses_injected_settings(settings: Settings) -> None:
    app = create_app(settings)
    assert app.state.settings is settings
    assert str(app.state.engine.url).startswith(settings.database_url.split(":")[0])
