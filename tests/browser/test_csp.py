"""The demo site under the Content-Security-Policy its build writes to `site/_headers`.

A small loopback server sends every response with that policy, as Netlify or nginx would; a
reader then navigates, switches language and searches in both languages. Any
`securitypolicyviolation` event or console error fails the test: the site needs nothing the
policy forbids (no inline script but the theme's hashed ones, no inline style, nothing from
another host).
"""

from __future__ import annotations

import functools
import http.server
import threading
from typing import TYPE_CHECKING, Any

import pytest

from kb.csp import read_policy

from .test_search import BOX, search

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.browser

ARTICLE = "payments/refund-a-payment/"
WATCH = """
window.__kbViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__kbViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ${event.sample || ""}`
  );
});
"""


class _PolicyHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site with the policy of its `_headers`, as the README asks servers to."""

    policy = ""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # stdlib signature
        pass


@pytest.fixture(scope="module")
def policy_server(demo_site: Path) -> Iterator[tuple[str, str]]:
    """The demo site on 127.0.0.1 with its Content-Security-Policy; yields (base URL, policy)."""
    policy = read_policy(demo_site)
    assert policy, "the build wrote no Content-Security-Policy to site/_headers"
    handler = functools.partial(
        type("Handler", (_PolicyHandler,), {"policy": policy}), directory=str(demo_site)
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", policy
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def strict_page(browser: Any, policy_server: tuple[str, str]) -> Iterator[tuple[Any, list[str]]]:
    """A page that records console errors and policy violations; yields (page, errors)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, errors
    context.close()


def _violations(page: Any) -> list[str]:
    found: list[str] = page.evaluate("window.__kbViolations")
    return found


def test_the_policy_is_the_strict_one_of_the_issue(policy_server: tuple[str, str]) -> None:
    _, policy = policy_server
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert all(source.startswith("'sha256-") for source in directives["script-src"][2:])
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy


def test_navigating_switching_language_and_searching_break_no_rule(
    strict_page: tuple[Any, list[str]], policy_server: tuple[str, str]
) -> None:
    page, errors = strict_page
    server, policy = policy_server
    response = page.goto(f"{server}{ARTICLE}", wait_until="networkidle")
    assert response.headers["content-security-policy"] == policy
    # Material's bundle ran (it marks the page) and kb's search box works: English results.
    assert page.evaluate("document.documentElement.classList.contains('js')")
    english = search(page, "refund")
    assert any(url.startswith("/payments/") for url in english), english
    marks = page.locator(".kb-search-result__excerpt mark").all_inner_texts()
    assert marks
    page.keyboard.press("Escape")
    # Navigate through a product chip, then switch language with the header's switcher.
    page.locator(".kb-chips .kb-chip").first.click()
    page.wait_for_load_state("networkidle")
    assert "/products/" in page.url
    page.goto(f"{server}{ARTICLE}", wait_until="networkidle")
    page.locator(".md-header__option .md-select button").hover()
    page.get_by_role("link", name="日本語", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{server}ja/{ARTICLE}"
    japanese = search(page, "返金")
    assert japanese
    assert all(url.startswith("/ja/") for url in japanese), japanese
    assert page.locator(".kb-search-result__excerpt mark").all_inner_texts()
    assert page.locator(BOX).input_value() == "返金"
    assert _violations(page) == []
    assert errors == []


def test_the_policy_really_blocks_an_inline_script(
    strict_page: tuple[Any, list[str]], policy_server: tuple[str, str]
) -> None:
    """The watch above is live: a script the policy does not list is refused and reported."""
    page, _ = strict_page
    server, _ = policy_server
    page.goto(f"{server}{ARTICLE}", wait_until="networkidle")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__kbRan = true";
          document.head.appendChild(script);
        }"""
    )
    page.wait_for_function("window.__kbViolations.length > 0")
    assert page.evaluate("window.__kbRan === undefined")
    assert any(v.startswith("script-src") for v in _violations(page)), _violations(page)
