"""Build the site's search index with Pagefind: one index per language, Japanese as bigrams.

Pagefind reads built HTML and writes a static bundle (`pagefind/` at the site root) holding one
index per `<html lang>`, split into small chunks that a browser downloads only for the words it
looks up. kb indexes the pages that carry `data-pagefind-body` (articles in their own language;
the templates leave it off fallback copies, home, product pages and 404). Pagefind reads a
*copy* of each page, written to a temporary directory: there, the text of pages in a language
written without spaces goes through `search_text.segment`, the same function the search box
applies to the query, and inline tags are dropped so that a word split by `<strong>` stays one
run. The pages people read are untouched.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from kb.cjk import NO_SPACE_LANGUAGES
from kb.site.search_text import ends_in_run, segment_keeping_edges
from kb.site.synonyms import SynonymTable, with_synonyms

BUNDLE_DIR = "pagefind"
"""Where the bundle goes, relative to the site directory."""

BODY_MARKER = "data-pagefind-body"
"""The attribute that puts a page in the index."""

UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
"""Pagefind's own user interfaces, which kb's search box does not load."""

_LANG = re.compile(r"<html\b[^>]*?\blang=\"([^\"]+)\"", re.IGNORECASE)
_TAG = re.compile(r"(<!--.*?-->|<[^>]+>)", re.DOTALL)
_RAW_TEXT = re.compile(r"<(script|style|textarea)\b", re.IGNORECASE)
_RAW_TEXT_END = re.compile(r"</(script|style|textarea)\s*>", re.IGNORECASE)
_HEADERLINK = re.compile(r"<a\b[^>]*\bclass=\"headerlink\"[^>]*>.*?</a>", re.DOTALL)
# Inline elements that would split a word in two (`<strong>返金</strong>する`). One is dropped,
# with its end tag, unless it carries an id or a Pagefind attribute (a filter, a meta field).
_INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins"}
    | {"kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u"}
    | {"var"}
)
# Pagefind ends the text of each of these with "." unless it ends with punctuation: `する` would
# become the term `する.`, which excerpts cannot join back to `返金する` (they show `返金すする`).
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dt"}
    | {"figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li"}
    | {"main", "nav", "p", "section", "summary", "td", "th"}
)
# What kb ends such a block with instead: an ideographic full stop of its own.
_BLOCK_END = " \u3002 "
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_KEEP = re.compile(r"\s(?:id|data-pagefind-[a-z-]+)=")


class SearchIndexError(Exception):
    """Pagefind is missing or failed; the message says what to do."""


@dataclass(frozen=True)
class SearchIndexResult:
    """What one indexing run did."""

    bundle: Path
    """The directory of the written bundle (`site/pagefind`)."""
    pages: dict[str, int] = field(default_factory=dict)
    """Indexed pages per language."""


def page_language(html: str) -> str | None:
    """Return the `<html lang>` of a built page, or None."""
    match = _LANG.search(html)
    return match.group(1) if match else None


def indexed_part(html: str, language: str | None) -> str:
    """A small page holding only what Pagefind reads: the language and the indexed element.

    Everything kb indexes (text, `data-pagefind-meta`, `data-pagefind-filter`) sits inside the
    `data-pagefind-body` element; the theme around it (header, navigation, table of contents)
    is most of each page's bytes, and Pagefind would parse it for nothing.

    Args:
        html: The built page.
        language: Its `<html lang>`.

    Returns:
        A minimal HTML document, or `html` unchanged when it has no indexed element.
    """
    body = LexborHTMLParser(html).css_first(f"[{BODY_MARKER}]")
    if body is None:
        return html
    lang = f' lang="{escape(language)}"' if language else ""
    return (
        f'<!DOCTYPE html><html{lang}><head><meta charset="utf-8"></head>'
        f"<body>{body.html}</body></html>"
    )


def index_copy(html: str, language: str | None) -> str:
    """Return the copy of a built page that Pagefind indexes.

    Args:
        html: The built page.
        language: Its `<html lang>`.

    Returns:
        The page without permalink anchors (`¶`) and, for a language written without spaces,
        with inline tags dropped and every text node segmented into search terms.
    """
    html = _HEADERLINK.sub("", html)
    if language is None or language.split("-")[0].lower() not in NO_SPACE_LANGUAGES:
        return html
    out: list[str] = []
    text: list[str] = []
    raw = False
    open_inline: dict[str, list[bool]] = {}
    for index, part in enumerate(_TAG.split(html)):
        if not index % 2:
            text.append(part)
            continue
        name = _TAG_NAME.match(part)
        tag = name.group(2).lower() if name else ""
        if tag in _INLINE and name is not None:
            stack = open_inline.setdefault(tag, [])
            if name.group(1):
                keep = stack.pop() if stack else True
            else:
                keep = bool(_KEEP.search(part))
                stack.append(keep)
            if not keep:
                continue
        joined = "".join(text)
        segmented = joined if raw else segment_keeping_edges(joined)
        text.clear()
        closes_block = not raw and name is not None and bool(name.group(1)) and tag in _BLOCKS
        if closes_block and ends_in_run(segmented):
            if tag in _HEADINGS:  # outside: Pagefind keeps heading text as section titles
                out += [segmented.rstrip() + " ", part, _BLOCK_END]
            else:  # inside: an ignored element (`data-pagefind-ignore`) keeps it too
                out += [segmented.rstrip() + _BLOCK_END.rstrip(), part]
            continue
        out.append(segmented)
        out.append(part)
        if _RAW_TEXT.match(part):
            raw = True
        elif _RAW_TEXT_END.match(part):
            raw = False
    joined = "".join(text)
    out.append(joined if raw else segment_keeping_edges(joined))
    return "".join(out)


def pagefind_binary() -> Path:
    """Return the Pagefind executable that the `pagefind-bin` package ships.

    Raises:
        SearchIndexError: The package is not installed.
    """
    try:
        from pagefind_bin import get_executable
    except ImportError as error:
        raise SearchIndexError(
            "Pagefind is not installed\n"
            "kb's search needs the PyPI package pagefind-bin: pip install -e . (or set "
            "`search: {enabled: false}` under the kb plugin)"
        ) from error
    try:
        return Path(get_executable())
    except FileNotFoundError as error:
        raise SearchIndexError(f"the pagefind-bin package has no executable\n{error}") from error


def prepared_copy(html: str, synonyms: SynonymTable | None) -> tuple[str, str | None]:
    """The copy of a built page that Pagefind reads, and the page's language.

    Args:
        html: The built page (it carries `data-pagefind-body`).
        synonyms: Glossary synonyms per language, added to the copy.

    Returns:
        The copy (`indexed_part`, synonyms, `index_copy`) and the page's `<html lang>`.
    """
    language = page_language(html)
    copy = indexed_part(html, language)
    if synonyms:
        copy = with_synonyms(copy, language, synonyms)
    return index_copy(copy, language), language


def build_search_index(
    site_dir: Path,
    *,
    binary: Path | None = None,
    timeout: float = 600,
    synonyms: SynonymTable | None = None,
    prepared: PreparedCopies | None = None,
) -> SearchIndexResult:
    """Index the built site's pages that carry `data-pagefind-body`, one index per language.

    Args:
        site_dir: The built site.
        binary: The Pagefind executable; by default the one `pagefind-bin` ships.
        timeout: Seconds before Pagefind is given up on.
        synonyms: Glossary synonyms per language (`kb/site/synonyms.py`), added to the copies.
        prepared: Copies prepared while the site was built; each one whose page is still
            the page on disk is used as it is, the others are made here. Closed on return.

    Returns:
        Where the bundle was written and how many pages of each language it holds.

    Raises:
        SearchIndexError: Pagefind is missing, could not run, or failed.
    """
    try:
        executable = binary or pagefind_binary()
        with tempfile.TemporaryDirectory(prefix="kb-search-") as scratch:
            copy_root = Path(scratch) if prepared is None else prepared.wait()
            return _index(site_dir, copy_root, executable, timeout, synonyms, prepared)
    finally:
        if prepared is not None:
            prepared.close()


def _index(
    site_dir: Path,
    copy_root: Path,
    executable: Path,
    timeout: float,
    synonyms: SynonymTable | None,
    prepared: PreparedCopies | None,
) -> SearchIndexResult:
    bundle = site_dir / BUNDLE_DIR
    pages: dict[str, int] = {}
    indexed: set[str] = set()
    for path in sorted(site_dir.rglob("*.html")):
        if bundle in path.parents:
            continue
        html = path.read_text(encoding="utf-8", errors="replace")
        if BODY_MARKER not in html:
            continue
        rel = path.relative_to(site_dir).as_posix()
        indexed.add(rel)
        language = prepared.language_of(rel, html) if prepared is not None else None
        if language is None:
            copy, language = prepared_copy(html, synonyms)
            target = copy_root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(copy, encoding="utf-8")
        key = language or "unknown"
        pages[key] = pages.get(key, 0) + 1
    for copy_path in list(copy_root.rglob("*.html")):
        if copy_path.relative_to(copy_root).as_posix() not in indexed:
            copy_path.unlink()  # prepared, but the page is gone or no longer indexed
    if bundle.exists():
        shutil.rmtree(bundle)
    if not pages:
        return SearchIndexResult(bundle=bundle, pages={})
    command = [
        str(executable),
        "--site",
        str(copy_root),
        "--output-path",
        str(bundle.resolve()),
        "--quiet",
    ]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchIndexError(f"could not run Pagefind ({executable})\n{error}") from error
    if completed.returncode != 0:
        detail = "\n".join((completed.stderr or completed.stdout).strip().splitlines()[-10:])
        raise SearchIndexError(f"Pagefind failed with exit code {completed.returncode}\n{detail}")
    for name in UNUSED_FILES:
        (bundle / name).unlink(missing_ok=True)
    return SearchIndexResult(bundle=bundle, pages=pages)


_worker_synonyms: SynonymTable | None = None


def _start_worker(synonyms: SynonymTable | None) -> None:
    global _worker_synonyms  # one table per worker process, set once
    _worker_synonyms = synonyms


def _write_copy(html: str, target: str) -> str | None:
    """In the worker: write the copy of one page, return its language."""
    copy, language = prepared_copy(html, _worker_synonyms)
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(copy, encoding="utf-8")
    return language


class PreparedCopies:
    """Index copies made while the site builds, page by page, in a worker process.

    The build itself runs on one core; preparing the copies (parsing, segmenting Japanese) on
    another overlaps most of the search index's Python work with the build. A copy counts only
    if the page on disk is still the page it was made from (same digest); anything else is made
    again at the end, so the bundle is the one a single pass over the built site writes.
    """

    def __init__(self, synonyms: SynonymTable | None) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="kb-search-")
        self.root = Path(self._scratch.name)
        self._synonyms = synonyms
        self._pool: ProcessPoolExecutor | None = None
        self._pending: dict[str, tuple[str, Future[str | None]]] = {}
        self.languages: dict[str, str | None] = {}
        """Language of each prepared copy, by path relative to the site (after `wait`)."""
        self._digests: dict[str, str] = {}

    def add(self, rel: str, html: str) -> None:
        """Prepare the copy of the page written at `rel` (relative to the site), if indexed."""
        if BODY_MARKER not in html:
            self._pending.pop(rel, None)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self._synonyms,),
            )
        try:
            future = self._pool.submit(_write_copy, html, str(self.root / rel))
        except RuntimeError:  # the worker died (BrokenProcessPool): made at the end instead
            self._pending.pop(rel, None)
            return
        self._pending[rel] = (_digest(html), future)

    def wait(self) -> Path:
        """Wait for every copy; return the directory holding them."""
        for rel, (digest, future) in self._pending.items():
            try:
                language = future.result()
            except Exception:  # a failed copy is made again at the end
                continue
            self.languages[rel] = language
            self._digests[rel] = digest
        self._pending.clear()
        return self.root

    def language_of(self, rel: str, html: str) -> str | None:
        """The prepared copy's language (its `<html lang>`, "" when none) if the page on disk
        is the page it was made from; None when the copy must be made again."""
        if rel not in self.languages or self._digests.get(rel) != _digest(html):
            return None
        return self.languages[rel] or ""

    def close(self) -> None:
        """Stop the worker and remove the copies."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._pending.clear()
        self._scratch.cleanup()


def _digest(html: str) -> str:
    return hashlib.blake2b(html.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
