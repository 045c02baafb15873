"""Only the app's own pages can drive it: same-origin checks, the Host allow-list, security headers, body limits,
and a database layer that never leaks what was stored and says clearly when it is down. Both databases."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from starlette.types import Message
from starlette.websockets import WebSocketDisconnect

from helpers import assessment_form, screen_clean, screening_form
from sciatica_coach.domain.screening import all_no
from sciatica_coach.settings import LOOPBACK_HOSTS, Settings
from sciatica_coach.storage.db import make_engine
from sciatica_coach.storage.models import AuditEntry, CheckIn, ExerciseSession, SafetyLock, Screening
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.safety import exercise_gate, record_screening
from sciatica_coach.web.app import create_app

HTML = {"accept": "text/html"}
SAME_ORIGIN = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}
CROSS_SITE = [
    pytest.param({"origin": "https://evil.example"}, id="foreign-origin"),
    pytest.param({"sec-fetch-site": "cross-site"}, id="sec-fetch-cross-site"),
    pytest.param({"sec-fetch-site": "same-site", "origin": "http://testserver"}, id="sec-fetch-same-site"),
    pytest.param({"origin": "null"}, id="opaque-origin"),
    pytest.param({"origin": "http://testserver:8001"}, id="other-port"),
]
MORNING = {"back_pain": "3", "leg_pain": "5", "left_reach": "thigh", "right_reach": "none"}
MORNING_JSON = {**MORNING, "back_pain": 3, "leg_pain": 5, "numbness": False, "weakness": False}
NOTE = "clinician-note-7f3a: L5 radiculopathy, MRI booked"


def short_no() -> dict[str, str]:
    return {f"rf_{k}": "no" for k in all_no("short")}


def lock_with_a_red_flag(app: FastAPI) -> None:
    """A full screening with a 'yes': exercise is locked until a clinician assessment is recorded."""
    with app.state.session_factory() as db:
        patient = default_patient(db)
        record_screening(db, patient.id, "full", {**all_no("full"), "recent-trauma": True})
        db.commit()


def gate(app: FastAPI) -> object:
    with app.state.session_factory() as db:
        return exercise_gate(db, default_patient(db).id)


def counts(app: FastAPI) -> dict[str, int]:
    """Rows in every table a form could write to, plus whether locks are cleared."""
    with app.state.session_factory() as db:
        result = {
            model.__tablename__: db.scalar(select(func.count()).select_from(model)) or 0
            for model in (ExerciseSession, CheckIn, Screening, SafetyLock, AuditEntry)
        }
        result["cleared_locks"] = (
            db.scalar(select(func.count()).select_from(SafetyLock).where(SafetyLock.cleared_at.is_not(None))) or 0
        )
        return result


# Each endpoint: a setup that makes the request meaningful, the path, a valid body, and whether it is JSON.
ENDPOINTS: dict[str, tuple[Callable[[FastAPI], Any], str, dict[str, Any], bool]] = {
    "start-session": (screen_clean, "/sessions", {}, False),
    "morning-check-in": (lambda app: None, "/checkin", {**MORNING, "numbness": "no", "weakness": "no"}, False),
    "screening": (lambda app: None, "/screening", screening_form(), False),
    "clear-the-lock": (lock_with_a_red_flag, "/safety/assessment", assessment_form(NOTE), False),
    "api-morning": (lambda app: None, "/api/checkins/morning", {**MORNING_JSON, "red_flags": all_no("short")}, True),
}


def _send(client: TestClient, path: str, body: dict[str, Any], is_json: bool, kind: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    if path == "/checkin":
        body = {**body, **short_no()}
    if kind == "text/plain":  # what a cross-site <form enctype="text/plain"> or a no-cors fetch sends
        payload = json.dumps(body) if is_json else "&".join(f"{k}={v}" for k, v in body.items())
        return client.post(
            path, content=payload, headers={**headers, "content-type": "text/plain"}, follow_redirects=False
        )
    if is_json:
        return client.post(path, json=body, headers=headers, follow_redirects=False)
    return client.post(path, data=body, headers=headers, follow_redirects=False)


@pytest.mark.parametrize("kind", ["form", "text/plain"])
@pytest.mark.parametrize("headers", CROSS_SITE)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_cross_site_posts_are_refused_and_write_nothing(
    app: FastAPI, client: TestClient, endpoint: str, headers: dict[str, str], kind: str
) -> None:
    setup, path, body, is_json = ENDPOINTS[endpoint]
    setup(app)
    before = counts(app)
    response = _send(client, path, body, is_json, kind, {**HTML, **headers})
    assert response.status_code == 403, response.text
    assert "This request came from another website" in response.text
    assert counts(app) == before
    if endpoint == "clear-the-lock":
        assert gate(app) is not None


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_the_same_posts_from_our_own_pages_work(app: FastAPI, client: TestClient, endpoint: str) -> None:
    setup, path, body, is_json = ENDPOINTS[endpoint]
    setup(app)
    before = counts(app)
    response = _send(client, path, body, is_json, "form", SAME_ORIGIN)
    assert response.status_code in (200, 201, 303), response.text
    assert counts(app) != before


def test_requests_without_origin_or_fetch_metadata_pass(app: FastAPI, client: TestClient) -> None:
    """curl, the CLI and scripts send neither header; `Sec-Fetch-Site: none` is the person typing the address."""
    response = client.post("/api/checkins/morning", json={**MORNING_JSON, "red_flags": all_no("short")})
    assert response.status_code == 201
    typed = client.post(
        "/api/checkins/morning", json={**MORNING_JSON, "red_flags": all_no("short")}, headers={"sec-fetch-site": "none"}
    )
    assert typed.status_code == 201
    assert counts(app)["checkins"] == 1  # one morning check-in a day: the second corrected it


def test_refusals_are_json_for_the_api_and_a_page_for_browsers(client: TestClient) -> None:
    api = client.post("/api/checkins/morning", json={}, headers={"origin": "https://evil.example"})
    assert api.status_code == 403
    assert api.headers["content-type"].startswith("application/json")
    assert "another website" in api.json()["detail"]
    page = client.post("/checkin", data={}, headers={**HTML, "sec-fetch-site": "cross-site"})
    assert page.status_code == 403
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>" in page.text and "This request came from another website" in page.text


@pytest.mark.parametrize("path", ["/history", "/api/progress", "/", "/static/css/app.css"])
def test_a_foreign_host_is_refused(client: TestClient, path: str) -> None:
    """A DNS-rebinding page (evil.example resolving to 127.0.0.1) cannot read anything."""
    response = client.get(path, headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "only answers to the addresses it is set up for" in response.text
    page = client.get(path, headers={**HTML, "host": "evil.example:8000"})
    assert page.status_code == 400
    assert ("detail" in page.json()) if path.startswith("/api/") else ("<h1>" in page.text)


@pytest.mark.parametrize("host", ["testserver:notaport", "testserver:80:80", "", "evil.example@testserver"])
def test_malformed_hosts_are_refused(client: TestClient, host: str) -> None:
    assert client.get("/api/progress", headers={"host": host}).status_code == 400


def test_default_allow_list_is_loopback_and_the_configured_host(database_url: str) -> None:
    settings = Settings(database_url=database_url, host="coach.lan")
    assert settings.host_allow_list() == {"127.0.0.1", "localhost", "[::1]", "coach.lan"}
    assert "testserver" not in Settings(database_url=database_url).host_allow_list()
    assert Settings(database_url=database_url, host="0.0.0.0").host_allow_list() == set(LOOPBACK_HOSTS)
    app = create_app(Settings(database_url=database_url))
    try:
        with TestClient(app, base_url="http://127.0.0.1:8000") as local:
            assert local.get("/api/progress").status_code == 200
            assert local.get("/api/progress", headers={"host": "[::1]:8000"}).status_code == 200
            assert local.get("/api/progress", headers={"host": "testserver"}).status_code == 400
            ours = {"origin": "http://127.0.0.1:8000", "sec-fetch-site": "same-origin"}
            saved = local.post(
                "/api/checkins/morning", json={**MORNING_JSON, "red_flags": all_no("short")}, headers=ours
            )
            assert saved.status_code == 201
            other = local.post("/api/checkins/morning", json={}, headers={"origin": "http://localhost:8000"})
            assert other.status_code == 403
    finally:
        app.state.engine.dispose()


def test_allowed_hosts_from_the_environment(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("SCIATICA_ALLOWED_HOSTS", "coach.lan, [::1],LOCALHOST")
    assert Settings(database_url=database_url).allowed_hosts == ["coach.lan", "[::1]", "localhost"]
    monkeypatch.setenv("SCIATICA_ALLOWED_HOSTS", '["coach.lan", "::1"]')
    assert Settings(database_url=database_url).allowed_hosts == ["coach.lan", "[::1]"]
    monkeypatch.setenv("SCIATICA_ALLOWED_HOSTS", "coach.lan;evil")
    with pytest.raises(ValueError, match="not host names"):
        Settings(database_url=database_url)


def test_websockets_from_other_sites_or_hosts_are_refused(client: TestClient) -> None:
    for headers in (
        {"origin": "https://evil.example"},
        {"origin": "http://testserver", "host": "evil.example"},
        {"origin": "http://evil.example", "host": "evil.example"},
    ):
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/ws/camera/x", headers=headers):
            pass
        assert refused.value.code == 1008
    # Our own origin passes the check and reaches the socket, which then says the session does not exist.
    with client.websocket_connect("/ws/camera/x", headers={"origin": "http://testserver"}) as ws:
        with pytest.raises(WebSocketDisconnect) as missing:
            ws.receive_json()
        assert missing.value.code == 4404


def assert_security_headers(response: Any) -> None:
    headers = response.headers
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp and "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["permissions-policy"].startswith("camera=(self)")


def test_security_headers_on_every_kind_of_response(client: TestClient) -> None:
    responses = [
        client.get("/", headers=HTML),
        client.get("/static/css/app.css"),
        client.get("/static/no-such-file.js"),
        client.get("/no-such-page", headers=HTML),
        client.post("/api/checkins/morning", content=b"not json"),  # 422
        client.get("/history", headers={"host": "evil.example"}),  # 400
        client.post("/checkin", headers={"origin": "https://evil.example"}),  # 403
        client.post("/api/checkins/morning", content=b"x" * 1_000_001),  # 413
    ]
    assert [r.status_code for r in responses] == [200, 200, 404, 404, 422, 400, 403, 413]
    for response in responses:
        assert_security_headers(response)
    assert "connect-src 'self' ws://testserver wss://testserver" in responses[0].headers["content-security-policy"]


def test_an_oversized_body_is_refused_by_its_length(app: FastAPI, client: TestClient) -> None:
    too_big = json.dumps({**MORNING_JSON, "red_flags": all_no("short"), "padding": "x" * 1_000_000})
    response = client.post("/api/checkins/morning", content=too_big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "too large" in response.json()["detail"] and "1000000 bytes" in response.json()["detail"]
    page = client.post("/checkin", data={"padding": "x" * 1_000_000}, headers=HTML)
    assert page.status_code == 413 and "<h1>" in page.text
    assert counts(app)["checkins"] == 0


def _chunks(body: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_an_oversized_chunked_body_is_refused_while_it_streams(app: FastAPI, client: TestClient) -> None:
    """No Content-Length: the limit is counted as the body arrives, and the app stops reading at the limit."""
    too_big = json.dumps({**MORNING_JSON, "red_flags": all_no("short"), "padding": "x" * 1_200_000}).encode()
    response = client.post(
        "/api/checkins/morning", content=_chunks(too_big, 64 * 1024), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413 and "too large" in response.json()["detail"]

    small = json.dumps({**MORNING_JSON, "red_flags": all_no("short")}).encode()
    fine = client.post(
        "/api/checkins/morning", content=_chunks(small, 16), headers={"content-type": "application/json"}
    )
    assert fine.status_code == 201
    assert counts(app)["checkins"] == 1

    # At the ASGI level, with the body in many pieces: reading stops at the limit, not at the end of the stream.
    offered = list(_chunks(too_big, 64 * 1024))
    taken = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal taken
        taken += 1
        return {"type": "http.request", "body": offered[taken - 1], "more_body": taken < len(offered)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/checkins/morning",
        "raw_path": b"/api/checkins/morning",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"transfer-encoding", b"chunked"),
        ],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    # A loop of its own in another thread: the browser tests' Playwright keeps one running in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(app(scope, receive, send))).result()
    assert sent[0]["status"] == 413
    assert taken == 1_000_000 // (64 * 1024) + 1 < len(offered)
    assert counts(app)["checkins"] == 1


def test_statement_parameters_never_reach_the_log(
    app: FastAPI, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    lock_with_a_red_flag(app)
    app.state.engine.echo = True  # the most talkative setting: every statement is logged
    try:
        with caplog.at_level(logging.INFO, logger="sqlalchemy.engine"):
            response = client.post("/safety/assessment", data=assessment_form(NOTE), follow_redirects=False)
    finally:
        app.state.engine.echo = False
    assert response.status_code == 303
    assert "INSERT INTO audit_entries" in caplog.text or "UPDATE safety_locks" in caplog.text  # we did capture
    assert "SQL parameters hidden" in caplog.text
    assert "clinician-note-7f3a" not in caplog.text and "radiculopathy" not in caplog.text


def test_database_errors_quote_no_stored_values(database_url: str) -> None:
    """Not the parameters, and not PostgreSQL's DETAIL ("Key (note)=(...) already exists", "Failing row contains")."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE scratch (note VARCHAR(200) UNIQUE NOT NULL, other VARCHAR(200) NOT NULL)"))
            conn.execute(text("INSERT INTO scratch VALUES (:note, :other)"), {"note": NOTE, "other": "x"})
        for values in ({"note": NOTE, "other": "x"}, {"note": "second " + NOTE, "other": None}):
            with pytest.raises(IntegrityError) as failed, engine.begin() as conn:
                conn.execute(text("INSERT INTO scratch VALUES (:note, :other)"), values)
            message = str(failed.value) + repr(failed.value) + str(failed.value.orig) + repr(failed.value.orig.args)
            assert "clinician-note-7f3a" not in message and "radiculopathy" not in message
            assert "scratch" in message or "constraint" in message  # the error still says what went wrong
    finally:
        engine.dispose()


