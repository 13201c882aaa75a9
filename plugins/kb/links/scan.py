"""Check a built bilingual site: internal links, anchors, assets and cross-language links."""

from __future__ import annotations

import multiprocessing
import os
import posixpath
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from kb.csp import read_policy, script_hashes_of
from kb.findings import RULES, Finding, Rule, Severity, sort_findings
from kb.html_policy import HtmlPolicy, Violation, check_parsed_page
from kb.layout import Layout, language_path
from kb.options import ConfigError, read_site_settings
from kb.output_check import nearest_line
from kb.severity import SeverityError, parse_severities

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

Progress = Callable[[int, int], None]
"""Called with (pages done, pages in all) while pages are read."""

PAGE_SUFFIXES = (".html", ".htm")
SHARED_FOLDERS = frozenset({"assets", "search"})
"""Top-level folders every language shares (theme CSS/JS, fonts, images, the search index)."""
DEFAULT_MAX_PAGE_BYTES = 20 * 1024 * 1024

# Fragments that name no element by design: `#` and `#top` scroll to the top (HTML standard),
# `:~:text=` is a text fragment, and Material's JavaScript creates `__code_N` ids on code
# blocks (and `_annotation_M` for annotations) and `__codelineno-N-A:B` line ranges at run time.
# Material's other `__` ids (`__drawer`, `__search`, `__toc`, `__consent`, `__nav_N`,
# `__palette_N`) are in the built HTML, so links to them are checked like any other.
_RUNTIME_FRAGMENT = re.compile(r"top|__code_\d+(?:_annotation_\d+)?|__codelineno-.+-\d+:\d+", re.I)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_URL_WHITESPACE = re.compile(r"[\t\n\r]")
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')"""
)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_PAGE_RELS = frozenset({"canonical", "alternate", "prev", "next", "author", "help", "license"})
_TEXT_LIMIT = 80


class LinkConfigError(Exception):
    """The options or `mkdocs.yml` cannot describe the site: the message says what and where."""


@dataclass(frozen=True)
class LinkOptions:
    """What `check_site` needs to know about a built site and the sources it was built from."""

    site_dir: Path
    """The built site (MkDocs' `site_dir`)."""
    languages: tuple[str, ...] = ("en", "ja")
    """Configured languages; the first is published at the site root, each other one in a
    `<locale>/` folder (a folder counts once it has an `index.html`)."""
    base_path: str = "/"
    """URL path the site is served under, e.g. `/help/` (root-relative links start with it)."""
    site_url: str = ""
    """MkDocs' `site_url`: absolute links to this origin are checked as internal links."""
    root: Path = field(default_factory=Path.cwd)
    """Directory that reported paths are relative to."""
    docs_dir: Path | None = None
    """Markdown sources, used to trace a finding to its article and line; None to skip."""
    layout: Layout = "folder"
    """static-i18n's `docs_structure`: `docs/<lang>/x.md` or `docs/x.<lang>.md`."""
    cross_language_allowlist: tuple[str, ...] = ()
    """URL prefixes a page may link to in another language (site paths such as `ja/legal/`)."""
    severities: Mapping[Rule, Severity] = field(default_factory=dict)
    """Severity per rule; rules not named keep their default."""
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES
    """Pages larger than this are not read (an `invalid-encoding` finding says so)."""
    collect_external: bool = False
    """Gather links to other hosts for `kb.links.external` (they are never fetched here)."""
    jobs: int = 0
    """Worker processes; 0 picks by site size and idle CPUs, 1 reads pages in this process."""
    embed_allowlist: tuple[str, ...] = ()
    """URL prefixes allowed in `<iframe>`, `<object>` and `<embed>` (`content.embed_allowlist`)."""

    @property
    def source_language(self) -> str:
        """The language at the site root."""
        return self.languages[0]

    def severity(self, rule: Rule) -> Severity:
        """Effective severity of `rule`."""
        return self.severities.get(rule, RULES[rule].default)


@dataclass(frozen=True)
class LinkSource:
    """One place a URL is linked from: the first occurrence on a page."""

    page: str
    """The built page, relative to the site directory."""
    url: str
    """The URL as written in the page."""
    text: str
    """Link text or alt text (may be empty)."""
    fallback: bool
    """The page is an English fallback copy (its source is the source-language article)."""


@dataclass
class LinkReport:
    """Everything one run of `check_site` found."""

    findings: list[Finding]
    """Sorted findings, `ignore`d rules left out."""
    pages: int
    """HTML pages in the site."""
    links: int
    """URL references checked (links, images, scripts, stylesheets, CSS `url()`s)."""
    external: dict[str, list[LinkSource]] = field(default_factory=dict)
    """External URLs (no fragment) and where they are linked, when `collect_external` is set."""
    notices: list[str] = field(default_factory=list)
    """Things that are not findings but a reader should know (a symlink loop that was skipped)."""
    languages: tuple[str, ...] = ()
    """The languages found: the root's, then each configured one with a folder and index."""


_SKIP, _EXTERNAL, _INTERNAL, _OUTSIDE = range(4)


@dataclass(frozen=True)
class _Target:
    """Where a URL leads; cached per directory and URL, so it knows nothing of the page."""

    kind: int
    path: str = ""
    """Site path as linked, percent-decoded, `/` at the end for a directory (internal)."""
    file: str | None = None
    """The file a server answers with, relative to the site, or None when there is none."""
    fragment: str = ""
    language: str = ""
    page: bool = False
    """The file is an HTML page (a candidate for a cross-language link)."""
    url: str = ""
    """External URL without fragment, or why an outside link leaves the site."""
    plain: bool = False
    """An existing internal file without a fragment: fine unless it crosses languages."""


