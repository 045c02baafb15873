"""A local app that only its own pages can drive: one pure ASGI middleware in front of every request.

- Host allow-list: a request whose Host header is not one of `Settings.host_allow_list()` gets a 400, so a page
  on a rebound DNS name cannot read this server's answers as its own.
- Same origin: POST, PUT, PATCH and DELETE are refused (403) when `Sec-Fetch-Site` says another site sent them or
  `Origin` is not this server's own origin. Requests without either header (curl, the CLI, tests) pass.
- WebSocket handshakes get the same two checks and are closed with 1008 (policy violation) before accept.
- Request bodies larger than `Settings.max_body_bytes` get a 413: on Content-Length before the app runs, and while
  the body streams in for chunked uploads, before the app has read it all.
- Security headers on every answer, static files and errors included (`security_headers`).

It is plain ASGI (not BaseHTTPMiddleware), so streaming and WebSockets pass through untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from sciatica_coach.settings import Settings, normalize_host
from sciatica_coach.web.errors import error_response

log = logging.getLogger(__name__)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAFE_FETCH_SITES = frozenset({"same-origin", "none"})
DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}
WS_POLICY_VIOLATION = 1008

CROSS_SITE_MESSAGE = (
    "This request came from another website, so it was refused: only Sciatica Coach's own pages can change your "
    "data. If you pressed a button here, reload the page and try again."
)
BAD_HOST_MESSAGE = (
    "This server only answers to the addresses it is set up for (SCIATICA_ALLOWED_HOSTS); open it as "
    "http://127.0.0.1:{port}/ or add this name to the allowed hosts."
)
INTERNAL_MESSAGE = "Something went wrong on our side; nothing you saved before is lost. Please try again."
WS_REFUSED_REASON = "Connections from other sites or addresses are refused."
TOO_LARGE_MESSAGE = "That request is too large ({size}); this app accepts at most {limit} bytes in one request."


def content_security_policy(host: str) -> str:
    """The page policy: our own scripts, styles, images and sockets only; WebAssembly for the in-browser pose model."""
    sockets = f" ws://{host} wss://{host}" if host else ""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "worker-src 'self' blob:",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob: mediastream:",
            "font-src 'self'",
            f"connect-src 'self'{sockets}",
            "manifest-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(host: str) -> list[tuple[bytes, bytes]]:
    """Headers sent with every response; `host` is the (already allowed) Host header, for the socket URL."""
    return [
        (b"content-security-policy", content_security_policy(host).encode("latin-1")),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(self), microphone=(), geolocation=(), payment=(), usb=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cross-origin-resource-policy", b"same-origin"),
    ]


def split_host(value: str) -> tuple[str, str | None] | None:
    """(host name, port or None) of a Host header or URL netloc; None when it is not a plain host[:port]."""
    value = value.strip().lower()
    if not value or any(c in value for c in " /\\@;,'\"?#"):
        return None
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[: end + 1], value[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port = rest[1:] or None
    else:
        name, _, port_text = value.partition(":")
        port = port_text or None
        if ":" in port_text:
            return None
    if port is not None and not (port.isdigit() and len(port) <= 5):
        return None
    return normalize_host(name), port


def host_allowed(host_header: str | None, allowed: Iterable[str]) -> bool:
    """Whether a Host header names one of the allowed hosts (any port)."""
    if not host_header:
        return False
    parts = split_host(host_header)
    return parts is not None and parts[0] in allowed


def origin_is_ours(origin: str, host_header: str | None, allowed: Iterable[str]) -> bool:
    """Whether `Origin` is this server's own origin: http(s), an allowed host, and the same host and port asked for."""
    if not host_header:
        return False
    try:
        url = urlsplit(origin.strip())
    except ValueError:
        return False
    if url.scheme not in ("http", "https") or url.path not in ("", "/") or url.query or url.fragment:
        return False
    theirs = split_host(url.netloc)
    ours = split_host(host_header)
    if theirs is None or ours is None or theirs[0] not in allowed:
        return False
    default = DEFAULT_PORTS[url.scheme]
    return theirs[0] == ours[0] and (theirs[1] or default) == (ours[1] or default)