def test_database_timeouts_are_set(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "15s"
                params = conn.connection.dbapi_connection.info.get_parameters()  # type: ignore[union-attr]
                assert params["connect_timeout"] == "5"
            else:
                assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15_000
        assert engine.pool.timeout() == 10  # type: ignore[attr-defined]
    finally:
        engine.dispose()


@pytest.fixture
def unreachable_url(database_url: str, tmp_path: Path) -> str:
    """A database of the same kind that cannot be reached: nothing listens on port 1, or the file is a folder."""
    if database_url.startswith("sqlite"):
        folder = tmp_path / "not-a-database-file"
        folder.mkdir()
        return f"sqlite:///{folder}"
    return "postgresql+psycopg://postgres@127.0.0.1:1/nothing"


def test_database_down_gives_a_clear_503(unreachable_url: str, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(database_url=unreachable_url, speech=False, allowed_hosts=["testserver"])
    app = create_app(settings)
    try:
        with TestClient(app) as down, caplog.at_level(logging.WARNING, logger="sciatica_coach.web.errors"):
            page = down.get("/", headers=HTML)
            api = down.get("/api/progress")
            post = down.post("/safety/assessment", data={"confirm": "yes", "note": NOTE})
    finally:
        app.state.engine.dispose()
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "nothing you saved is lost, try again in a minute" in page.text
    assert api.status_code == 503 and "The database is not answering right now" in api.json()["detail"]
    assert post.status_code == 503
    assert page.headers["retry-after"] == "60"
    assert_security_headers(page)
    assert "database not answering on GET /" in caplog.text
    assert "clinician-note-7f3a" not in caplog.text