@dataclass(frozen=True)
class _Site:
    """The files of a built site and how its URLs map to them (shared by worker processes)."""

    site_dir: str
    files: frozenset[str]
    symlinked_dirs: tuple[str, ...]
    languages: tuple[str, ...]
    base_path: str
    origin: tuple[str, str] | None
    allowlist: tuple[str, ...]
    max_page_bytes: int
    collect_external: bool
    html_policy: HtmlPolicy = field(default_factory=HtmlPolicy)
    """The output allowlist; inline scripts are those the site's `_headers` policy lists."""

    def language_of(self, path: str) -> str:
        """Language of a site path: its first folder if that is a language, else the root's."""
        head = path.partition("/")[0]
        if head in self.languages[1:]:
            return head
        return self.languages[0]

    def resolve(self, base: str, url: str) -> _Target:
        """Resolve `url` as linked from a page in directory `base` (site-relative)."""
        url = _URL_WHITESPACE.sub("", url)
        scheme = _SCHEME.match(url)
        if scheme is not None:
            name = scheme.group(0)[:-1].lower()
            if name not in ("http", "https"):
                return _Target(_SKIP)
            parts = urlsplit(url)
            if self.origin is None or (name, parts.netloc.lower()) != self.origin:
                return _Target(_EXTERNAL, url=url.partition("#")[0])
            url = parts.path + (f"#{parts.fragment}" if parts.fragment else "")
            if not url.startswith("/"):
                url = "/" + url
        elif url.startswith("//"):
            parts = urlsplit(f"https:{url}")
            if self.origin is None or parts.netloc.lower() != self.origin[1]:
                return _Target(_EXTERNAL, url=f"https:{url}".partition("#")[0])
            url = parts.path + (f"#{parts.fragment}" if parts.fragment else "")
        path, _, fragment = url.partition("#")
        path = path.partition("?")[0]
        if path.startswith("/"):
            if path == self.base_path.rstrip("/"):
                path = self.base_path
            if not path.startswith(self.base_path):
                return _Target(_OUTSIDE, url=f"outside the base path {self.base_path}")
            joined = path[len(self.base_path) :]
        else:
            joined = f"{base}/{path}" if base else path
        directory = joined == "" or joined.endswith(("/", "/.", "/..")) or joined in (".", "..")
        normal = posixpath.normpath(joined) if joined else "."
        if normal == "..":
            return _Target(_OUTSIDE, url="outside the site")
        if normal.startswith("../"):
            return _Target(_OUTSIDE, url="outside the site")
        decoded = unicodedata.normalize("NFC", unquote(normal)) if normal != "." else ""
        target = self.lookup(decoded, directory=directory)
        shown = f"{decoded}/" if directory and decoded else decoded
        return _Target(
            _INTERNAL,
            path=shown,
            file=target,
            fragment=fragment,
            language=self.language_of(decoded),
            page=target is not None and self.is_page(target),
            plain=target is not None and not fragment,
        )

    def is_page(self, file: str) -> bool:
        """An HTML page, not a file of the folders every language shares."""
        if not file.endswith(PAGE_SUFFIXES):
            return False
        head, _, rest = file.partition("/")
        if head in self.languages[1:]:
            head = rest.partition("/")[0]
        return head not in SHARED_FOLDERS

    def lookup(self, path: str, *, directory: bool) -> str | None:
        """The file a static server answers `path` with: the file, or the folder's index."""
        index = f"{path}/index.html" if path else "index.html"
        if not directory and path in self.files:
            return path
        if index in self.files:
            return index
        if self.symlinked_dirs and f"{path}/".startswith(self.symlinked_dirs):
            # Symlinked folders are not walked (one may loop): ask the file system, which
            # answers ELOOP for a loop instead of hanging.
            full = os.path.join(self.site_dir, path)
            if not directory and os.path.isfile(full):
                return path
            if os.path.isfile(os.path.join(full, "index.html")):
                return index
        return None

    def allowed_cross_language(self, target: _Target, url: str) -> bool:
        """Whether the allowlist covers a cross-language link to `target`."""
        return any(
            url.startswith(prefix) or target.path.startswith(prefix.lstrip("/"))
            for prefix in self.allowlist
        )


@dataclass(frozen=True)
class _Problem:
    """A broken reference found on one page, before it is traced to its source."""

    rule: Rule
    page: str
    key: str
    """What the page is deduplicated on: the target (with its fragment) or the URL."""
    url: str
    message: str
    hint: str
    text: str = ""
    html_line: int = 0
    """Line of the element in the page; 0 until someone needs it (finding it costs a search)."""
    violation: Violation | None = None
    """The output allowlist's violation, for `unsafe-html` (traced by what it names)."""


@dataclass(frozen=True)
class _AnchorRef:
    """A link to a fragment of another page, checked once every page's ids are known."""

    page: str
    target: str
    fragment: str
    url: str
    text: str


@dataclass
class _PageScan:
    """What one page contributes: its ids, its links' problems and its cross-page anchors."""

    page: str
    ids: frozenset[str] | None = None
    fallback: bool = False
    links: int = 0
    problems: list[_Problem] = field(default_factory=list)
    anchors: list[_AnchorRef] = field(default_factory=list)
    external: list[tuple[str, str, str]] = field(default_factory=list)


_SITE: _Site | None = None
_CACHE: dict[tuple[str, int], dict[str, _Target]] = {}
"""Resolved URLs by (folder, number of leading `../`): theme navigation repeats the same
`../../x/` on every page of a depth, and all those pages share one resolution."""


def _init_worker(site: _Site) -> None:
    global _SITE
    _SITE = site
    _CACHE.clear()


