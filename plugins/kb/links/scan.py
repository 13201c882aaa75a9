"""Scan one built page (or stylesheet) for its links, anchors and assets, in a worker process."""

from __future__ import annotations

import os
import posixpath
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser

from kb.findings import Rule
from kb.html_policy import check_parsed_page
from kb.links.elements import (
    _intended_cross_language,
    _line_of,
    _link_text,
    _missing_rule,
    _tag_line,
    _twin,
    _what,
    fragment_exists,
    parse_srcset,
)
from kb.links.model import (
    _EXTERNAL,
    _INTERNAL,
    _OUTSIDE,
    _AnchorRef,
    _PageScan,
    _Problem,
    _Site,
    _Target,
)

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode


_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')"""
)


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


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
