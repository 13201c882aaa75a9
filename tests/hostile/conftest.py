"""The hostile-content harness: a doc pull request as an attacker would write it.

Each hostile site is the small bilingual help center of `BASE_FILES` plus the attacker's files,
configured like the repository's own `mkdocs.yml` (same Markdown extensions, Material,
static-i18n, kb with a taxonomy and a glossary). A site goes through the three gates a pull
request meets:

1. `kb check --format json` (a subprocess, as a writer or CI runs it);
2. `mkdocs build --strict` (a subprocess with a memory and time cap, so a bomb cannot take the
   test run down with it);
3. a plain `mkdocs build`, served on loopback **without** any Content-Security-Policy and loaded
   page by page in Chromium, recording every dialog, navigation away from the page, request to
   another host and popup. The HTML itself must be inert; the policy is a second line.

A payload must end as a finding with file and line (the strict build fails) or as inert text.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import posixpath
import re
import resource
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from browser.conftest import chromium_path
from kb.digest import digest_text
from kb.html_policy import is_site_redirect

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MEMORY_CAP = 3 * 1024**3
"""Address space a kb or mkdocs subprocess may use (a YAML bomb needs far more)."""
TIMEOUT = 180
"""Seconds a kb or mkdocs subprocess may take."""

PRODUCTS_YML = """\
products:
  - id: payments
    icon: material/credit-card-outline
    name: {en: Card payments, ja: カード決済}
    description: {en: Accept cards., ja: カード決済を受け付けます。}
  - id: payouts
    icon: material/bank-transfer
    name: {en: Payouts, ja: 入金}
    description: {en: Get paid., ja: 売上を入金します。}
"""

GLOSSARY_YML = """\
terms:
  - en: payout
    ja: 入金
    forbidden: [ペイアウト]
    match: [payout, payouts]
    definition:
      en: Money sent from your balance to your bank account.
      ja: 残高から銀行口座に振り込まれるお金です。
"""

EN_ARTICLE = """\
---
title: Refund a payment
description: Give a customer their money back.
products: [payments]
last_reviewed: 2026-11-20
---

# Refund a payment

Refunds go back to the customer's card.

## Steps

1. Open the payment.
2. Click **Refund**.
"""

JA_ARTICLE = """\
---
title: 決済を返金する
description: 顧客に代金を返金します。
products: [payments]
last_reviewed: 2026-11-20
source_digest: {digest}
---

# 決済を返金する

返金は顧客のカードに戻ります。

## 手順

1. 決済を開きます。
2. **返金**をクリックします。
"""

EN_PAYOUTS = """\
---
title: Payout schedule
description: When your payouts arrive.
products: [payouts]
last_reviewed: 2026-11-20
---

# Payout schedule

Your payouts arrive on business days.
"""

EN_INDEX = "---\ntitle: Help\nkind: page\n---\n\n# Help\n\nWelcome.\n"
EN_GLOSSARY = "---\ntitle: Glossary\nkind: page\nglossary: true\n---\n\n# Glossary\n"


def alias_bomb(key: str = "description") -> str:
    """Front matter lines of a YAML "billion laughs": nine levels of nine aliases, so `key`
    holds 9⁹ strings once something prints it (about 2 GB in a page template)."""
    names = "abcdefghi"
    lines = [f"{names[0]}: &{names[0]} [" + ", ".join(['"lol"'] * 9) + "]"]
    for previous, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + f"\n{key}: *{names[-1]}\n"


def _translation(english: str, front_matter: str, body: str) -> str:
    """A Japanese page that records the digest of `english`, so it is current."""
    return f"---\n{front_matter}source_digest: {digest_text(english)}\n---\n\n{body}"


BASE_FILES: dict[str, str] = {
    "docs/en/index.md": EN_INDEX,
    "docs/ja/index.md": _translation(
        EN_INDEX, "title: ヘルプ\nkind: page\n", "# ヘルプ\n\nようこそ。\n"
    ),
    "docs/en/glossary.md": EN_GLOSSARY,
    "docs/ja/glossary.md": _translation(
        EN_GLOSSARY, "title: 用語集\nkind: page\nglossary: true\n", "# 用語集\n"
    ),
    "docs/en/payments/refund-a-payment.md": EN_ARTICLE,
    "docs/ja/payments/refund-a-payment.md": JA_ARTICLE.format(digest=digest_text(EN_ARTICLE)),
    "docs/en/payouts/payout-schedule.md": EN_PAYOUTS,
}
"""A clean little help center: it passes `kb check` and the strict build with no findings
except infos (an untranslated article and untracked translations are not errors)."""


def site_config(**kb_options: Any) -> dict[str, Any]:
    """The repository's configuration, shrunk to a fixture: same theme, plugins and Markdown."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_name"] = "Hostile Help"
    config["site_url"] = "https://help.example.com/"
    config.pop("extra", None)
    plugins: list[Any] = []
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "kb" in entry:
            entry = {"kb": {"taxonomy": "products.yml", "glossary": "glossary.yml", **kb_options}}
        plugins.append(entry)
    config["plugins"] = plugins
    return config