class _PageReader:
    """Collects ids and checks links of one page in a single pass over its elements."""

    def __init__(self, site: _Site, page: str, data: bytes) -> None:
        self.site = site
        self.page = page
        self.data = data
        self.directory = posixpath.dirname(page)
        self.language = site.language_of(page)
        self.scan = _PageScan(page)
        self.ids: set[str] = set()
        self.reported: set[tuple[Rule, str]] = set()
        self.anchor_keys: set[tuple[str, str]] = set()
        self.external_seen: set[str] = set()
        self.seen = 0
        self.skipped = 0
        parts = self.directory.split("/") if self.directory else []
        self.levels = [
            _CACHE.setdefault(("/".join(parts[: len(parts) - ups]), ups), {})
            for ups in range(len(parts) + 1)
        ]

    def read(self) -> _PageScan:
        tree = LexborHTMLParser(self.data)
        ids = self.ids
        for node in tree.css("[id]"):
            if node.id:
                ids.add(node.id)
        for node in tree.css("a[name]"):
            name = node.attrs.get("name")
            if name:
                ids.add(name)
        self.scan.ids = frozenset(ids)
        self.scan.fallback = tree.css_first(".kb-fallback-content") is not None
        self.unsafe(tree)
        check = self.check
        language = self.language
        # Navigation mostly climbs to the site root: look there first.
        levels = self.levels[::-1]
        known = 0
        # The fast path of `check` for the thousand navigation links of a page: an already
        # resolved, existing, same-language target needs nothing but a count. A URL is only
        # ever cached at the level of its own number of `../`, so the first hit is the one.
        for node in tree.css("a[href]"):
            url = node.attrs.get("href")
            if url:
                for cache in levels:
                    target = cache.get(url)
                    if target is not None:
                        break
                if (
                    target is not None
                    and target.plain
                    and (not target.page or target.language == language)
                ):
                    known += 1
                    continue
            check(url, node, "a")
        for node in tree.css("link[href]"):
            rels = (node.attrs.get("rel") or "").lower().split()
            if "preconnect" not in rels and "dns-prefetch" not in rels:
                check(node.attrs.get("href"), node, "link")
        for node in tree.css("img[src], script[src], source[src]"):
            check(node.attrs.get("src"), node, node.tag or "img")
        for node in tree.css("img[srcset], source[srcset]"):
            for url in parse_srcset(node.attrs.get("srcset") or ""):
                check(url, node, node.tag or "img")
        self.scan.links = known + self.seen - self.skipped
        return self.scan

    def unsafe(self, tree: LexborHTMLParser) -> None:
        """The last gate: the page against the build's output allowlist (`kb/html_policy.py`)."""
        for violation in check_parsed_page(tree, self.site.html_policy):
            key = f"{violation.element} {violation.attribute} {violation.value[:200]}"
            if (Rule.UNSAFE_HTML, key) in self.reported:
                continue
            self.reported.add((Rule.UNSAFE_HTML, key))
            value = violation.value.strip().splitlines()[0][:200] if violation.value.strip() else ""
            self.scan.problems.append(
                _Problem(
                    Rule.UNSAFE_HTML,
                    self.page,
                    key,
                    "",
                    violation.message,
                    violation.hint,
                    html_line=_line_of(self.data, value)
                    if value
                    else _tag_line(self.data, violation.element),
                    violation=violation,
                )
            )

    def check(self, url: str | None, node: LexborNode, tag: str) -> None:
        if not url:
            return
        url = url.strip()
        if not url:
            return
        self.seen += 1
        if url[0] in "#?":
            fragment = url.partition("#")[2]
            if not fragment_exists(fragment, self.ids):
                self.anchor_problem(self.page, fragment, url, node)
            return
        ups = 0
        if url.startswith("../"):
            ups = 1
            while url.startswith("../", 3 * ups):
                ups += 1
        if ups < len(self.levels):
            cache = self.levels[ups]
            target = cache.get(url)
            if target is None:
                target = cache[url] = self.site.resolve(self.directory, url)
        else:
            target = self.site.resolve(self.directory, url)
        if target.plain and (not target.page or target.language == self.language):
            return
        kind = target.kind
        if kind == _INTERNAL:
            if target.file is None:
                self.missing(target, url, node, tag)
                return
            if target.page and target.language != self.language:
                self.cross_language(target, url, node, tag)
            if target.fragment and target.page:
                if target.file == self.page:
                    if not fragment_exists(target.fragment, self.ids):
                        self.anchor_problem(self.page, target.fragment, url, node)
                elif (target.file, target.fragment) not in self.anchor_keys:
                    self.anchor_keys.add((target.file, target.fragment))
                    self.scan.anchors.append(
                        _AnchorRef(
                            self.page, target.file, target.fragment, url, _link_text(node, tag)
                        )
                    )
        elif kind == _EXTERNAL:
            if self.site.collect_external and target.url not in self.external_seen:
                self.external_seen.add(target.url)
                self.scan.external.append((target.url, url, _link_text(node, tag)))
        elif kind == _OUTSIDE:
            rule = _missing_rule(tag, node, url)
            self.report(
                rule,
                url,
                url,
                f"{_what(rule, tag)} {url!r} points {target.url}",
                "link inside the site, or use an absolute https:// URL for another site",
                node,
                tag,
            )
        else:
            self.skipped += 1

    def missing(self, target: _Target, url: str, node: LexborNode, tag: str) -> None:
        rule = _missing_rule(tag, node, target.path)
        shown = target.path or "/"
        if rule is Rule.MISSING_ASSET:
            hint = "add the file to the docs (or the theme), or fix the path"
        elif url.endswith(".md") or ".md#" in url:
            hint = "MkDocs found no such Markdown file: fix the path (relative to the article)"
        else:
            hint = "fix the link, or add the page it points to"
        self.report(
            rule,
            shown,
            url,
            f"{_what(rule, tag)} {url!r}: {shown} does not exist in the site",
            hint,
            node,
            tag,
        )

    def cross_language(self, target: _Target, url: str, node: LexborNode, tag: str) -> None:
        if _intended_cross_language(node, tag, self.language):
            return
        if self.site.allowed_cross_language(target, url):
            return
        twin = _twin(target.path, target.language, self.language, self.site)
        hint = (
            f"link to the {self.language} page {twin} instead"
            if twin
            else f"link to a {self.language} page"
        )
        hint += ", or mark an intended link with hreflang/lang or --allow-cross-language"
        self.report(
            Rule.CROSS_LANGUAGE_LINK,
            target.path or "/",
            url,
            f"{self.language} page links to the {target.language} page {target.path or '/'}"
            f" ({url!r})",
            hint,
            node,
            tag,
        )

    def anchor_problem(self, page: str, fragment: str, url: str, node: LexborNode) -> None:
        decoded = unquote(fragment)
        self.report(
            Rule.BROKEN_ANCHOR,
            f"{page}#{decoded}",
            url,
            f"link {url!r}: no id {decoded!r} on this page",
            "link to an existing heading id, or give the heading that id with {#id}",
            node,
            "a",
        )

    def report(
        self,
        rule: Rule,
        key: str,
        url: str,
        message: str,
        hint: str,
        node: LexborNode,
        tag: str,
    ) -> None:
        if (rule, key) in self.reported:
            return
        self.reported.add((rule, key))
        self.scan.problems.append(
            _Problem(
                rule,
                self.page,
                key,
                url,
                message,
                hint,
                text=_link_text(node, tag),
                html_line=_line_of(self.data, url),
            )
        )


