"""One ASGI middleware for the server's safety rules: body size, Host check, security headers.

Why pure ASGI and not `BaseHTTPMiddleware`: the body limit must count bytes as they arrive (a client
may send no Content-Length, or lie about it), which needs the `receive` channel itself.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 1_000_000  # 1 MB: a long article is ~50 KB of text
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")

# No inline script or style, nothing from another origin: even a rendering bug cannot run article text.
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                                 b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def _error_body(status: int, message: str) -> bytes:
    return json.dumps({"ok": False, "error": message, "status": status}).encode()


class Guard:
    """Refuse oversized bodies (413) and foreign Host headers (400); add security headers to every response."""

    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY, allowed_hosts: list[str] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed = None if not allowed_hosts or "*" in allowed_hosts else {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in SECURITY_HEADERS if k not in existing)]
            await send(message)

        if self.allowed is not None and _host_name(headers.get("host", "")) not in self.allowed:
            await _respond(send_with_headers, 400, "Invalid Host header: this server answers only to "
                                                   f"{', '.join(sorted(self.allowed))}.")
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _respond(send_with_headers, 413, f"Request body over the limit of {self.max_body} bytes.")
            return
        received = 0
        limit = self.max_body

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised inside the route's body read, so the app's handler renders the one error shape.
                    raise HTTPException(413, f"Request body over the limit of {limit} bytes.")
            return message

        await self.app(scope, limited_receive, send_with_headers)


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8000
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _respond(send: Any, status: int, message: str) -> None:
    body = _error_body(status, message)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