def cross_site_reason(headers: Mapping[str, str], allowed: Iterable[str]) -> str | None:
    """Why a state-changing request is refused as cross-site, or None when it may go ahead."""
    site = headers.get("sec-fetch-site")
    if site is not None and site.strip().lower() not in SAFE_FETCH_SITES:
        return f"Sec-Fetch-Site is {site[:40]!r}"
    origin = headers.get("origin")
    if origin is not None and not origin_is_ours(origin, headers.get("host"), allowed):
        return "Origin is another site"
    return None


def websocket_refusal(websocket: WebSocket, allowed: Iterable[str]) -> str | None:
    """Why a WebSocket handshake must be refused (foreign Host or another site's page), or None."""
    if not host_allowed(websocket.headers.get("host"), allowed):
        return "unknown host"
    return cross_site_reason(websocket.headers, allowed)


class BodyTooLarge(HTTPException):
    """Raised from `receive` while a chunked body streams past the limit; answered as a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, TOO_LARGE_MESSAGE.format(size="more than the limit", limit=limit))


class SecurityMiddleware:
    """Host allow-list, same-origin check, body size limit and security headers (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: Iterable[str], max_body_bytes: int, port: int) -> None:
        self.app = app
        self.allowed = frozenset(allowed_hosts)
        self.max_body_bytes = max_body_bytes
        self.port = port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        reason = websocket_refusal(WebSocket(scope, receive, send), self.allowed)
        if reason is not None:
            log.warning("refused a WebSocket to %s: %s", scope.get("path", ""), reason)
            await send({"type": "websocket.close", "code": WS_POLICY_VIOLATION, "reason": WS_REFUSED_REASON})
            return
        await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        host = headers.get("host")
        allowed_host = host_allowed(host, self.allowed)
        extra = security_headers(host.strip().lower() if host and allowed_host else "")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": [*message.get("headers", []), *((n, v) for n, v in extra if n not in present)],
                }
            await send(message)

        if not allowed_host:
            log.warning("refused a request for an unknown host on %s", scope.get("path", ""))
            await self._refuse(
                scope, send_with_headers, 400, "Unknown address", BAD_HOST_MESSAGE.format(port=self.port)
            )
            return
        if scope["method"] in UNSAFE_METHODS:
            reason = cross_site_reason(headers, self.allowed)
            if reason is not None:
                log.warning("refused a cross-site %s to %s: %s", scope["method"], scope.get("path", ""), reason)
                await self._refuse(scope, send_with_headers, 403, "Refused: another website", CROSS_SITE_MESSAGE)
                return
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                await self._refuse(scope, send_with_headers, 400, "Bad request", "Content-Length is not a number.")
                return
            if int(length) > self.max_body_bytes:
                message = TOO_LARGE_MESSAGE.format(size=f"{int(length)} bytes", limit=self.max_body_bytes)
                await self._refuse(scope, send_with_headers, 413, "Too large", message)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge as exc:  # read outside the app's error handlers
            if started:
                raise
            await self._refuse(scope, send_with_headers, 413, "Too large", str(exc.detail))
        except Exception:
            if not started:  # the server's own 500 page would go out without our headers: send it here
                await self._refuse(scope, send_with_headers, 500, "Something went wrong", INTERNAL_MESSAGE)
            raise

    async def _refuse(self, scope: Scope, send: Send, status: int, title: str, message: str) -> None:
        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        response: Response = error_response(Request(scope), status, title, message)
        await response(scope, no_body, send)


def install(app: FastAPI, settings: Settings) -> None:
    """Put the middleware in front of the app (outside every route and error handler of the app itself)."""
    app.add_middleware(
        SecurityMiddleware,
        allowed_hosts=settings.host_allow_list(),
        max_body_bytes=settings.max_body_bytes,
        port=settings.port,
    )