def _missing_rule(tag: str, node: LexborNode, path: str) -> Rule:
    if tag == "a":
        name = path.rstrip("/").rpartition("/")[2].partition("?")[0].partition("#")[0]
        extension = posixpath.splitext(name)[1].lower()
        if extension and extension not in PAGE_SUFFIXES and extension != ".md":
            return Rule.MISSING_ASSET
        return Rule.BROKEN_LINK
    if tag == "link":
        rels = set((node.attrs.get("rel") or "").lower().split())
        return Rule.BROKEN_LINK if rels & _PAGE_RELS else Rule.MISSING_ASSET
    return Rule.MISSING_ASSET


def _what(rule: Rule, tag: str) -> str:
    if tag == "css":
        return "stylesheet reference"
    if rule is Rule.MISSING_ASSET:
        return {"img": "image", "script": "script", "source": "media source"}.get(tag, "file")
    return "link"


def _intended_cross_language(node: LexborNode, tag: str, language: str) -> bool:
    attrs = node.attrs
    if tag == "link":
        rels = set((attrs.get("rel") or "").lower().split())
        if rels & {"alternate", "canonical"}:
            return True
    hreflang = attrs.get("hreflang")
    if hreflang and _primary(hreflang) != language:
        return True
    current: LexborNode | None = node
    while current is not None and current.tag not in ("html", "-document", None):
        classes = (current.attrs.get("class") or "").split()
        if "md-select__link" in classes or "md-select" in classes:
            return True
        lang = current.attrs.get("lang")
        if lang:
            return _primary(lang) != language
        current = current.parent
    return False


def _primary(language: str) -> str:
    return language.strip().replace("_", "-").partition("-")[0].lower()


def _twin(path: str, language: str, wanted: str, site: _Site) -> str:
    source = site.languages[0]
    rest = path if language == source else path.partition("/")[2]
    twin = rest if wanted == source else f"{wanted}/{rest}"
    found = site.lookup(twin.rstrip("/"), directory=twin.endswith("/") or not twin)
    return (twin or "/") if found else ""


def _link_text(node: LexborNode, tag: str) -> str:
    if tag == "a":
        text = node.text(deep=True, separator=" ", strip=True)
    elif tag == "img":
        text = node.attrs.get("alt") or ""
    else:
        return ""
    text = " ".join(text.split())
    return text[:_TEXT_LIMIT]


def _last_segment(url: str) -> str:
    path = url.partition("#")[0].partition("?")[0]
    for segment in reversed(path.split("/")):
        if segment and segment not in (".", ".."):
            return segment
    fragment = url.partition("#")[2]
    return f"#{fragment}" if fragment else ""


def _line_of(data: bytes, url: str) -> int:
    # selectolax keeps no source positions: find the URL as written (or HTML-escaped).
    written = [url.encode("utf-8", "replace")]
    if "&" in url:
        written.append(url.replace("&", "&amp;").encode("utf-8", "replace"))
    for value in written:
        for candidate in (b'"%s"' % value, b"'%s'" % value, b"=%s" % value, value):
            offset = data.find(candidate)
            if offset >= 0:
                return data.count(b"\n", 0, offset) + 1
    return 1


def _tag_line(data: bytes, element: str) -> int:
    offset = data.lower().find(b"<" + element.encode("ascii", "replace"))
    return data.count(b"\n", 0, offset) + 1 if offset >= 0 else 1


def fragment_exists(fragment: str, ids: AbstractSet[str]) -> bool:
    """Whether `#fragment` leads somewhere on a page with these element ids.

    Args:
        fragment: The fragment as written, without `#` (may be percent-encoded).
        ids: Every `id` (and `a[name]`) of the target page.

    Returns:
        True for an existing id, an empty fragment, `top`, a text fragment, or one of the ids
        Material's JavaScript creates at run time (`__code_N`, `__codelineno-N-A:B`).
    """
    fragment = fragment.partition(":~:")[0]
    if not fragment:
        return True
    if fragment in ids:
        return True
    decoded = unicodedata.normalize("NFC", unquote(fragment))
    if decoded in ids or unquote(fragment) in ids:
        return True
    return _RUNTIME_FRAGMENT.fullmatch(decoded) is not None


def parse_srcset(value: str) -> list[str]:
    """The URLs of a `srcset` attribute, following the HTML standard's candidate syntax.

    Args:
        value: The attribute, e.g. `a.png 1x, b.png 2x`.

    Returns:
        The candidate URLs in order.
    """
    urls: list[str] = []
    position, length = 0, len(value)
    while position < length:
        while position < length and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < length and not value[position].isspace():
            position += 1
        url = value[start:position]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while position < length:
                char = value[position]
                if char == "(":
                    depth += 1
                elif char == ")":
                    depth = max(depth - 1, 0)
                elif char == "," and depth == 0:
                    break
                position += 1
        if url:
            urls.append(url)
    return urls


