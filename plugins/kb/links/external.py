"""Check external links over HTTP: concurrent, polite per host, retried, and cached on disk."""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit

from kb.atomic import atomic_write
from kb.docs_tree import read_regular_file

if TYPE_CHECKING:
    from pathlib import Path

CACHE_VERSION = 1
USER_AGENT = "Mozilla/5.0 (compatible; kb-links/0.1; +https://github.com/)"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_GET_INSTEAD = frozenset({403, 405, 501})
"""Statuses that often mean "no HEAD here" rather than "no such page"."""
_MAX_RETRY_AFTER = 30.0
_MAX_CACHE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ExternalOptions:
    """How external links are checked."""

    timeout: float = 10.0
    """Seconds to wait for a connection or for each read of the answer."""
    deadline: float = 30.0
    """Seconds one URL may take in all: connections, answers, redirects, retries and the waits
    between them. A server that sends a header line every few seconds is cut off here."""
    retries: int = 2
    """Further attempts after a 429, a 5xx, a time-out or a connection error."""
    backoff: float = 1.0
    """First wait before a retry, in seconds; doubled for each further retry."""
    per_host: int = 2
    """Requests in flight to one host at a time."""
    workers: int = 16
    """Requests in flight in all."""
    cache_file: Path | None = None
    """Where answers are remembered between runs (`kb links` uses `.cache/kb-links.json` in
    the project's folder); None for no cache."""
    cache_ttl_hours: float = 24.0
    """How long a remembered answer is trusted."""
    user_agent: str = USER_AGENT
    """The User-Agent header (some sites refuse Python's default)."""


@dataclass(frozen=True)
class ExternalResult:
    """What checking one URL gave."""

    url: str
    """The URL checked (without fragment)."""
    status: int | None
    """Final HTTP status after redirects, or None when no answer came."""
    final_url: str = ""
    """Where redirects ended (empty when there were none)."""
    error: str = ""
    """Why there is no answer: a time-out, a refused connection, a TLS error."""
    checked_at: float = 0.0
    """Unix time of the check."""
    cached: bool = False
    """The answer came from the cache file, without a request."""

    @property
    def ok(self) -> bool:
        """The link works: a 2xx status once redirects are followed."""
        return self.status is not None and 200 <= self.status < 300

    def describe(self) -> tuple[str, str]:
        """A message and a hint for a failed URL, for an `external-link` finding."""
        if self.status is None:
            return (
                f"{self.url}: {self.error or 'no answer'}",
                "check the URL in a browser; if the site is down only for now, rerun later",
            )
        where = f" (redirected to {self.final_url})" if self.final_url else ""
        if self.status in (404, 410):
            hint = "the page is gone: link to its new address, or remove the link"
        elif 300 <= self.status < 400:
            where += " (a redirect loop, or too many redirects)"
            hint = "link to where the redirects should end"
        elif self.status >= 500 or self.status == 429:
            hint = "the server failed: rerun later, and report it if it persists"
        else:
            hint = "open the URL in a browser and fix or remove the link"
        return f"{self.url} answered HTTP {self.status}{where}", hint


Progress = Callable[[int, int], None]


_SCHEMES = frozenset({"http", "https"})
"""Where a redirect may lead (urllib alone also follows `ftp://`)."""


class _RefusedRedirect(urllib.error.URLError):
    """A redirect to somewhere kb does not go."""


class _KeepMethodRedirects(urllib.request.HTTPRedirectHandler):
    """Follows 301/302/303/307/308 to http and https only, and keeps HEAD a HEAD (urllib turns
    it into a GET)."""

    def http_error_302(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any
    ) -> Any:
        # urllib answers a redirect to file:// with an HTTPError of the 3xx status, and
        # follows one to ftp://: judge the target before it does either.
        location = headers.get("location") or headers.get("uri")
        if location:
            target = urljoin(req.full_url, location)
            if urlsplit(target).scheme.lower() not in _SCHEMES:
                fp.close()
                raise _RefusedRedirect(
                    f"redirected to {target[:200]}: kb follows redirects to http and https only"
                )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        request = super().redirect_request(req, fp, code, msg, headers, newurl)
        if request is not None and req.get_method() == "HEAD":
            request.method = "HEAD"
        return request


class _Deadline:
    """The time one URL has left, and the connections to cut when it runs out.

    A per-read time-out never ends a server that answers slowly but steadily; the deadline
    shuts down the URL's sockets from a timer thread, which ends any read in progress.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        """Seconds left (0 once expired)."""
        return 0.0 if self.expired else max(0.0, self._ends - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Cut `sock` when the deadline passes (a duplicate, so TLS wrapping cannot detach it)."""
        with self._lock:
            watched = sock.dup()
            self._sockets.append(watched)
            expired = self.expired
        if expired:
            _shut(watched)

    def expire(self) -> None:
        """Mark the deadline passed and shut down every connection of the URL."""
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def close(self) -> None:
        """Stop the timer and release the watched sockets."""
        self._timer.cancel()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()
