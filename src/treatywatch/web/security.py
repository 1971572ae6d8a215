"""What every response passes through: security headers, HEAD, and the Host allow-list.

The layers wrap the whole application, outside Starlette's error middleware, so a 500 gets the
same headers as a page::

    SecurityHeaders → HeadAsGet → HostAllowList (when configured) → FastAPI
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from treatywatch.render.pages import CSS
from treatywatch.web.errors import error_response

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# How `serve` tells its uvicorn worker processes which hosts to answer (comma-separated).
ALLOWED_HOSTS_ENV = "TREATYWATCH_ALLOWED_HOSTS"
# Addresses that listen on every interface: not a name anyone sends in a Host header.
ANY_ADDRESS = ("0.0.0.0", "::", "[::]", "")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def content_security_policy() -> str:
    """The pages' policy: scripts and styles from this server, the one inline stylesheet hashed.

    No ``'unsafe-eval'``: the charts run Vega's expression interpreter (vega-embed's
    ``ast: true``, see ``render/static/charts.js``) instead of compiling expressions with
    ``new Function``.
    """
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            f"style-src 'self' {_sha256(CSS)}",
            "img-src 'self' data:",
            "connect-src 'self'",  # Vega fetches the world map from /static/vendor/
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers() -> dict[str, str]:
    """The headers every response carries."""
    return {
        "Content-Security-Policy": content_security_policy(),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
    }


class SecurityHeaders:
    """Add :func:`security_headers` to every HTTP response (a route's own value wins)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = security_headers()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """Answer HEAD wherever GET is answered: the same status and headers, no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        extensions = {k: v for k, v in scope.get("extensions", {}).items() if "pathsend" not in k}

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        get = {**scope, "method": "GET", "extensions": extensions}
        await self.app(get, receive, send_headers_only)


_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?")


def host_name(header: str) -> str | None:
    """The host in a Host header, lower-case and without its port; None if malformed."""
    m = _HOST.fullmatch(header)
    return m.group(1).lower() if m else None


def normalize_host(name: str) -> str:
    """A host as the allow-list keeps it: lower-case, IPv6 in brackets."""
    name = name.strip().lower()
    if ":" in name and not name.startswith("["):
        return f"[{name}]"
    return name


def is_loopback(bind: str) -> bool:
    """Whether an address to listen on is reachable from this machine only."""
    if bind.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def allowed_hosts_for(bind: str, extra: Iterable[str] = ()) -> list[str]:
    """The hosts ``serve --host BIND`` answers to: loopback names, a specific bind address, extras."""
    hosts = list(LOOPBACK_HOSTS)
    if bind not in ANY_ADDRESS:
        hosts.append(normalize_host(bind))
    hosts += [normalize_host(h) for h in extra]
    return list(dict.fromkeys(hosts))


def allowed_hosts_from_env() -> list[str] | None:
    """The hosts in ``$TREATYWATCH_ALLOWED_HOSTS``; None (any host) when it is unset."""
    text = os.environ.get(ALLOWED_HOSTS_ENV)
    return None if text is None else [h for h in text.split(",") if h.strip()]


def host_allowed(host: str, allowed: Sequence[str]) -> bool:
    """Whether a host name matches the allow-list (``*`` any, ``*.example.org`` subdomains)."""
    for pattern in allowed:
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


class HostAllowList:
    """Serve only requests whose Host header names this server (against DNS rebinding)."""

    def __init__(self, app: ASGIApp, allowed: Sequence[str]) -> None:
        self.app = app
        self.allowed = [normalize_host(h) for h in allowed]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = Headers(scope=scope).get("host", "")
        host = host_name(header)
        if host is not None and host_allowed(host, self.allowed):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # policy violation
        else:
            await self._refuse(scope, receive, send, header)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, header: str) -> None:
        message = f"this server does not answer to the host {header[:100]!r}"
        await error_response(Request(scope), 400, message)(scope, receive, send)


class ServerTiming:
    """Adds ``Server-Timing: app;dur=<ms>`` to every response: the time from the request's
    arrival to its response's headers, i.e. the server's work on it (``make bench`` reads it
    as the server time, apart from the queueing the clients see)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - start) * 1000
                headers = [*message.get("headers", []), (b"server-timing", b"app;dur=%.1f" % ms)]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed)


def secure(app: ASGIApp, allowed_hosts: Sequence[str] | None) -> ASGIApp:
    """``app`` wrapped in the layers above; no Host check when ``allowed_hosts`` is None."""
    inner = app if allowed_hosts is None else HostAllowList(app, allowed_hosts)
    return ServerTiming(SecurityHeaders(HeadAsGet(inner)))


class Dashboard(FastAPI):
    """FastAPI with :func:`secure` outside everything else, 500 responses included."""

    def __init__(self, *, allowed_hosts: Sequence[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allowed_hosts = None if allowed_hosts is None else list(allowed_hosts)

    def build_middleware_stack(self) -> ASGIApp:
        return secure(super().build_middleware_stack(), self.allowed_hosts)