def _scan_page(task: tuple[str, int]) -> _PageScan:
    site = _SITE
    if site is None:  # pragma: no cover - every caller initialises the worker first
        raise RuntimeError("kb.links.scan worker used before _init_worker")
    page, size = task
    try:
        data = _read_limited(site, page, size)
    except _Unreadable as error:
        return _PageScan(page, problems=[error.problem])
    bad: UnicodeDecodeError | None = None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = error
        data = data.decode("utf-8", "replace").encode("utf-8")
    scan = _PageReader(site, page, data).read()
    if bad is not None:
        line = data.count(b"\n", 0, bad.start) + 1
        scan.problems.append(
            _Problem(
                Rule.INVALID_ENCODING,
                page,
                "",
                "",
                f"page is not valid UTF-8 (byte 0x{bad.object[bad.start]:02x} at offset"
                f" {bad.start}); checked with the bad bytes replaced",
                "save the page's template or source as UTF-8 and rebuild",
                html_line=line,
            )
        )
    return scan


def _read_page(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


class _Unreadable(Exception):
    """A page or stylesheet that was not read; `problem` says why."""

    def __init__(self, problem: _Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _read_limited(site: _Site, page: str, size: int) -> bytes:
    if size > site.max_page_bytes:
        raise _Unreadable(
            _Problem(
                Rule.UNREADABLE_PAGE,
                page,
                "",
                "",
                f"file is {size / 1048576:.1f} MB, over the {site.max_page_bytes / 1048576:g} MB"
                " limit: its links and ids were not checked",
                "find what makes the file so large, or raise --max-page-mb",
            )
        )
    try:
        return _read_page(os.path.join(site.site_dir, page))
    except OSError as error:
        raise _Unreadable(
            _Problem(
                Rule.UNREADABLE_PAGE,
                page,
                "",
                "",
                f"file cannot be read ({error.strerror or error}): its links and ids were not"
                " checked",
                "make the file readable, or rebuild the site",
            )
        ) from None


def _scan_stylesheet(site: _Site, sheet: str, size: int) -> tuple[int, list[_Problem]]:
    try:
        data = _read_limited(site, sheet, size)
    except _Unreadable as error:
        return 0, [error.problem]
    text = data.decode("utf-8", "replace")
    stripped = _CSS_COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), text)
    directory = posixpath.dirname(sheet)
    links = 0
    problems: list[_Problem] = []
    seen: set[str] = set()
    for match in _CSS_URL.finditer(stripped):
        url = next((group for group in match.groups() if group is not None), "").strip()
        if not url or url.startswith("#"):
            continue
        target = site.resolve(directory, url)
        if target.kind == _INTERNAL:
            links += 1
            if target.file is None and target.path not in seen:
                seen.add(target.path)
                problems.append(
                    _Problem(
                        Rule.MISSING_ASSET,
                        sheet,
                        target.path,
                        url,
                        f"stylesheet reference {url!r}: {target.path or '/'} does not exist"
                        " in the site",
                        "add the file (font, image) to the site, or fix the url()",
                        html_line=stripped.count("\n", 0, match.start()) + 1,
                    )
                )
        elif target.kind == _EXTERNAL:
            links += 1
    return links, problems


@dataclass
class _Walk:
    pages: list[tuple[str, int]] = field(default_factory=list)
    stylesheets: list[tuple[str, int]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    symlinked_dirs: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    problems: list[_Problem] = field(default_factory=list)


def _walk(site_dir: Path) -> _Walk:
    walk = _Walk()
    root = str(site_dir)
    root_real = os.path.realpath(root)
    pending = [""]
    while pending:
        relative = pending.pop()
        full = os.path.join(root, relative) if relative else root
        try:
            entries = list(os.scandir(full))
        except OSError as error:
            walk.notices.append(f"cannot read folder {relative or '.'}: {error.strerror or error}")
            continue
        for entry in entries:
            path = f"{relative}/{entry.name}" if relative else entry.name
            try:
                if entry.is_symlink():
                    _symlink(entry, path, root_real, walk)
                    continue
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as error:
                walk.notices.append(f"cannot read {path}: {error.strerror or error}")
                continue
            if stat.S_ISDIR(mode):
                pending.append(path)
            elif stat.S_ISREG(mode):
                _add_file(entry, path, walk)
            else:
                walk.notices.append(f"{path} is not a regular file: skipped")
    walk.pages.sort()
    walk.stylesheets.sort()
    return walk


def _symlink(entry: os.DirEntry[str], path: str, root_real: str, walk: _Walk) -> None:
    real = os.path.realpath(entry.path)
    written = os.readlink(entry.path)
    outside = real != root_real and not real.startswith(root_real + os.sep)
    if entry.is_dir():
        # Never walked: a symlinked folder may point at an ancestor (a loop) or outside the site.
        # Links into one that stays inside are answered by the file system (`_Site.lookup`).
        parent_real = os.path.realpath(os.path.dirname(entry.path))
        if real in (parent_real, root_real) or parent_real.startswith(real + os.sep):
            walk.problems.append(
                _unsafe_symlink(
                    path,
                    f"symlink {path} -> {written} loops back to a folder "
                    f"that holds it ({_shown(real, root_real)}): not followed",
                )
            )
        elif outside:
            walk.problems.append(_unsafe_symlink(path, _outside(path, written)))
        else:
            walk.symlinked_dirs.append(f"{path}/")
        return
    if not entry.is_file():
        walk.notices.append(f"{path} is a broken symlink: treated as missing")
        return
    if outside:
        # A server would publish whatever it points at (/proc/self/environ, ~/.ssh/...).
        walk.problems.append(_unsafe_symlink(path, _outside(path, written)))
        return
    _add_file(entry, path, walk)


def _outside(path: str, written: str) -> str:
    return f"symlink {path} -> {written} leads outside the site: not followed"


def _unsafe_symlink(path: str, message: str) -> _Problem:
    return _Problem(
        Rule.UNSAFE_SYMLINK,
        path,
        "",
        "",
        message,
        "replace the symlink with the file itself, or remove it, and rebuild",
        html_line=1,
    )


def _shown(real: str, root_real: str) -> str:
    if real == root_real:
        return "the site folder"
    if real.startswith(root_real + os.sep):
        return real[len(root_real) + 1 :]
    return real


def _add_file(entry: os.DirEntry[str], path: str, walk: _Walk) -> None:
    walk.files.add(path)
    # Links are percent-decoded to NFC; a name written decomposed (macOS) must still match.
    walk.files.add(unicodedata.normalize("NFC", path))
    lower = path.lower()
    if lower.endswith(PAGE_SUFFIXES):
        walk.pages.append((path, entry.stat().st_size))
    elif lower.endswith(".css"):
        walk.stylesheets.append((path, entry.stat().st_size))


def _jobs(requested: int, pages: int, busy: int) -> int:
    if requested > 0:
        return requested
    if pages < 300:  # forking workers costs about 50 ms: worth it from a few hundred pages on
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # Workers on CPUs another process keeps busy only add overhead (measured: 4.1 s with two
    # workers against 3.4 s in one process when one of two CPUs was taken).
    return max(1, min((cpus or 1) - busy, 8))


def _busy_cpus() -> int:
    """Runnable processes besides this one right now (Linux `/proc/loadavg`), else 0."""
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            running = int(handle.read().split()[3].partition("/")[0])
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, running - 1)


