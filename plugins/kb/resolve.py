"""Where a relative link of an article leads, with static-i18n's fallback between languages."""

from __future__ import annotations

import functools
import html
import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote

if TYPE_CHECKING:
    from kb.articles import Article
    from kb.corpus import FileIndex
    from kb.project import Project

TargetKind = Literal["external", "site", "page", "asset", "anchor", "empty"]
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_UNSAFE_SCHEMES = (
    "javascript:",
    "vbscript:",
    "data:text/html",
    "data:application/xhtml",
    "data:image/svg",
)
_CONTROL = re.compile(r"[\x00-\x20]+")


@dataclass(frozen=True)
class LinkTarget:
    """A link's target, split into its parts."""

    raw: str
    """The target as written."""
    kind: TargetKind
    """`external` (has a scheme), `site` (starts with `/`), `page` (`.md` or a folder),
    `asset` (another file), `anchor` (`#id` on the same page) or `empty`."""
    path: str = ""
    """The decoded path without query and fragment."""
    anchor: str = ""
    """The decoded fragment, without `#`."""


@dataclass(frozen=True)
class Resolution:
    """What a relative target leads to from one article."""

    docs_path: str | None
    """The docs-relative file it reaches, or None when nothing exists there."""
    tree: str | None
    """Language tree the written path points into (None for shared files and plain paths)."""
    fallback: bool
    """Found only through static-i18n's fallback to the source language."""
    wanted: str
    """Docs-relative path the link names first (for messages)."""
    key: str
    """Language-independent identity of the target, for comparing twins."""


@functools.lru_cache(maxsize=16384)
def parse_target(raw: str) -> LinkTarget:
    """Classify a link target.

    Args:
        raw: The target as written in Markdown or HTML.

    Returns:
        The classified target.
    """
    target = raw.strip()
    if not target:
        return LinkTarget(raw, "empty")
    if _SCHEME.match(target) or target.startswith("//"):
        return LinkTarget(raw, "external")
    path, _, anchor = target.partition("#")
    path = path.partition("?")[0]
    anchor = unquote(anchor)
    if not path:
        return LinkTarget(raw, "anchor" if anchor else "empty", "", anchor)
    if path.startswith("/"):
        return LinkTarget(raw, "site", unquote(path), anchor)
    path = unquote(path)
    name = path.rstrip("/").rpartition("/")[2]
    if path.endswith("/") or name in (".", "..") or path.endswith(".md") or "." not in name:
        return LinkTarget(raw, "page", path, anchor)
    return LinkTarget(raw, "asset", path, anchor)


def is_unsafe_url(value: str) -> bool:
    """True for `javascript:`, `vbscript:` and `data:` URLs of HTML or SVG (documents that run
    script), however spaced, cased or entity-encoded."""
    if ":" not in value and "&" not in value:
        return False
    cleaned = _CONTROL.sub("", html.unescape(value)).lower()
    return cleaned.startswith(_UNSAFE_SCHEMES)


