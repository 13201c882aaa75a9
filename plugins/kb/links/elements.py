"""What a finding on a page element says: its rule, its text, its line; fragments and srcset."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import unquote

from kb.findings import Rule
from kb.links.model import PAGE_SUFFIXES, _Site

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

    from selectolax.lexbor import LexborNode


# Fragments that name no element by design: `#` and `#top` scroll to the top (HTML standard),
# `:~:text=` is a text fragment, and Material's JavaScript creates `__code_N` ids on code
# blocks (and `_annotation_M` for annotations) and `__codelineno-N-A:B` line ranges at run time.
# Material's other `__` ids (`__drawer`, `__search`, `__toc`, `__consent`, `__nav_N`,
# `__palette_N`) are in the built HTML, so links to them are checked like any other.
_RUNTIME_FRAGMENT = re.compile(r"top|__code_\d+(?:_annotation_\d+)?|__codelineno-.+-\d+:\d+", re.I)


_PAGE_RELS = frozenset({"canonical", "alternate", "prev", "next", "author", "help", "license"})


_TEXT_LIMIT = 80


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