def _scan_all(
    site: _Site, tasks: Sequence[tuple[str, int]], jobs: int, progress: Progress | None
) -> Iterator[_PageScan]:
    total = len(tasks)
    if jobs <= 1 or total < 2:
        _init_worker(site)
        for done, task in enumerate(tasks, 1):
            yield _scan_page(task)
            if progress is not None:
                progress(done, total)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    chunk = max(1, min(16, total // (jobs * 8)))
    with context.Pool(jobs, initializer=_init_worker, initargs=(site,)) as pool:
        for done, scan in enumerate(pool.imap_unordered(_scan_page, tasks, chunksize=chunk), 1):
            yield scan
            if progress is not None:
                progress(done, total)


def check_site(options: LinkOptions, progress: Progress | None = None) -> LinkReport:
    """Check every page of a built site: links, anchors, assets and cross-language links.

    Args:
        options: The site and how to read it.
        progress: Called as pages are read, for a progress bar.

    Returns:
        The findings (with the effective severity, `ignore`d rules left out) and counts.

    Raises:
        LinkConfigError: The site directory does not exist or the languages are unusable.
    """
    site_dir = options.site_dir
    if not site_dir.is_dir():
        raise LinkConfigError(f"{site_dir} is not a directory: build the site first (mkdocs build)")
    if not options.languages:
        raise LinkConfigError("no languages: pass --languages en,ja or configure the i18n plugin")
    busy = _busy_cpus()
    walk = _walk(site_dir)
    busy = min(busy, _busy_cpus())  # the smaller of two samples: a passing process is noise
    languages = (
        options.languages[0],
        *(code for code in options.languages[1:] if f"{code}/index.html" in walk.files),
    )
    site = _Site(
        site_dir=str(site_dir),
        files=frozenset(walk.files),
        symlinked_dirs=tuple(walk.symlinked_dirs),
        languages=languages,
        base_path=normalise_base_path(options.base_path),
        origin=_origin(options.site_url),
        allowlist=options.cross_language_allowlist,
        max_page_bytes=options.max_page_bytes,
        collect_external=options.collect_external,
        html_policy=HtmlPolicy(
            embed_allowlist=options.embed_allowlist,
            trusted_scripts=script_hashes_of(read_policy(site_dir) or ""),
        ),
    )
    ids: dict[str, frozenset[str] | None] = {}
    fallback: dict[str, bool] = {}
    problems: list[_Problem] = list(walk.problems)
    anchors: list[_AnchorRef] = []
    external: dict[str, list[LinkSource]] = {}
    links = 0
    jobs = _jobs(options.jobs, len(walk.pages), busy)
    for scan in _scan_all(site, walk.pages, jobs, progress):
        ids[scan.page] = scan.ids
        fallback[scan.page] = scan.fallback
        problems.extend(scan.problems)
        anchors.extend(scan.anchors)
        links += scan.links
        for url, written, text in scan.external:
            external.setdefault(url, []).append(LinkSource(scan.page, written, text, scan.fallback))
    _init_worker(site)
    for sheet, size in walk.stylesheets:
        count, found = _scan_stylesheet(site, sheet, size)
        links += count
        problems.extend(found)
    for anchor in anchors:
        target_ids = ids.get(anchor.target)
        if target_ids is None or fragment_exists(anchor.fragment, target_ids):
            continue
        decoded = unquote(anchor.fragment)
        problems.append(
            _Problem(
                Rule.BROKEN_ANCHOR,
                anchor.page,
                f"{anchor.target}#{decoded}",
                anchor.url,
                f"link {anchor.url!r}: no id {decoded!r} in {anchor.target}",
                "link to an existing heading id, or give the heading that id with {#id}",
                text=anchor.text,
            )
        )
    tracer = SourceTracer(options, languages)
    findings = [
        finding
        for problem in problems
        if (finding := tracer.finding(problem, fallback.get(problem.page, False))) is not None
    ]
    for sources in external.values():
        sources.sort(key=lambda source: source.page)
    return LinkReport(
        findings=sort_findings(findings),
        pages=len(walk.pages),
        links=links,
        external=dict(sorted(external.items())),
        notices=walk.notices,
        languages=languages,
    )


def normalise_base_path(base_path: str) -> str:
    """`help`, `/help` and `/help/` all become `/help/`; empty becomes `/`."""
    stripped = base_path.strip().strip("/")
    return f"/{stripped}/" if stripped else "/"


def base_path_from_site_url(site_url: str) -> str:
    """The URL path of MkDocs' `site_url` (`https://x.example/help/` -> `/help/`)."""
    return normalise_base_path(urlsplit(site_url).path) if site_url else "/"


def _origin(site_url: str) -> tuple[str, str] | None:
    if not site_url:
        return None
    parts = urlsplit(site_url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return parts.scheme.lower(), parts.netloc.lower()


class SourceTracer:
    """Maps a built page to the Markdown article it came from and a link to its line."""

    def __init__(self, options: LinkOptions, languages: Sequence[str] | None = None) -> None:
        self.options = options
        self.languages = tuple(languages or options.languages)
        self.site_dir = options.site_dir
        self.root = options.root.resolve()
        self._lines: dict[Path, list[str] | None] = {}
        self._page: tuple[str, bytes] = ("", b"")

    def finding(self, problem: _Problem, fallback: bool) -> Finding | None:
        """The finding for a problem, or None when its rule is ignored."""
        severity = self.options.severity(problem.rule)
        if severity is Severity.IGNORE:
            return None
        if problem.violation is not None:
            return self.locate_violation(problem, problem.violation, fallback, severity)
        return self.locate(
            problem.rule,
            problem.page,
            fallback,
            message=problem.message,
            hint=problem.hint,
            severity=severity,
            url=problem.url,
            text=problem.text,
            html_line=problem.html_line or (0 if problem.url else 1),
        )

    def locate(
        self,
        rule: Rule,
        page: str,
        fallback: bool,
        *,
        message: str,
        hint: str,
        severity: Severity,
        url: str = "",
        text: str = "",
        html_line: int = 0,
    ) -> Finding:
        """Build a finding that names the source article and line when they can be traced.

        Args:
            rule: The rule.
            page: The built page, relative to the site directory.
            fallback: The page is an English fallback copy.
            message: What is wrong.
            hint: How to fix it.
            severity: Effective severity.
            url: The URL as written in the page (empty for a finding about the whole page).
            text: The link text or alt text.
            html_line: Line of the element in the page, or 0 to find it from `url`.

        Returns:
            The finding.
        """
        language = _page_language(page, self.languages)
        path = self.site_dir / page
        line = 0
        source = next(iter(self.sources(page, language, fallback)), None)
        if source is not None and url:
            line = self.line(source[0], url, text)
            if line:
                path, language = source
        if not line:
            line = html_line if html_line > 0 else self.html_line(page, url)
        return Finding(
            path=self.display(path),
            line=line,
            rule=rule,
            message=message,
            hint=hint,
            language=language,
            severity=severity,
            page=page,
        )

    def locate_violation(
        self, problem: _Problem, violation: Violation, fallback: bool, severity: Severity
    ) -> Finding:
        """An unsafe-html finding on the source article's nearest line, else on the page's."""
        page = problem.page
        language = _page_language(page, self.languages)
        path, line = self.site_dir / page, problem.html_line or 1
        source = next(iter(self.sources(page, language, fallback)), None)
        if source is not None:
            lines = self._source_lines(source[0])
            if lines:
                path, language = source
                line = nearest_line(lines, violation)
        return Finding(
            path=self.display(path),
            line=line,
            rule=Rule.UNSAFE_HTML,
            message=problem.message,
            hint=problem.hint,
            language=language,
            severity=severity,
            page=page,
        )

    def sources(self, page: str, language: str, fallback: bool) -> Iterator[tuple[Path, str]]:
        """Markdown files that may have produced `page`, the most likely first."""
        docs = self.options.docs_dir
        if docs is None:
            return
        docs = docs if docs.is_absolute() else self.root / docs
        source = self.options.source_language
        rest = page if language == source else page.partition("/")[2]
        order = [source] if fallback else [language, source] if language != source else [source]
        for candidate in _source_candidates(rest):
            for lang in order:
                path = self._source_path(docs, lang, candidate)
                if path.is_file():
                    yield path, lang
                    return

    def _source_path(self, docs: Path, language: str, candidate: str) -> Path:
        path = docs / language_path(candidate, language, layout=self.options.layout)
        if self.options.layout == "suffix" and language == self.options.source_language:
            return path if path.is_file() else docs / candidate
        return path

    def line(self, source: Path, url: str, text: str) -> int:
        """Line of `source` most likely to hold the link `url` with `text`; 0 if none does.

        Args:
            source: The Markdown article.
            url: The URL as the built page has it.
            text: The link text or alt text.

        Returns:
            The best-scoring line: the whole URL counts most, then the fragment and the last
            path segment inside a link target, then `[text]`; 0 when nothing matches.
        """
        lines = self._source_lines(source)
        if not lines:
            return 0
        patterns = _source_patterns(url, text)
        best, best_score = 0, 0
        for number, content in enumerate(lines, 1):
            score = sum(weight for weight, pattern in patterns if pattern.search(content))
            if score > best_score:
                best, best_score = number, score
        return best

    def _source_lines(self, source: Path) -> list[str] | None:
        if source not in self._lines:
            try:
                lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = None
            self._lines[source] = lines
        return self._lines[source]

    def html_line(self, page: str, url: str) -> int:
        """Line of `url` in the built page, 1 when it cannot be found."""
        if not url:
            return 1
        if self._page[0] != page:
            try:
                self._page = (page, _read_page(os.path.join(self.site_dir, page)))
            except OSError:
                return 1
        return _line_of(self._page[1], url)

    def display(self, path: Path) -> str:
        """`path` relative to the working directory, POSIX."""
        absolute = path if path.is_absolute() else Path.cwd() / path
        try:
            return absolute.relative_to(self.root).as_posix()
        except ValueError:
            return Path(os.path.relpath(absolute, self.root)).as_posix()


def _page_language(page: str, languages: Sequence[str]) -> str:
    head = page.partition("/")[0]
    return head if head in languages[1:] else languages[0]


def _source_candidates(rest: str) -> list[str]:
    directory, name = posixpath.split(rest)
    stem = posixpath.splitext(name)[0]
    if stem == "index":
        if not directory:
            return ["index.md", "README.md"]
        return [f"{directory}.md", f"{directory}/index.md", f"{directory}/README.md"]
    prefix = f"{directory}/" if directory else ""
    return [f"{prefix}{stem}.md"]


_LINK_OPEN = r"""(?:\]\(\s*<?|\]:\s*<?|(?:href|src)\s*=\s*["']?)"""
"""Where a link target starts in Markdown (`](`, `]: `) or in raw HTML (`href=`, `src=`)."""


def _source_patterns(url: str, text: str) -> list[tuple[int, re.Pattern[str]]]:
    # MkDocs rewrites relative Markdown links (`../x.md` -> `../../x/`) but leaves absolute and
    # root-relative ones alone: only those must appear whole in the article.
    patterns: list[tuple[int, re.Pattern[str]]] = []
    for written in dict.fromkeys((url, unquote(url))):
        if len(written) >= 4:
            patterns.append((8, re.compile(re.escape(written))))
    path, _, fragment = url.partition("#")
    fragment = fragment.partition(":~:")[0]
    if fragment:
        for variant in dict.fromkeys((fragment, unquote(fragment))):
            patterns.append(
                (4, re.compile(f"{_LINK_OPEN}[^)\\s\"'>#]*#{re.escape(variant)}(?![\\w-])"))
            )
    relative = not _SCHEME.match(url) and not url.startswith("/")
    segment = unquote(_last_segment(path)) if relative and path else ""
    stem, extension = posixpath.splitext(segment)
    if extension.lower() in PAGE_SUFFIXES:
        segment = stem
    if len(segment) >= 2 and segment not in ("index", "#"):
        patterns.append(
            (2, re.compile(f"{_LINK_OPEN}(?:[^)\\s\"'>]*/)?{re.escape(segment)}(?![\\w-])"))
        )
    if len(text) >= 2:
        patterns.append((2, re.compile(re.escape(f"[{text}]"))))
    return patterns


@dataclass(frozen=True)
class SiteConfig:
    """What `kb links` takes from `mkdocs.yml`."""

    config_file: Path
    site_dir: Path
    docs_dir: Path
    site_url: str = ""
    languages: tuple[str, ...] = ()
    layout: Layout = "folder"
    cross_language_allowlist: tuple[str, ...] = ()
    severities: dict[Rule, Severity] = field(default_factory=dict)
    embed_allowlist: tuple[str, ...] = ()


def read_site_config(config_file: Path) -> SiteConfig:
    """Read the settings `kb links` needs from an `mkdocs.yml` (following `INHERIT`).

    Args:
        config_file: The configuration file.

    Returns:
        Site and docs folders (absolute), `site_url`, the i18n languages (source first), the
        docs layout, and the `kb` plugin's `links.cross_language_allowlist` and `severity`.

    Raises:
        LinkConfigError: The file cannot be read or a value has the wrong type.
    """
    try:
        site = read_site_settings(config_file)
        codes, default = site.i18n_languages()
        kb = site.kb_options()
    except ConfigError as error:
        raise LinkConfigError(str(error)) from None
    name = site.name
    base = config_file.parent
    config = site.settings
    i18n = site.plugins.get("i18n") or {}
    languages = sorted(codes, key=lambda code: code != default)
    links = kb.get("links") or {}
    if not isinstance(links, Mapping):
        raise LinkConfigError(f"{name}: plugins.kb.links.scan must be a mapping")
    allowlist = links.get("cross_language_allowlist") or []
    if not isinstance(allowlist, list) or not all(isinstance(p, str) and p for p in allowlist):
        raise LinkConfigError(
            f"{name}: plugins.kb.links.scan.cross_language_allowlist must be a list of URL prefixes"
        )
    try:
        severities = parse_severities(kb.get("severity"), where=f"{name}: plugins.kb.severity")
    except SeverityError as error:
        raise LinkConfigError(str(error)) from None
    content = kb.get("content") or {}
    embeds = content.get("embed_allowlist") or [] if isinstance(content, Mapping) else None
    if not isinstance(embeds, list) or not all(isinstance(p, str) and p for p in embeds):
        raise LinkConfigError(
            f"{name}: plugins.kb.content.embed_allowlist must be a list of URL prefixes"
        )
    layout = i18n.get("docs_structure", "suffix")
    site_url = config.get("site_url") or ""
    for key, value in (
        ("site_dir", config.get("site_dir", "site")),
        ("docs_dir", config.get("docs_dir", "docs")),
        ("site_url", site_url),
    ):
        if not isinstance(value, str):
            raise LinkConfigError(f"{name}: {key} must be a string")
    return SiteConfig(
        config_file=config_file,
        site_dir=base / str(config.get("site_dir", "site")),
        docs_dir=base / str(config.get("docs_dir", "docs")),
        site_url=str(site_url),
        languages=tuple(languages),
        layout="suffix" if layout == "suffix" else "folder",
        cross_language_allowlist=tuple(allowlist),
        severities=severities,
        embed_allowlist=tuple(embeds),
    )


def external_findings(
    failures: Mapping[str, tuple[str, str]],
    report: LinkReport,
    options: LinkOptions,
) -> list[Finding]:
    """Findings for external links that failed, one per page that links to each URL.

    Args:
        failures: Failed URL -> (message, hint), from `kb.links.external.failures`.
        report: The run that collected the URLs (`LinkReport.external` says where they are).
        options: The options of the run (severities, sources for tracing).

    Returns:
        Sorted findings, empty when `external-link` is ignored.
    """
    severity = options.severity(Rule.EXTERNAL_LINK)
    if severity is Severity.IGNORE:
        return []
    tracer = SourceTracer(options, report.languages)
    findings: list[Finding] = []
    for url, (message, hint) in failures.items():
        for source in report.external.get(url, ()):
            findings.append(
                tracer.locate(
                    Rule.EXTERNAL_LINK,
                    source.page,
                    source.fallback,
                    message=message,
                    hint=hint,
                    severity=severity,
                    url=source.url,
                    text=source.text,
                )
            )
    return sort_findings(findings)
