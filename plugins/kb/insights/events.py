"""Event contract version 1: parse a request body and validate it against the page manifest.

One JSON object per request: `{"v": 1, "type": "view|vote|search|click", "page": "/ja/…/",
"lang": "ja", …}` with `vote: helpful, reason, comment`, `search: query, results, product`,
`click: query, rank, target` and `view: referrer`. Anything else is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from kb.insights.scrub import query_key, scrub

if TYPE_CHECKING:
    from kb.insights.manifest import PageManifest

EVENT_VERSION = 1
MAX_BODY = 2048
"""Bytes; a longer body is answered 413."""
MAX_COMMENT = 500
MAX_QUERY = 200
MAX_RESULTS = 100_000
MAX_RANK = 1_000
REASONS = ("not_answered", "unclear", "outdated", "translation", "other")
TYPES = ("view", "vote", "search", "click")
_COMMON = frozenset({"v", "type", "page", "lang"})
_FIELDS = {
    "view": frozenset({"referrer"}),
    "vote": frozenset({"helpful", "reason", "comment"}),
    "search": frozenset({"query", "results", "product"}),
    "click": frozenset({"query", "rank", "target"}),
}


class InvalidEvent(ValueError):
    """A request body that is not a valid version 1 event (answered 400)."""


@dataclass(frozen=True)
class Event:
    """A valid event, as stored: no address, no user agent, no identifier."""

    type: str
    page: str
    """Canonical URL path of a page in the manifest."""
    language: str
    ts: int = 0
    """Seconds since the epoch (UTC), set when the collector receives it."""
    referrer: str | None = None
    helpful: bool | None = None
    reason: str | None = None
    comment: str | None = None
    query: str | None = None
    query_key: str | None = None
    """The query normalised for grouping (`scrub.query_key`)."""
    results: int | None = None
    product: str | None = None
    rank: int | None = None
    target: str | None = None


def parse(body: bytes) -> dict[str, Any]:
    """Decode a request body into a JSON object.

    Raises:
        InvalidEvent: Too long, not UTF-8, not JSON or not an object.
    """
    if len(body) > MAX_BODY:
        raise InvalidEvent("body too long")
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidEvent("not a JSON object") from None
    if not isinstance(data, dict):
        raise InvalidEvent("not a JSON object")
    return data


def _no_constant(name: str) -> None:
    raise ValueError(name)


def _text(data: dict[str, Any], key: str, limit: int, *, required: bool) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidEvent(f"{key}: text of at most {limit} characters")
    return value


def _integer(data: dict[str, Any], key: str, low: int, high: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidEvent(f"{key}: a whole number from {low} to {high}")
    return value


def validate(data: dict[str, Any], manifest: PageManifest) -> Event:
    """Check an event object against the contract and the build's pages.

    Args:
        data: The decoded body.
        manifest: The pages of the build the collector serves.

    Returns:
        The event (texts not scrubbed yet).

    Raises:
        InvalidEvent: A missing, unknown or wrongly typed field, or an unknown page.
    """
    if data.get("v") != EVENT_VERSION or isinstance(data.get("v"), bool):
        raise InvalidEvent("v: must be 1")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in _FIELDS:
        raise InvalidEvent("type: view, vote, search or click")
    unknown = set(data) - _COMMON - _FIELDS[kind]
    if unknown:
        raise InvalidEvent("unknown field")
    page_value = data.get("page")
    entry = manifest.page(page_value) if isinstance(page_value, str) else None
    if entry is None:
        raise InvalidEvent("page: not a page of the site")
    if data.get("lang") != entry.language:
        raise InvalidEvent("lang: not the page's language")
    event = Event(kind, entry.path, entry.language)
    if kind == "view":
        referrer = _text(data, "referrer", 1024, required=False)
        # Only a path of this site is kept; anything else is as good as no referrer.
        known = manifest.page(referrer) if referrer is not None else None
        return replace(event, referrer=known.path if known else None)
    if kind == "vote":
        helpful = data.get("helpful")
        if not isinstance(helpful, bool):
            raise InvalidEvent("helpful: true or false")
        reason = data.get("reason")
        comment = _text(data, "comment", MAX_COMMENT, required=False)
        if helpful and (reason is not None or comment is not None):
            raise InvalidEvent("reason and comment go with helpful=false only")
        if reason is not None and reason not in REASONS:
            raise InvalidEvent("reason: unknown")
        return replace(event, helpful=helpful, reason=reason, comment=comment or None)
    query = _text(data, "query", MAX_QUERY, required=True)
    if kind == "search":
        product = data.get("product")
        if product is not None and (
            not isinstance(product, str) or product not in manifest.products
        ):
            raise InvalidEvent("product: not a product of the site")
        results = _integer(data, "results", 0, MAX_RESULTS)
        return replace(event, query=query, results=results, product=product)
    target_value = data.get("target")
    target = manifest.page(target_value) if isinstance(target_value, str) else None
    if target is None:
        raise InvalidEvent("target: not a page of the site")
    rank = _integer(data, "rank", 1, MAX_RANK)
    return replace(event, query=query, rank=rank, target=target.path)


def scrub_event(event: Event, ts: int) -> Event:
    """The event as stored: free text scrubbed, the query keyed for grouping, time set."""
    comment = scrub(event.comment).strip()[:MAX_COMMENT] if event.comment else None
    query = scrub(event.query).strip() if event.query is not None else None
    return replace(
        event,
        ts=ts,
        comment=comment or None,
        query=query,
        query_key=query_key(query) if query is not None else None,
    )
