"""`kb collect`'s web service: Starlette under uvicorn, `POST /api/event` and `GET /healthz`.

A request goes parse → validate → scrub → buffer; the buffer's thread stores. Answers: 204
accepted (bots and clients without a user agent too, which are dropped silently), 400 not a
valid event, 403 origin not allowed, 413 body over 2 KB, 429 too many events from one client.
The client address is used only, keyed with a per-process secret, to count its events in
memory: it is never stored or logged.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import time
from collections import deque
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kb.insights.events import MAX_BODY, InvalidEvent, parse, scrub_event, validate

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.requests import Request
    from starlette.types import ASGIApp, Receive, Scope, Send

    from kb.insights.buffer import EventBuffer
    from kb.insights.manifest import PageManifest

BOTS = re.compile(
    r"bot|crawl|spider|slurp|headless|lighthouse|pagespeed|phantomjs|selenium|puppeteer|"
    r"playwright|python-|curl/|wget|httpclient|okhttp|go-http|java/|scrapy|facebookexternalhit|"
    r"preview|monitor|uptime",
    re.IGNORECASE,
)
_HEADERS = {"Cache-Control": "no-store"}
EVENT_PATH = "/api/event"


@dataclass(frozen=True)
class CollectorSettings:
    """What `kb collect` was started with."""

    origins: frozenset[str]
    """Allowed `Origin` headers, e.g. `https://help.example`."""
    rate_limit: int = 120
    """Events per minute per client (a burst of that many; 0: no limit)."""


class RateLimiter:
    """A token bucket per client, in memory, keyed by an HMAC of the address."""

    def __init__(self, per_minute: int) -> None:
        self._capacity = float(per_minute)
        self._rate = per_minute / 60.0
        self._secret = os.urandom(16)
        self._buckets: dict[bytes, tuple[float, float]] = {}

    def allow(self, client: str) -> bool:
        """Take one token for `client`; False when none is left."""
        if self._capacity <= 0:
            return True
        key = hmac.digest(self._secret, client.encode(), hashlib.sha256)[:12]
        now = time.monotonic()
        tokens, then = self._buckets.get(key, (self._capacity, now))
        tokens = min(self._capacity, tokens + (now - then) * self._rate)
        if len(self._buckets) > 100_000:
            self._forget(now)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True

    def _forget(self, now: float) -> None:
        """Drop the buckets that have filled up again (they hold nothing worth keeping)."""
        full = self._capacity / self._rate if self._rate else 0.0
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}


def create_app(settings: CollectorSettings, manifest: PageManifest, buffer: EventBuffer) -> ASGIApp:
    """The collector's ASGI application.

    Args:
        settings: Origins and rate limit.
        manifest: The pages of the build events may name.
        buffer: Where accepted events go; started and closed with the application.
    """
    limiter = RateLimiter(settings.rate_limit)
    timings: deque[float] = deque(maxlen=20_000)

    async def answer(scope: Scope, receive: Receive) -> tuple[int, bytes | None]:
        """The status of one event, and `Retry-After` for a 429."""
        headers = dict(scope["headers"])
        if headers.get(b"origin", b"").decode("latin-1") not in settings.origins:
            return 403, None
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            return 413, None
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return 400, None  # the client went away
            body += message.get("body", b"")
            if len(body) > MAX_BODY:
                return 413, None
            if not message.get("more_body", False):
                break
        client = scope.get("client")
        if not limiter.allow(client[0] if client else ""):
            return 429, b"60"
        try:
            accepted = validate(parse(body), manifest)
        except InvalidEvent:
            return 400, None
        agent = headers.get(b"user-agent", b"").decode("latin-1")
        if agent and not BOTS.search(agent):
            buffer.add(scrub_event(accepted, int(time.time())))
        return 204, None

    async def event(scope: Scope, receive: Receive, send: Send) -> None:
        """`POST /api/event` as plain ASGI: the hot path skips Starlette's request objects."""
        started = time.perf_counter()
        status, retry_after = await answer(scope, receive)
        headers = [(b"cache-control", b"no-store"), (b"content-length", b"0")]
        if retry_after is not None:
            headers.append((b"retry-after", retry_after))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        timings.append(time.perf_counter() - started)

    async def not_allowed(request: Request) -> Response:
        return Response(status_code=405, headers={**_HEADERS, "Allow": "POST"})

    async def healthz(request: Request) -> Response:
        recent = sorted(timings)
        latency = {
            "requests": len(recent),
            "p50": round(1000 * recent[len(recent) // 2], 3) if recent else None,
            "p99": round(1000 * recent[int(len(recent) * 0.99)], 3) if recent else None,
        }
        return JSONResponse({**buffer.health(), "latency_ms": latency}, headers=_HEADERS)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        buffer.start()
        try:
            yield
        finally:
            buffer.close()

    service = Starlette(
        routes=[
            Route("/api/event", not_allowed, methods=["GET", "PUT", "DELETE", "PATCH"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == EVENT_PATH and scope["method"] == "POST":
            await event(scope, receive, send)
        else:
            await service(scope, receive, send)

    return app
