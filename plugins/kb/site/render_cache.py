"""The build cache: each page's Markdown conversion, and the output check of each built page.

`RenderCache.wrap` runs last in `on_page_markdown`, when the Markdown MkDocs will convert is
final (kb's heading ids from the English twin, the glossary, static-i18n's admonition titles
are in it). It keys the page by a digest of that text, the page's own URLs, and what the
conversion reads besides (`RenderContext`: the Markdown extensions and their options, every file
of the language build with its URL, the link validation options, the log level, the versions of
MkDocs, Markdown, its extensions and kb's code) and replaces the page's `render` for this build:
on a hit it restores what `Page.render` sets (content, table of contents, title, anchors, links to
anchors) and replays what the conversion logged; on a miss it converts and keeps the result
until kb's `on_page_content` says whether the body passed the output allowlist (`finish`).

`PageCheckCache` remembers, for a built page (after compaction) and the output policy, that the
page passed the allowlist and which inline scripts it runs: an unchanged page is not parsed
again.

No MkDocs import at module level: the plugin adapts.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from importlib import metadata
from typing import TYPE_CHECKING, Any

from kb.build_cache import CacheError, CacheStore, cache_disabled_by_env, cache_root, digest_of
from kb.html_allowlist import CheckedHtml, HtmlPolicy
from kb.html_policy import check_page

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import AnchorLink

LIBRARIES = (
    "mkdocs",
    "markdown",
    "pymdown-extensions",
    "pygments",
    "mkdocs-material",
    "mkdocs-static-i18n",
)
"""Distributions whose version changes what a page converts to."""

_LOGGER = "mkdocs"


def _versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def stable(value: Any) -> Any:
    """`value` as JSON that is the same in every process: functions by their qualified name,
    extension objects by their class and options; anything else unknown by its type alone
    would be unsafe, so it raises `TypeError` (the caller does not cache then)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): stable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [stable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(json_text(stable(v)) for v in value)
    if isinstance(value, functools.partial):
        return {
            "partial": stable(value.func),
            "args": stable(list(value.args)),
            "keywords": stable(value.keywords),
        }
    if callable(value) and hasattr(value, "__qualname__") and hasattr(value, "__module__"):
        return f"callable {value.__module__}.{value.__qualname__}"
    get_configs = getattr(value, "getConfigs", None)
    if callable(get_configs):  # a Markdown extension object
        kind = type(value)
        return {
            "extension": f"{kind.__module__}.{kind.__qualname__}",
            "config": stable(get_configs()),
        }
    raise TypeError(f"no stable form for {type(value).__name__}")


def json_text(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def render_context(config: MkDocsConfig, files: Files, options: Any) -> str | None:
    """The digest of what a page's conversion reads besides its Markdown, for one language
    build; None when some of it has no stable form (nothing is cached then)."""
    try:
        extensions = stable(list(config["markdown_extensions"]))
        configs = stable(dict(config["mdx_configs"] or {}))
        validation = stable(dict(config["validation"]))
        kb_options = stable(options)
    except TypeError:
        return None
    listing = [
        (f.src_uri, f.dest_uri, f.url, str(f.inclusion), f.is_documentation_page()) for f in files
    ]
    listing.sort()
    return digest_of(
        "render",
        _versions(),
        extensions,
        configs,
        validation,
        bool(config["use_directory_urls"]),
        kb_options,
        logging.getLogger(_LOGGER).getEffectiveLevel(),
        listing,
    )


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[list[Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append([record.name, record.levelno, record.getMessage()])


def _toc_tokens(links: Iterable[AnchorLink]) -> list[dict[str, Any]]:
    return [
        {
            "level": link.level,
            "id": link.id,
            "name": link.title,
            "children": _toc_tokens(link.children),
        }
        for link in links
    ]


class RenderCache:
    """Converted pages of this build and the last ones (see the module's docstring)."""

    def __init__(self, store: CacheStore) -> None:
        self.store = store
        self._contexts: dict[int, tuple[Files, str | None]] = {}
        self._pending: dict[int, tuple[str, dict[str, Any]]] = {}
        self._clean_hits: set[int] = set()
        self.converted = 0
        self.reused = 0

    def wrap(self, page: Page, config: MkDocsConfig, files: Files, options: Any) -> None:
        """Make this build's `page.render` look in the cache first."""
        self._clean_hits.discard(id(page))
        self._pending.pop(id(page), None)
        known = self._contexts.get(id(files))
        if known is None or known[0] is not files:
            known = (files, render_context(config, files, options))
            self._contexts = {id(files): known}
        context = known[1]
        if context is None or page.markdown is None:
            return
        key = digest_of(
            context, page.file.src_uri, page.file.dest_uri, page.file.url, page.markdown
        )
        original: Callable[[MkDocsConfig, Files], None] = page.render

        def render(config: MkDocsConfig, files: Files) -> None:
            entry = self.store.get(key)
            if isinstance(entry, dict) and self._restore(page, entry, files):
                self.reused += 1
                return
            self._clean_hits.discard(id(page))
            handler = _Capture()
            logger = logging.getLogger(_LOGGER)
            logger.addHandler(handler)
            try:
                original(config, files)
            finally:
                logger.removeHandler(handler)
            self.converted += 1
            self._pending[id(page)] = (key, self._entry(page, handler.records))

        page.render = render  # type: ignore[method-assign]

    @staticmethod
    def _entry(page: Page, records: list[list[Any]]) -> dict[str, Any]:
        links = page.links_to_anchors
        return {
            "content": page.content,
            "toc": _toc_tokens(page.toc),
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": None
            if links is None
            else {target.src_uri: dict(anchors) for target, anchors in links.items()},
            "log": records,
            "clean": False,
        }

    def _restore(self, page: Page, entry: dict[str, Any], files: Files) -> bool:
        from mkdocs.structure.toc import get_toc

        try:
            content = entry["content"]
            title = entry["title"]
            anchors = entry["anchors"]
            links = entry["links"]
            records = entry["log"]
            if not isinstance(content, str) or not (title is None or isinstance(title, str)):
                return False
            if not (isinstance(anchors, list) and all(isinstance(a, str) for a in anchors)):
                return False
            linked = None
            if links is not None:
                linked = {}
                for src_uri, targets in dict(links).items():
                    target = files.get_file_from_path(src_uri)
                    if target is None or not isinstance(targets, dict):
                        return False
                    linked[target] = {str(k): str(v) for k, v in targets.items()}
            toc = get_toc(entry["toc"])
            replay = [(str(name), int(level), str(message)) for name, level, message in records]
        except (KeyError, TypeError, ValueError, AttributeError):
            return False
        page.content = content
        page.toc = toc
        page._title_from_render = title
        page.present_anchor_ids = set(anchors)
        if linked is not None:
            page.links_to_anchors = linked
        for name, level, message in replay:
            logging.getLogger(name).log(level, "%s", message)
        if entry.get("clean") is True:
            self._clean_hits.add(id(page))
        return True

    def passed(self, page: Page) -> bool:
        """True when the page's body came from the cache and passed the output allowlist when
        it was made (with the same options: they are part of the key)."""
        return id(page) in self._clean_hits

    def finish(self, page: Page, *, clean: bool) -> None:
        """Store a page converted in this build, now that kb checked its body."""
        pending = self._pending.pop(id(page), None)
        if pending is None:
            return
        key, entry = pending
        entry["clean"] = clean
        self.store.put(key, entry)


class PageCheckCache:
    """Built pages (compacted) that passed the output allowlist, with their inline scripts."""

    def __init__(self, store: CacheStore) -> None:
        self.store = store

    def check(self, html: str, policy: HtmlPolicy) -> CheckedHtml:
        """`check_page(html, policy)`, from the cache when this page passed it before."""
        key = digest_of(
            "page-check", list(policy.embed_allowlist), sorted(policy.trusted_scripts), html
        )
        entry = self.store.get(key)
        scripts = entry.get("inline") if isinstance(entry, dict) else None
        if isinstance(scripts, list) and all(isinstance(s, str) for s in scripts):
            return CheckedHtml([], html, scripts)
        checked = check_page(html, policy)
        if not checked.violations:  # a page with violations is reported on every build
            self.store.put(key, {"inline": checked.inline_scripts})
        return checked


class BuildCaches:
    """The caches of one `mkdocs build` (both languages): see the module's docstring."""

    def __init__(self, root: Path) -> None:
        self.render = RenderCache(CacheStore(root, "render", background=True))
        self.pages = PageCheckCache(CacheStore(root, "page-check", background=True))

    def flush(self) -> None:
        """Wait for the entries of this build to be written."""
        self.render.store.flush()
        self.pages.store.flush()

    def prune(self) -> None:
        """Drop what this build did not use; only after a whole build."""
        self.render.store.prune()
        self.pages.store.prune()

    def summary(self) -> str:
        render = self.render
        return (
            f"Build cache: {render.reused} pages reused, {render.converted} converted "
            f"(KB_NO_CACHE=1 or the kb option cache: false turns it off)"
        )


def open_build_caches(project_dir: Path, *, enabled: bool) -> tuple[BuildCaches | None, str]:
    """The build caches in `project_dir/.cache/kb`, or None with the reason they are off
    (empty when they were turned off on purpose)."""
    if not enabled or cache_disabled_by_env():
        return None, ""
    try:
        return BuildCaches(cache_root(project_dir)), ""
    except CacheError as error:
        return None, str(error)
