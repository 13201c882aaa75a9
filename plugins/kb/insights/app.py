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

    from kb.insights.buffer import EventBuffer
    from kb.insights.manifest import PageManifest

BOTS = re.compile(
    r"bot|crawl|spider|slurp|headless|lighthouse|pagespeed|phantomjs|selenium|puppeteer|"
    r"playwright|python-|curl/|wget|httpclient|okhttp|go-http|java/|scrapy|facebookexternalhit|"
    r"preview|monitor|uptime",
    re.IGNORECASE,
)
_HEADERS = {"Cache-Control": "no-store"}


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


def create_app(
    settings: CollectorSettings, manifest: PageManifest, buffer: EventBuffer
) -> Starlette:
    """The collector's ASGI application.

    Args:
        settings: Origins and rate limit.
        manifest: The pages of the build events may name.
        buffer: Where accepted events go; started and closed with the application.
    """
    limiter = RateLimiter(settings.rate_limit)

    async def event(request: Request) -> Response:
        if request.headers.get("origin") not in settings.origins:
            return Response(status_code=403, headers=_HEADERS)
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            return Response(status_code=413, headers=_HEADERS)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return Response(status_code=413, headers=_HEADERS)
        client = request.client.host if request.client else ""
        if not limiter.allow(client):
            return Response(status_code=429, headers={**_HEADERS, "Retry-After": "60"})
        try:
            accepted = validate(parse(bytes(body)), manifest)
        except InvalidEvent:
            return Response(status_code=400, headers=_HEADERS)
        agent = request.headers.get("user-agent", "")
        if agent and not BOTS.search(agent):
            buffer.add(scrub_event(accepted, int(time.time())))
        return Response(status_code=204, headers=_HEADERS)

    async def healthz(request: Request) -> Response:
        return JSONResponse(buffer.health(), headers=_HEADERS)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        buffer.start()
        try:
            yield
        finally:
            buffer.close()

    return Starlette(
        routes=[
            Route("/api/event", event, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