@dataclass
class CheckRun:
    """What `kb check --format json` said about a hostile site."""

    exit_code: int
    findings: list[dict[str, Any]]
    stderr: str

    def rules(self, path: str | None = None) -> set[str]:
        """Rule names found (in one file, or anywhere)."""
        return {f["rule"] for f in self.findings if path is None or f["path"] == path}

    def find(self, rule: str, path: str) -> list[dict[str, Any]]:
        """Findings of `rule` in `path`."""
        return [f for f in self.findings if f["rule"] == rule and f["path"] == path]


@dataclass
class BuildRun:
    """What a `mkdocs build` subprocess did."""

    exit_code: int
    output: str
    site: Path

    @property
    def crashed(self) -> bool:
        """A traceback or an exhausted resource, rather than a clean failure."""
        return (
            any(sign in self.output for sign in ("Traceback", "MemoryError", "RecursionError"))
            or self.exit_code < 0
        )


@dataclass
class Incident:
    """Something a page did that inert content never does."""

    page: str
    kind: str
    """`dialog`, `navigation`, `offsite-request`, `popup` or `script-error`."""
    detail: str


@dataclass
class HostileSite:
    """A hostile site on disk and how to run it through the gates."""

    root: Path

    def kb(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `kb ARGS` in the site, capped in memory and time."""
        return _run([str(BIN / "kb"), *args], self.root)

    def check(self, *args: str) -> CheckRun:
        """`kb check --format json [ARGS]`."""
        done = self.kb("check", "--format", "json", *args)
        try:
            findings = json.loads(done.stdout)["findings"] if done.stdout.strip() else []
        except (json.JSONDecodeError, KeyError, TypeError):
            findings = []
        return CheckRun(done.returncode, findings, done.stderr)

    def build(self, *, strict: bool) -> BuildRun:
        """`mkdocs build` into `site-strict/` or `site/`, capped in memory and time."""
        site = self.root / ("site-strict" if strict else "site")
        command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)]
        if strict:
            command.append("--strict")
        done = _run(command, self.root)
        return BuildRun(done.returncode, done.stdout + done.stderr, site)


def _limit_resources() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    try:
        return subprocess.run(
            command,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=_limit_resources,  # no threads are started before it
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{' '.join(command[:3])} ran past {TIMEOUT} s: {error}")


def write_site(
    root: Path,
    files: Mapping[str, str | bytes],
    *,
    products: str | None = PRODUCTS_YML,
    glossary: str | None = GLOSSARY_YML,
    base: bool = True,
    **kb_options: Any,
) -> HostileSite:
    """Write a hostile site into `root`: the base help center, then the attacker's files.

    Args:
        root: An empty directory.
        files: `{relative path: text or bytes}` written over the base site.
        products: Text of `products.yml` (None: no taxonomy file).
        glossary: Text of `glossary.yml` (None: no glossary file).
        base: Start from `BASE_FILES` (False: only `files`).
        **kb_options: Extra options of the kb plugin in `mkdocs.yml`.

    Returns:
        The site, ready for `check()` and `build()`.
    """
    content: dict[str, str | bytes] = dict(BASE_FILES) if base else {}
    content.update(files)
    if products is not None:
        content["products.yml"] = products
    if glossary is not None:
        content["glossary.yml"] = glossary
    for relative, text in content.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        yaml.safe_dump(site_config(**kb_options), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return HostileSite(root)


@pytest.fixture
def hostile_site(tmp_path: Path) -> Callable[..., HostileSite]:
    """`hostile_site(files, **options)`: write a hostile site (see `write_site`) in `tmp_path`."""

    def make(files: Mapping[str, str | bytes], **options: Any) -> HostileSite:
        root = tmp_path / f"site{len(list(tmp_path.iterdir()))}"
        root.mkdir()
        return write_site(root, files, **options)

    return make


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # stdlib signature
        pass


@pytest.fixture(scope="session")
def hostile_browser(request: pytest.FixtureRequest) -> Any:
    """Headless Debian Chromium for hostile pages (skipped without it, required in CI)."""
    if chromium_path() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but Chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return request.getfixturevalue("chromium")


_REDIRECT = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]*)">')


def _check_redirect(site: Path, relative: str) -> list[Incident]:
    """A kb redirect page may only lead to a page of the same site that exists."""
    text = (site / relative).read_text(encoding="utf-8")
    targets = _REDIRECT.findall(text)
    if len(targets) != 1 or "<script" in text:
        return [Incident(relative, "navigation", f"not kb's redirect page: {targets}")]
    target = html.unescape(targets[0])
    parts = urlsplit(target)
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(relative), parts.path))
    page = site / resolved / "index.html" if target.endswith("/") else site / resolved
    if parts.scheme or parts.netloc or resolved.startswith("..") or not page.is_file():
        return [Incident(relative, "navigation", f"redirect to {target}")]
    return []


@dataclass
class Crawler:
    """Loads every page of a built site in Chromium and records what no inert page does."""

    browser: Any
    incidents: list[Incident] = field(default_factory=list)

    def crawl(self, site: Path, pages: list[str] | None = None) -> list[Incident]:
        """Load `pages` (default: every HTML file but Pagefind's) and return the incidents.

        Every page is also focused, hovered over and scrolled through, so handlers such as
        `onfocus` with `autofocus`, `onmouseover` or `onscroll` get their chance to fire.
        """
        if pages is None:
            pages = sorted(
                p.relative_to(site).as_posix()
                for p in site.rglob("*.html")
                if "pagefind" not in p.relative_to(site).parts
            )
        handler = functools.partial(_QuietHandler, directory=str(site))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        found: list[Incident] = []
        try:
            for relative in pages:
                redirect = _redirect_target(site / relative)
                if redirect is not None:  # where it leads: a page of this site that exists
                    found.extend(_check_redirect(site, relative))
                found.extend(self._visit(base, relative, redirect))
        finally:
            httpd.shutdown()
            httpd.server_close()
        self.incidents.extend(found)
        return found

    def _visit(self, base: str, relative: str, redirect: str | None = None) -> list[Incident]:
        url = base + quote(relative)  # as the browser would send it: names may need encoding
        # kb's own redirect pages (moved articles, product folders) go to one path of the site.
        expected = urljoin(url, redirect) if redirect is not None else None
        host = urlsplit(base).netloc
        found: list[Incident] = []
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})

        def route(route: Any) -> None:
            target = route.request.url
            parts = urlsplit(target)
            if parts.scheme in {"http", "https", "ws", "wss", "ftp"} and parts.netloc != host:
                found.append(Incident(relative, "offsite-request", target))
                route.abort()
            else:
                route.continue_()

        def dialog(dialog: Any) -> None:
            found.append(Incident(relative, "dialog", f"{dialog.type}: {dialog.message}"))
            dialog.dismiss()

        context.route("**/*", route)
        page = context.new_page()
        page.on("dialog", dialog)
        page.on("popup", lambda popup: found.append(Incident(relative, "popup", popup.url)))
        page.on(
            "framenavigated",
            lambda frame: (
                found.append(Incident(relative, "navigation", frame.url))
                if frame == page.main_frame and frame.url.split("#")[0] not in (url, expected)
                else None
            ),
        )
        try:
            page.goto(url, wait_until="load")
            if expected is not None:
                page.wait_for_url(expected)
                return found
            page.evaluate(
                """() => {
                  for (const el of document.querySelectorAll('body *')) {
                    el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
                    el.dispatchEvent(new FocusEvent('focus'));
                  }
                  window.scrollTo(0, document.body.scrollHeight);
                }"""
            )
            # Timers a payload may have set run before the page is judged (no wall-clock wait).
            page.evaluate("() => new Promise(r => setTimeout(r, 0))")
        except Exception as error:  # a page that navigated away breaks evaluate
            if not found:
                found.append(Incident(relative, "script-error", str(error).splitlines()[0]))
        finally:
            context.close()
        return found


def _redirect_target(page: Path) -> str | None:
    """The relative path a redirect page kb wrote refreshes to (the output allowlist lets no
    other page refresh), or None."""
    if page.suffix != ".html":
        return None
    tree = LexborHTMLParser(page.read_bytes())
    for node in tree.css("head > meta[http-equiv]"):
        if is_site_redirect(node):
            return (node.attributes.get("content") or "").split("=", 1)[1].strip()
    return None


@pytest.fixture
def crawler(hostile_browser: Any) -> Crawler:
    """A `Crawler` on the session's Chromium."""
    return Crawler(hostile_browser)