"""The `_Deadline` of the URL the current worker thread checks."""


def _watched_connection(address: tuple[str, int], timeout: Any, *args: Any) -> socket.socket:
    """`socket.create_connection` for http.client, within the current URL's deadline."""
    deadline: _Deadline | None = getattr(_current, "deadline", None)
    if deadline is not None:
        left = deadline.remaining()
        if left <= 0:
            raise TimeoutError("deadline passed")
        if isinstance(timeout, int | float):
            timeout = min(timeout, left)
    sock = socket.create_connection(address, timeout, *args)
    if deadline is not None:
        deadline.watch(sock)
    return sock


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _watched_connection


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _watched_connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPSConnection, req, context=getattr(self, "_context", None))


class ExternalChecker:
    """Checks URLs concurrently with a per-host limit, retries and a cache file."""

    def __init__(
        self,
        options: ExternalOptions,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options
        self.clock = clock
        self.sleep = sleep
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._hosts_lock = threading.Lock()
        self._opener = urllib.request.build_opener(
            _HTTPHandler(), _HTTPSHandler(), _KeepMethodRedirects()
        )

    def check(
        self, urls: Iterable[str], progress: Progress | None = None
    ) -> dict[str, ExternalResult]:
        """Check every URL once, answering from the cache where it is fresh.

        Args:
            urls: URLs without fragments.
            progress: Called with (done, total) as answers come in.

        Returns:
            The result of every URL.
        """
        wanted = sorted(set(urls))
        cache = _Cache(self.options.cache_file, self.options.cache_ttl_hours * 3600, self.clock)
        results: dict[str, ExternalResult] = {}
        pending: list[str] = []
        for url in wanted:
            hit = cache.get(url)
            if hit is not None:
                results[url] = hit
            else:
                pending.append(url)
        total, done = len(wanted), len(results)
        if progress is not None:
            progress(done, total)
        if pending:
            workers = max(1, min(self.options.workers, len(pending)))
            with ThreadPoolExecutor(workers, thread_name_prefix="kb-links") as pool:
                futures = [pool.submit(self._check_one, url) for url in _interleave_hosts(pending)]
                for future in as_completed(futures):
                    result = future.result()
                    results[result.url] = result
                    cache.put(result)
                    done += 1
                    if progress is not None:
                        progress(done, total)
        cache.save()
        return {url: results[url] for url in wanted}

    def _check_one(self, url: str) -> ExternalResult:
        attempts = max(0, self.options.retries) + 1
        result = ExternalResult(url, None, error="not checked")
        try:
            for attempt in range(attempts):
                result, retry_after = self._attempt(url)
                deadline: _Deadline | None = getattr(_current, "deadline", None)
                if deadline is not None and deadline.expired:
                    # Whatever came back came over a connection the deadline cut (headers cut
                    # short even parse as a complete 200): it is no answer.
                    return ExternalResult(url, None, error=self._late(), checked_at=self.clock())
                retryable = result.status is None or result.status in _RETRY_STATUSES
                if not retryable or attempt == attempts - 1:
                    break
                delay = self.options.backoff * (2**attempt)
                if retry_after is not None:
                    delay = max(delay, min(retry_after, _MAX_RETRY_AFTER))
                if deadline is not None and delay >= deadline.remaining():
                    break  # no time left to try again
                if delay > 0:
                    self.sleep(delay)
        finally:
            started = getattr(_current, "deadline", None)
            if started is not None:
                started.close()
            _current.deadline = None
        return result

    def _attempt(self, url: str) -> tuple[ExternalResult, float | None]:
        with self._host_slot(url):
            # The deadline starts with the first request, not while the URL waits for a slot.
            if getattr(_current, "deadline", None) is None:
                _current.deadline = _Deadline(self.options.deadline)
            result, retry_after = self._request(url, "HEAD")
            if result.status in _GET_INSTEAD and not _current.deadline.expired:
                result, retry_after = self._request(url, "GET")
        return result, retry_after

    def _request(self, url: str, method: str) -> tuple[ExternalResult, float | None]:
        now = self.clock()
        try:
            request = urllib.request.Request(
                _ascii_url(url),
                method=method,
                headers={"User-Agent": self.options.user_agent, "Accept": "*/*"},
            )
        except (ValueError, UnicodeError) as error:
            return ExternalResult(
                url, None, error=f"not a valid URL ({error})", checked_at=now
            ), None
        try:
            with self._opener.open(request, timeout=self.options.timeout) as response:
                final = response.geturl()
                return ExternalResult(
                    url, response.status, final if final != url else "", checked_at=now
                ), None
        except urllib.error.HTTPError as error:
            final = error.geturl() or url
            retry_after = _retry_after(error.headers.get("Retry-After") if error.headers else None)
            error.close()
            return ExternalResult(
                url, error.code, final if final != url else "", checked_at=now
            ), retry_after
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                return ExternalResult(url, None, error=self._timed_out(), checked_at=now), None
            return ExternalResult(url, None, error=_reason(reason), checked_at=now), None
        except TimeoutError:
            return ExternalResult(url, None, error=self._timed_out(), checked_at=now), None
        except (http.client.HTTPException, ssl.SSLError, OSError, ValueError) as error:
            return ExternalResult(url, None, error=_reason(error), checked_at=now), None

    def _timed_out(self) -> str:
        return f"timed out after {self.options.timeout:g} s"

    def _late(self) -> str:
        return f"no complete answer within the {self.options.deadline:g} s deadline"

    def _host_slot(self, url: str) -> threading.BoundedSemaphore:
        host = urlsplit(url).netloc.lower()
        with self._hosts_lock:
            slot = self._hosts.get(host)
            if slot is None:
                slot = self._hosts[host] = threading.BoundedSemaphore(max(1, self.options.per_host))
            return slot


def check_external(
    urls: Iterable[str],
    options: ExternalOptions,
    progress: Progress | None = None,
) -> dict[str, ExternalResult]:
    """Check external URLs: HEAD (GET when HEAD is refused), redirects followed.

    Args:
        urls: URLs without fragments.
        options: Time-outs, retries, concurrency and cache.
        progress: Called with (done, total) as answers come in.

    Returns:
        The result of every URL; `ExternalResult.ok` says whether it works.
    """
    return ExternalChecker(options).check(urls, progress)


def _ascii_url(url: str) -> str:
    # http.client sends the request line in ASCII: percent-encode a Japanese path and turn an
    # internationalised host name into its IDNA form, as a browser does.
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host.isascii():
        netloc = parts.netloc.replace(host, host.encode("idna").decode("ascii"))
        parts = parts._replace(netloc=netloc)
    safe = "/:@!$&'()*+,;=-._~%"
    return parts._replace(
        path=quote(parts.path, safe=safe), query=quote(parts.query, safe=safe + "?")
    ).geturl()


def _interleave_hosts(urls: list[str]) -> list[str]:
    # Round-robin over hosts, so workers are not all queued on one host's slots.
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(urlsplit(url).netloc.lower(), []).append(url)
    ordered: list[str] = []
    for index in range(max((len(queue) for queue in by_host.values()), default=0)):
        ordered.extend(queue[index] for queue in by_host.values() if index < len(queue))
    return ordered


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError, IndexError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    return None


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "host not found"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"TLS certificate not valid ({reason.verify_message})"
    return str(reason).strip() or type(reason).__name__


@dataclass
class _Cache:
    """Answers by URL in a JSON file, trusted for `ttl` seconds, written atomically."""

    path: Path | None
    ttl: float
    clock: Callable[[], float]
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    dirty: bool = False

    def __post_init__(self) -> None:
        if self.path is None:
            return
        try:
            data = json.loads(read_regular_file(self.path, _MAX_CACHE_BYTES))
        except (OSError, ValueError):
            return  # no cache yet, or an unreadable one: start afresh
        if isinstance(data, dict) and data.get("version") == CACHE_VERSION:
            entries = data.get("entries")
            if isinstance(entries, dict):
                self.entries = {k: v for k, v in entries.items() if isinstance(v, dict)}

    def get(self, url: str) -> ExternalResult | None:
        entry = self.entries.get(url)
        if entry is None:
            return None
        checked_at = entry.get("checked_at")
        status = entry.get("status")
        if not isinstance(checked_at, int | float) or not isinstance(status, int):
            return None
        age = self.clock() - checked_at
        if age < 0 or age > self.ttl:
            return None  # stale, or from the future: a forged entry would be trusted forever
        return ExternalResult(
            url,
            status,
            str(entry.get("final_url") or ""),
            checked_at=float(checked_at),
            cached=True,
        )

    def put(self, result: ExternalResult) -> None:
        # Only definite answers are remembered: a time-out or a 5xx may be gone next run.
        if result.status is None or result.status in _RETRY_STATUSES or result.status >= 500:
            self.entries.pop(result.url, None)
        else:
            self.entries[result.url] = {
                "status": result.status,
                "final_url": result.final_url,
                "checked_at": result.checked_at,
            }
        self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        now = self.clock()
        fresh = {
            url: entry
            for url, entry in sorted(self.entries.items())
            if isinstance(entry.get("checked_at"), int | float)
            and 0 <= now - entry["checked_at"] <= self.ttl
        }
        payload = json.dumps({"version": CACHE_VERSION, "entries": fresh}, indent=1)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, payload.encode("utf-8"))


def failures(results: Mapping[str, ExternalResult]) -> dict[str, tuple[str, str]]:
    """Message and hint of every failed URL, for `kb.links.trace.external_findings`."""
    return {url: result.describe() for url, result in results.items() if not result.ok}
