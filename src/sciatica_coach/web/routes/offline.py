"""Routes: installable and offline. The web app manifest, the service worker (served from the root so its scope is
the whole app; its cache is named after a hash of what it precaches, so a new version replaces the old cache) and
the offline page it shows when a page was never visited. None of them holds anything personal, so none needs a
sign-in."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from sciatica_coach.web.deps import LibraryDep, TemplatesDep

router = APIRouter()
STATIC = Path(__file__).parent.parent / "static"
WORKER = STATIC / "js" / "sw.js"
# The camera's pose model files are tens of megabytes: never precached (the camera needs the network anyway).
LEFT_OUT = ("vendor",)
PRECACHED_SUFFIXES = (".css", ".js", ".svg")
THEME_COLOUR = "#0b5cd5"
MANIFEST_TYPE = "application/manifest+json"


def static_assets() -> list[Path]:
    """The static files the service worker precaches: css, js and pictures, not the camera's vendor files."""
    return sorted(
        path
        for path in STATIC.rglob("*")
        if path.is_file()
        and path.suffix in PRECACHED_SUFFIXES
        and path.relative_to(STATIC).parts[0] not in LEFT_OUT
        and path != WORKER
    )


@router.get("/manifest.webmanifest", include_in_schema=False)  # not JSON the API documents
def manifest() -> JSONResponse:
    """The web app manifest: name, icon, start page, standalone display, theme colour."""
    body = {
        "name": "Sciatica Coach",
        "short_name": "Sciatica",
        "description": "Guided, gentle exercises for sciatica. It does not replace your clinician.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": THEME_COLOUR,
        "icons": [{"src": "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    return JSONResponse(body, media_type=MANIFEST_TYPE)


@router.get("/sw.js", include_in_schema=False)
def service_worker(library: LibraryDep) -> Response:
    """The service worker, with the pages and files it precaches and its versioned cache name written in."""
    assets = static_assets()
    pages = ["/offline", "/learn", "/exercises", *(f"/exercises/{e}" for e in sorted(library.exercises))]
    urls = [*pages, *(f"/static/{p.relative_to(STATIC).as_posix()}" for p in assets)]
    digest = hashlib.sha256(WORKER.read_bytes())
    for path in assets:
        digest.update(path.read_bytes())
    digest.update("\n".join(urls).encode())
    preamble = f"const CACHE = {json.dumps('sc-' + digest.hexdigest()[:16])};\nconst PRECACHE = {json.dumps(urls)};\n"
    headers = {"cache-control": "no-cache", "service-worker-allowed": "/"}
    return Response(preamble + WORKER.read_text(), media_type="text/javascript", headers=headers)


@router.get("/offline", response_class=HTMLResponse)
def offline(request: Request, templates: TemplatesDep) -> HTMLResponse:
    """The page the service worker shows for a page never visited while the network was there."""
    return templates.TemplateResponse(request, "offline.html", {"nav": "offline"})