class Resolver:
    """Resolves targets the way MkDocs and static-i18n do, against the project's files."""

    def __init__(self, project: Project, index: FileIndex) -> None:
        """Resolve against `index`, with the project's layout, languages and fallback."""
        self.project = project
        self.index = index
        self.languages = set(project.languages)
        self.source = project.source_language
        self._located: dict[str, tuple[str, str] | None] = {}
        self._resolved: dict[tuple[str, str, str], Resolution] = {}

    def locate(self, docs_path: str) -> tuple[str, str] | None:
        """(language, rel) of the article at a docs-relative path, or None."""
        if docs_path not in self._located:
            key = self.index.classify(docs_path, self.languages, self.source)
            if key is not None and self.index.articles.get(key) != docs_path:
                key = None
            self._located[docs_path] = key
        return self._located[docs_path]

    def resolve(self, article: Article, target: LinkTarget) -> Resolution:
        """Resolve a `page` or `asset` target of `article`.

        Args:
            article: The article containing the link.
            target: A relative target (`page` or `asset`).

        Returns:
            Where it leads; `docs_path` is None when no file exists.
        """
        # Parity and the content rules resolve the same links: resolve each once.
        key = (article.language, article.rel, target.raw)
        resolution = self._resolved.get(key)
        if resolution is None:
            if self.project.layout == "folder":
                resolution = self._folder(article, target)
            else:
                resolution = self._suffix(article, target)
            self._resolved[key] = resolution
        return resolution

    def _article_dir(self, article: Article) -> str:
        docs_path = self.index.docs_path(article.language, article.rel)
        if docs_path is None:
            docs_path = self.index.expected_path(article.language, article.rel)
        return posixpath.dirname(docs_path)

    def _folder(self, article: Article, target: LinkTarget) -> Resolution:
        joined = posixpath.normpath(posixpath.join(self._article_dir(article), target.path))
        if joined == ".." or joined.startswith("../"):
            return Resolution(None, None, False, joined, f"outside:{joined}")
        head, _, rest = joined.partition("/")
        language = article.language
        fallback_from = -1
        if head in self.languages and rest:
            tree: str | None = head
            candidates = [joined]
            if head == language:
                if self.project.fallback and language != self.source:
                    fallback_from = len(candidates)
                    candidates.append(f"{self.source}/{rest}")
                candidates.append(rest)
                key = rest
            else:
                key = f"{head}:{rest}"
        else:
            # A path outside the language folders: static-i18n looks in the page's language,
            # then the source language, then at the path itself.
            tree = None
            candidates = [f"{language}/{joined}"]
            if self.project.fallback and language != self.source:
                fallback_from = len(candidates)
                candidates.append(f"{self.source}/{joined}")
            candidates.append(joined)
            key = f"/{joined}"
        return self._first(candidates, target, tree, fallback_from, key)

    def _suffix(self, article: Article, target: LinkTarget) -> Resolution:
        joined = posixpath.normpath(posixpath.join(self._article_dir(article), target.path))
        if joined == ".." or joined.startswith("../"):
            return Resolution(None, None, False, joined, f"outside:{joined}")
        directory, _, name = joined.rpartition("/")
        stem, dot, extension = name.rpartition(".")
        prefix = f"{directory}/" if directory else ""
        language = article.language
        base, dot2, suffix = stem.rpartition(".")
        fallback_from = -1
        if dot and dot2 and suffix in self.languages:
            tree: str | None = suffix
            candidates = [joined]
            plain = f"{prefix}{base}.{extension}"
            key = plain if suffix == language else f"{suffix}:{plain}"
        elif dot:
            tree = None
            candidates = [f"{prefix}{stem}.{language}.{extension}"]
            if language == self.source or not self.project.fallback:
                candidates.append(joined)
            if self.project.fallback and language != self.source:
                fallback_from = len(candidates)
                candidates.extend([f"{prefix}{stem}.{self.source}.{extension}", joined])
            key = joined
        else:
            tree = None
            candidates = [joined]
            key = joined
        return self._first(candidates, target, tree, fallback_from, key)

    def _first(
        self,
        candidates: list[str],
        target: LinkTarget,
        tree: str | None,
        fallback_from: int,
        key: str,
    ) -> Resolution:
        folder = target.kind == "page" and not target.path.endswith(".md")
        for position, candidate in enumerate(candidates):
            for path in self._expand(candidate, folder):
                if self.index.exists(path):
                    fallback = 0 <= fallback_from <= position
                    return Resolution(path, tree, fallback, candidates[0], key)
        return Resolution(None, tree, False, candidates[0], key)

    def _expand(self, candidate: str, folder: bool) -> list[str]:
        if not folder:
            return [candidate]
        base = candidate.rstrip("/")
        if base in ("", "."):
            return ["index.md", "README.md"]
        paths = [f"{base}/index.md", f"{base}/README.md"]
        if self.project.layout == "suffix":
            paths[0:0] = [f"{base}/index.{lang}.md" for lang in self.project.languages]
        return paths
