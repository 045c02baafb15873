"""The manifest, the service worker and the offline page, in-process: content types, what is precached (never the
camera's vendor files, POSTs or the API), and a cache name that changes with what it precaches."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from sciatica_coach.web.routes import offline


def _worker(client: TestClient) -> tuple[str, list[str], str]:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    cache = re.search(r'^const CACHE = "(sc-[0-9a-f]{16})";$', response.text, re.MULTILINE)
    precache = re.search(r"^const PRECACHE = (\[.*\]);$", response.text, re.MULTILINE)
    assert cache and precache
    return cache.group(1), json.loads(precache.group(1)), response.text


def test_the_manifest_is_served_as_a_manifest(client: TestClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    body = response.json()
    assert body["display"] == "standalone" and body["start_url"] == "/"
    assert client.get(body["icons"][0]["src"]).status_code == 200


def test_the_worker_precaches_the_content_pages_and_static_files_but_not_vendor(client: TestClient) -> None:
    _, urls, _ = _worker(client)
    assert {"/learn", "/exercises", "/offline", "/exercises/nerve-glide", "/exercises/hip-hinge"} <= set(urls)
    assert {"/static/css/app.css", "/static/js/player.js", "/static/js/player/outbox.js"} <= set(urls)
    assert "/static/favicon.svg" in urls
    assert not [u for u in urls if "/vendor/" in u or u.startswith("/api/")]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_cache_name_follows_what_is_precached(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    first, assets, _ = _worker(client)
    assert _worker(client)[0] == first  # the same files, the same cache
    every = offline.static_assets()
    monkeypatch.setattr(offline, "static_assets", lambda: every[:-1])
    second, fewer, _ = _worker(client)
    assert second != first and len(fewer) == len(assets) - 1


def test_the_offline_page_says_so_plainly(client: TestClient) -> None:
    response = client.get("/offline")
    assert response.status_code == 200
    assert "You are offline" in response.text
    assert 'href="/learn"' in response.text
