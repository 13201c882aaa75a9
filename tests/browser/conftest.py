"""Build the demo site once, serve it on loopback and drive it with Playwright + Debian Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium, never a browser downloaded by Playwright."""
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )


SEARCH_RECALL: dict[str, str] = {}
"""Recall at 5 per language, measured by test_search.py and shown in the terminal summary."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the search recall figures after the run, whether or not output is captured."""
    for line in SEARCH_RECALL.values():
        terminalreporter.write_line(line)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip browser tests without Chromium locally; in CI (CI=true) they must run."""
    if chromium_path() is not None:
        return
    if os.environ.get("CI", "").lower() == "true":
        return  # the `browser` fixture fails loudly instead
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built once into a temporary directory."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    site_dir = tmp_path_factory.mktemp("demo") / "site"
    build(load_config(str(REPO / "mkdocs.yml"), site_dir=str(site_dir)))
    return site_dir


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # stdlib signature
        pass


@pytest.fixture(scope="session")
def server(demo_site: Path) -> Iterator[str]:
    """Serve the demo site on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(demo_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Any:
    """Headless Debian Chromium driven by Playwright (never `playwright install`)."""
    if chromium_path() is None:
        pytest.fail("CI=true but Chromium is missing: .ci/run installs Debian's chromium")
    return request.getfixturevalue("chromium")


@dataclass
class Traffic:
    """What a page asked for and complained about while it loaded."""

    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def offsite(self, base_url: str) -> list[str]:
        """Requests that tried to leave the loopback server."""
        host = urlsplit(base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme in {"http", "https"} and urlsplit(url).netloc != host
        ]


@pytest.fixture
def traffic() -> Traffic:
    """Recorder filled by the `page` fixture."""
    return Traffic()


@pytest.fixture
def page(browser: Any, server: str, traffic: Traffic) -> Iterator[Any]:
    """A fresh page; requests that would leave 127.0.0.1 are recorded and aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    host = urlsplit(server).netloc

    def route(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in {"http", "https"} and urlsplit(url).netloc != host:
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda request: traffic.requests.append(request.url))
    page.on(
        "response",
        lambda response: (
            traffic.failures.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    page.on("requestfailed", lambda request: traffic.failures.append(f"failed {request.url}"))
    page.on(
        "console",
        lambda message: (
            traffic.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: traffic.console_errors.append(str(error)))
    yield page
    context.close()
