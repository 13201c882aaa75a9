"""The site model of `kb links`: its options, its report, the built site's files and targets."""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from kb.html_allowlist import HtmlPolicy, Violation

if TYPE_CHECKING:
    from kb.findings import Finding, Rule, Severity
    from kb.layout import Layout

Progress = Callable[[int, int], None]
"""Called with (pages done, pages in all) while pages are read."""


PAGE_SUFFIXES = (".html", ".htm")


SHARED_FOLDERS = frozenset({"assets", "search"})
"""Top-level folders every language shares (theme CSS/JS, fonts, images, the search index)."""


DEFAULT_MAX_PAGE_BYTES = 20 * 1024 * 1024


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


_URL_WHITESPACE = re.compile(r"[\t\n\r]")


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
        return self.severities.get(rule, rule.info.default)


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
