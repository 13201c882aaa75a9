"""The rules: parity between twins, products, content of single articles, terminology, style."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kb.digest import source_digest
from kb.prose import Prose, prose_of
from kb.slugs import structure_heading_ids

if TYPE_CHECKING:
    from kb.articles import Article
    from kb.corpus import Corpus
    from kb.findings import Rule
    from kb.project import Project
    from kb.resolve import Resolver
    from kb.rules.terminology import TermIndex
    from kb.taxonomy import Taxonomy


@dataclass
class RuleContext:
    """What rules share during one check: the project, its articles and the enabled rules."""

    project: Project
    """The project."""
    corpus: Corpus
    """Articles, loaded on demand."""
    resolver: Resolver
    """Link resolution."""
    enabled: frozenset[Rule]
    """Rules that run; the others are skipped (not only filtered)."""
    taxonomy: Taxonomy | None = None
    """The product taxonomy, when the products rules run."""
    terms: TermIndex | None = None
    """The glossary's terms, ready to match, when `glossary-term` runs."""
    _ids: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    _digests: dict[tuple[str, str], str] = field(default_factory=dict)
    _prose: dict[tuple[str, str], Prose] = field(default_factory=dict)

    def wants(self, *rules: Rule) -> bool:
        """True when any of `rules` is enabled."""
        return not self.enabled.isdisjoint(rules)

    def heading_ids(self, article: Article) -> list[str]:
        """Heading ids of an article; a translation takes its source twin's where aligned."""
        key = (article.language, article.rel)
        ids = self._ids.get(key)
        if ids is None:
            source = None
            if article.language != self.project.source_language:
                twin = self.corpus.article(self.project.source_language, article.rel)
                source = twin.structure if twin is not None else None
            ids = structure_heading_ids(article.structure, source)
            self._ids[key] = ids
        return ids

    def source_digest(self, article: Article) -> str:
        """The digest of a source article (computed once per check)."""
        key = (article.language, article.rel)
        digest = self._digests.get(key)
        if digest is None:
            digest = self._digests[key] = source_digest(article)
        return digest

    def prose(self, article: Article) -> Prose:
        """The readable text of an article (built once per check: several rules read it)."""
        key = (article.language, article.rel)
        prose = self._prose.get(key)
        if prose is None:
            prose = self._prose[key] = prose_of(article)
        return prose

    def anchors(self, article: Article) -> set[str]:
        """Every id a link's `#anchor` may name in `article`."""
        return set(self.heading_ids(article)) | article.structure.anchors
