"""The articles of a project: every file under the docs folder (`FileIndex`), which of them
are articles of which language, and the articles loaded on demand and paired by path (`Corpus`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.articles import ARTICLE_SUFFIXES, Article, ArticlePair, LoadResult, load_article
from kb.docs_tree import DocsTree, walk_docs
from kb.findings import Finding, Rule
from kb.layout import language_path, split_language

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kb.project import Project


class FileIndex:
    """Every file under `docs_dir`, and which of them are articles of which language."""

    def __init__(self, project: Project, files: Iterable[str] | None = None) -> None:
        """Index the docs directory (or the given docs-relative POSIX paths)."""
        self.project = project
        if files is None:
            self.tree = walk_docs(project.docs_dir, project.boundary)
        else:
            self.tree = DocsTree(files=sorted(files))
        self.files: set[str] = set(self.tree.files)
        self.articles: dict[tuple[str, str], str] = {}
        self._docs_prefix = project.display_path(project.docs_dir)
        languages = set(project.languages)
        source = project.source_language
        for docs_path in sorted(self.files):
            if not docs_path.endswith(ARTICLE_SUFFIXES):
                continue
            key = self.classify(docs_path, languages, source)
            if key is None:
                continue
            # In the suffix layout `x.en.md` wins over `x.md` for the default language.
            if key in self.articles and not self._is_suffixed(docs_path):
                continue
            self.articles[key] = docs_path
        self._dirs: set[str] | None = None

    def classify(self, docs_path: str, languages: set[str], source: str) -> tuple[str, str] | None:
        """The (language, rel) of a docs-relative path, or None when it is no article."""
        return split_language(
            docs_path, layout=self.project.layout, languages=languages, default=source
        )

    def article_key(self, docs_path: str) -> tuple[str, str] | None:
        """The (language, rel) of the article at a docs-relative path; None if it is none."""
        key = self.classify(docs_path, set(self.project.languages), self.project.source_language)
        return key if key is not None and self.articles.get(key) == docs_path else None

    def _is_suffixed(self, docs_path: str) -> bool:
        name = docs_path.rpartition("/")[2]
        return name.count(".") >= 2

    def docs_path(self, language: str, rel: str) -> str | None:
        """Docs-relative path of the article `rel` in `language`, if it exists."""
        return self.articles.get((language, rel))

    def display_path(self, docs_path: str) -> str:
        """A docs-relative path as findings report it (relative to the project root)."""
        if self._docs_prefix in ("", "."):
            return docs_path
        return f"{self._docs_prefix}/{docs_path}"

    def expected_path(self, language: str, rel: str) -> str:
        """Docs-relative path where the article `rel` of `language` belongs."""
        if self.project.layout == "suffix" and language == self.project.source_language:
            existing = self.articles.get((language, rel))
            if existing is not None:
                return existing
        return language_path(rel, language, layout=self.project.layout)

    def rels(self, language: str) -> list[str]:
        """Sorted language-relative paths of every article of `language`."""
        return sorted(rel for lang, rel in self.articles if lang == language)

    def exists(self, docs_path: str) -> bool:
        """True when a file exists at this docs-relative path."""
        return docs_path in self.files

    def refusals(self) -> list[Finding]:
        """A finding per entry of the docs folder that kb and the build must not read: an
        `unsafe-symlink`, or an `invalid-encoding` for what is no regular file."""
        languages = set(self.project.languages)
        findings = []
        for refusal in self.tree.refusals:
            key = self.classify(refusal.path, languages, self.project.source_language)
            findings.append(
                Finding(
                    self.display_path(refusal.path),
                    1,
                    Rule.UNSAFE_SYMLINK if refusal.symlink else Rule.INVALID_ENCODING,
                    refusal.message,
                    refusal.hint,
                    key[0] if key is not None else "",
                )
            )
        return findings

    def is_dir(self, docs_path: str) -> bool:
        """True when a directory with files exists at this docs-relative path."""
        if self._dirs is None:
            dirs: set[str] = set()
            for path in self.files:
                parts = path.split("/")[:-1]
                for end in range(1, len(parts) + 1):
                    dirs.add("/".join(parts[:end]))
            self._dirs = dirs
        return docs_path.strip("/") in self._dirs


class Corpus:
    """The articles of a project, loaded on demand and kept."""

    def __init__(self, project: Project, index: FileIndex | None = None) -> None:
        """Index the project's files (or use `index`); articles load when first asked for."""
        self.project = project
        self.index = index or FileIndex(project)
        self._loaded: dict[tuple[str, str], LoadResult] = {}

    def load(self, language: str, rel: str) -> LoadResult | None:
        """The load result of an article, or None when no such file exists."""
        key = (language, rel)
        result = self._loaded.get(key)
        if result is None:
            docs_path = self.index.docs_path(language, rel)
            if docs_path is None:
                return None
            result = load_article(
                self.project,
                self.project.docs_dir / docs_path,
                language,
                rel,
                self.index.display_path(docs_path),
            )
            self._loaded[key] = result
        return result

    def article(self, language: str, rel: str) -> Article | None:
        """The loaded article, or None when it does not exist or cannot be read."""
        result = self.load(language, rel)
        return result.article if result is not None else None

    def exists(self, language: str, rel: str) -> bool:
        """True when the file of the article exists (even if it cannot be loaded)."""
        return (language, rel) in self.index.articles

    @property
    def loaded(self) -> dict[tuple[str, str], LoadResult]:
        """Every load result so far, by (language, rel)."""
        return self._loaded

    def pairs(self, rels: Iterable[str] | None = None) -> list[ArticlePair]:
        """Source articles with their translation per language, then orphan translations.

        Args:
            rels: Only these language-relative paths (default: every article).

        Returns:
            One pair per source article and translation language (translation None when
            missing) and one per orphan translation (source None); files that cannot be loaded
            are left out.
        """
        project = self.project
        source = project.source_language
        if rels is None:
            wanted = sorted({rel for _, rel in self.index.articles})
        else:
            wanted = sorted(set(rels))
        pairs: list[ArticlePair] = []
        for rel in wanted:
            has_source = self.exists(source, rel)
            source_article = self.article(source, rel) if has_source else None
            if has_source and source_article is None:
                continue
            for language in project.translation_languages:
                if not self.exists(language, rel):
                    if source_article is not None:
                        pairs.append(ArticlePair(rel, language, source_article, None))
                    continue
                translation = self.article(language, rel)
                if translation is None:
                    continue
                pairs.append(ArticlePair(rel, language, source_article, translation))
        return pairs
