"""Tiny built sites for `kb links`: HTML trees written into tmp_path from `{path: content}`."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from kb.links.check import check_site
from kb.links.model import LinkOptions, LinkReport

if TYPE_CHECKING:
    from pathlib import Path

    from kb.findings import Finding

BODY_LINE = 5
"""HTML line of the first body line of a page made by `page()`."""


def page(body: str = "", *, lang: str = "en", head: str = "") -> str:
    """A minimal built page; the body's first line is HTML line `BODY_LINE`."""
    return (
        "<!doctype html>\n"
        f'<html lang="{lang}">\n'
        f'<head><meta charset="utf-8">{head}</head>\n'
        "<body>\n"
        f"{body}\n"
        "</body>\n"
        "</html>\n"
    )


HEADINGS = '<h1 id="refunds">Refunds</h1><h2 id="partial-refunds">Partial</h2>'

BASE_SITE: dict[str, str | bytes] = {
    "site/index.html": page('<h1 id="home">Home</h1>'),
    "site/payments/refunds/index.html": page(HEADINGS),
    "site/payments/empty/notes.txt": "not a page",
    "site/downloads/fees.pdf": "%PDF-1.4",
    "site/assets/stylesheets/main.css": "body { color: black; }\n",
    "site/assets/javascripts/bundle.js": "console.log(1);\n",
    "site/assets/images/logo.png": "png",
    "site/ja/index.html": page('<h1 id="home">ホーム</h1>', lang="ja"),
    "site/ja/payments/refunds/index.html": page(HEADINGS, lang="ja"),
    "site/ja/用語集/index.html": page('<h2 id="返金の手順">返金の手順</h2>', lang="ja"),
    "docs/en/index.md": "# Home\n",
    "docs/en/payments/refunds.md": "# Refunds\n\n## Partial refunds {#partial-refunds}\n",
    "docs/ja/index.md": "# ホーム\n",
    "docs/ja/payments/refunds.md": "# 返金\n\n## 一部返金 {#partial-refunds}\n",
}


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write `{relative path: text or bytes}` under `root`."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def as_rows(findings: list[Finding]) -> list[tuple[str, str, str, int]]:
    """(rule, page, path, line) of each finding, the shape the tests compare."""
    return [(f.rule.value, f.page, f.path, f.line) for f in findings]


Checker = Callable[..., LinkReport]


@pytest.fixture
def check_tree(tmp_path: Path) -> Checker:
    """Write BASE_SITE plus `files` into tmp_path and run `check_site` on tmp_path/site."""

    def run(files: Mapping[str, str | bytes] | None = None, **overrides: Any) -> LinkReport:
        write_tree(tmp_path, {**BASE_SITE, **(files or {})})
        options: dict[str, Any] = {
            "site_dir": tmp_path / "site",
            "root": tmp_path,
            "docs_dir": tmp_path / "docs",
            "site_url": "https://help.example.com/",
            "jobs": 1,
        }
        options.update(overrides)
        return check_site(LinkOptions(**options))

    return run


@dataclass
class Server:
    """A local server and what it was asked."""

    base: str
    hits: Counter[str] = field(default_factory=Counter)
    methods: list[tuple[str, str]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_HEAD(self) -> None:  # http.server's naming
        self._answer("HEAD")

    def do_GET(self) -> None:
        self._answer("GET")

    def _answer(self, method: str) -> None:
        record = self.server.record
        record.hits[self.path] += 1
        record.methods.append((method, self.path))
        if self.path == "/hang":
            # Never answers; released when the test ends so the thread can finish.
            self.server.release.wait(30)
            return
        if self.path == "/drip":
            self._drip()
            return
        if self.path == "/moved":
            self._send(301, location="/ok")
        elif self.path.startswith("/to-"):  # /to-ftp, /to-file, /to-data: off the web
            scheme = self.path.removeprefix("/to-")
            targets = {"ftp": "ftp://127.0.0.1/file", "file": "file:///etc/passwd"}
            self._send(302, location=targets.get(scheme, "data:text/plain,x"))
        elif self.path == "/chain":
            self._send(301, location="/to-ftp")
        elif self.path == "/loop":
            self._send(302, location="/loop")
        elif self.path == "/missing":
            self._send(404)
        elif self.path == "/error":
            self._send(500)
        elif self.path == "/flaky":
            self._send(503 if record.hits["/flaky"] == 1 else 200)
        elif self.path == "/busy":
            self._send(429 if record.hits["/busy"] == 1 else 200, retry_after="0")
        elif self.path == "/no-head":
            self._send(405 if method == "HEAD" else 200)
        else:
            self._send(200)

    def _drip(self) -> None:
        """A status line, then a header line every 0.2 s, never the end of the headers: each
        read is quick, so only a deadline on the whole answer ends it."""
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for line in range(10_000):
                self.wfile.write(f"X-Drip-{line}: 1\r\n".encode())
                self.wfile.flush()
                if self.server.release.wait(0.2):
                    return
        except OSError:
            return  # the client hung up: what the test wants

    def _send(self, status: int, *, location: str = "", retry_after: str = "") -> None:
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        if retry_after:
            self.send_header("Retry-After", retry_after)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    record: Server
    release: threading.Event


@pytest.fixture
def server() -> Iterator[Server]:
    """A threaded HTTP server on a free port of 127.0.0.1, stopped without waiting on /hang."""
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.release = threading.Event()
    host, port = httpd.server_address[:2]
    httpd.record = Server(f"http://{host!s}:{port}")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield httpd.record
    finally:
        httpd.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
