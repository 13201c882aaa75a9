"""`run_check`: load the articles in scope, run the enabled rules, return sorted findings."""

from __future__ import annotations

import dataclasses
import enum
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.corpus import Corpus, FileIndex
from kb.docs_tree import MAX_ARTICLE_BYTES, read_regular_file
from kb.findings import Finding, Rule, Severity, sort_findings
from kb.glossary import Glossary, load_glossary
from kb.project import Project, ProjectError
from kb.report import Report, plural
from kb.resolve import Resolver
from kb.rules import RuleContext, metadata, terminology
from kb.rules.registry import ARTICLE_CHECKS, PAIR_CHECKS
from kb.selection import select_rules
from kb.taxonomy import Taxonomy, load_taxonomy

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from kb.articles import Article


class TranslationStatus(enum.Enum):
    """Where a translation stands against its source article."""

    CURRENT = "current"
    """Its `source_digest` matches the source article (or: a source article that exists)."""
    STALE = "stale"
    """The source article changed since the recorded `source_digest`."""
    UNTRACKED = "untracked"
    """It records no `source_digest`."""
    MISSING = "missing"
    """The source article has no translation in that language (served by fallback)."""
    DRAFT = "draft"
    """A translation that says `draft: true`: not translated yet, served by fallback."""
    ORPHAN = "orphan"
    """A translation whose source article does not exist."""


@dataclass
class CheckResult:
    """What `run_check` found, with the articles and statuses the plugin needs."""

    project: Project
    """The checked project."""
    findings: list[Finding]
    """Findings in order, with effective severities; `ignore`d and suppressed ones left out."""
    articles_per_language: dict[str, int]
    """Articles checked, per language (every configured language, zeros included)."""
    pairs: int
    """Source articles with a translation, counted once per translation language."""
    statuses: dict[tuple[str, str], TranslationStatus]
    """Status per (translation language, rel) of the pairs in scope."""
    taxonomy: Taxonomy | None
    """The product taxonomy, when configured."""
    corpus: Corpus
    """The articles, loaded on demand (`article()`)."""
    scope: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    """(language, rel) of the articles whose findings are reported."""
    glossary: Glossary | None = None
    """The terminology glossary, when configured."""
    refused: list[Finding] = field(default_factory=list)
    """Files the build must not read, whatever the severity of their findings: unsafe
    symlinks, entries that are no regular file, unreadable or oversized articles, and front
    matter with YAML anchors or aliases (MkDocs would expand them)."""

    def status(self, language: str, rel: str) -> TranslationStatus | None:
        """Translation status of `rel` in `language`.

        Returns:
            For a translation language: its status, `MISSING` when only the source exists,
            `ORPHAN` when only the translation exists. For the source language: `CURRENT` when
            the article exists. None when neither exists or `rel` was out of scope.
        """
        if language == self.project.source_language:
            return TranslationStatus.CURRENT if self.corpus.exists(language, rel) else None
        return self.statuses.get((language, rel))

    def article(self, language: str, rel: str) -> Article | None:
        """The loaded article `rel` of `language`, or None."""
        return self.corpus.article(language, rel)

    @property
    def articles(self) -> list[Article]:
        """Every readable article in scope, sorted by path."""
        found = (self.corpus.article(lang, rel) for lang, rel in sorted(self.scope))
        return sorted((a for a in found if a is not None), key=lambda a: a.path)

    def count(self, severity: Severity) -> int:
        """Number of findings of a severity."""
        return sum(1 for finding in self.findings if finding.severity is severity)

    @property
    def errors(self) -> int:
        """Number of error findings."""
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        """Number of warning findings."""
        return self.count(Severity.WARNING)

    def summary(self) -> dict[str, Any]:
        """The `summary` object of the JSON output."""
        return {
            "articles": dict(self.articles_per_language),
            "pairs": self.pairs,
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.count(Severity.INFO),
        }

    def report(self) -> Report:
        """The findings as `kb check` reports them in every output format."""
        articles = sum(self.articles_per_language.values())
        where = f"in {plural(articles, 'article')} ({plural(self.pairs, 'pair')})"
        return Report("kb check", self.findings, where, self.summary())


def run_check(
    project: Project,
    *,
    paths: Sequence[Path] | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    changed_ref: str | None = None,
    changed: bool = False,
) -> CheckResult:
    """Check a project's articles.

    Args:
        project: The project.
        paths: Check only these articles and folders (their twins come along).
        select: Rule selectors to run (names, codes, code prefixes, families; comma-separated).
        ignore: Rule selectors to leave out.
        changed_ref: With `changed`, compare with this git ref instead of the default.
        changed: Check only articles changed since `changed_ref` (default: the merge base with
            `origin/main`, else `HEAD`), their twins, and the articles that link to them.

    Returns:
        The result; it never raises on article content.

    Raises:
        ProjectError: A path or selector is invalid, or git fails for `changed`.
    """
    enabled = select_rules(
        select,
        ignore,
        has_taxonomy=project.taxonomy_path is not None,
        has_glossary=project.glossary_path is not None,
    )
    corpus = Corpus(project)
    index = corpus.index
    taxonomy: Taxonomy | None = None
    glossary: Glossary | None = None
    findings: list[Finding] = index.refusals()
    refused = list(findings)
    if project.taxonomy_path is not None:
        taxonomy, taxonomy_findings = load_taxonomy(
            project.taxonomy_path,
            project.languages,
            display_path=project.display_path(project.taxonomy_path),
        )
        if Rule.INVALID_TAXONOMY in enabled:
            findings.extend(taxonomy_findings)
    if project.glossary_path is not None:
        glossary, glossary_findings = load_glossary(
            project.glossary_path,
            project.languages,
            display_path=project.display_path(project.glossary_path),
        )
        if Rule.INVALID_GLOSSARY in enabled:
            findings.extend(glossary_findings)
    whole = not (changed or changed_ref is not None or paths)
    gone: list[Finding] = []  # missing-redirect names files that no longer exist
    if changed or changed_ref is not None:
        scope = _changed_scope(project, corpus, changed_ref or None)
        if Rule.MISSING_REDIRECT in enabled:
            gone = _missing_redirects(project, corpus, changed_ref or None)
            findings.extend(gone)
    elif paths:
        scope = _path_scope(project, index, paths)
    else:
        scope = set(index.articles)
    named = _named_files(index, scope, whole=whole) if Rule.UNSAFE_FILE_NAME in enabled else {}
    findings.extend(metadata.check_files(index, named))
    context = RuleContext(
        project,
        corpus,
        Resolver(project, index),
        enabled,
        taxonomy if enabled & _PRODUCT_ARTICLE_RULES else None,
        terminology.index_terms(glossary, project.display_path(glossary.path))
        if glossary is not None and Rule.GLOSSARY_TERM in enabled
        else None,
    )
    for language, rel in sorted(scope):
        result = corpus.load(language, rel)
        if result is None:
            continue
        findings.extend(result.findings)
        if result.refused:
            refused.extend(result.findings)
        article = result.article
        if article is None:
            continue
        for article_check in ARTICLE_CHECKS:
            if context.wants(*article_check.rules):
                findings.extend(article_check.check(article, context))
    statuses: dict[tuple[str, str], TranslationStatus] = {}
    pair_count = 0
    for pair in corpus.pairs({rel for _, rel in scope}):
        for pair_check in PAIR_CHECKS:
            if context.wants(*pair_check.rules):
                findings.extend(pair_check.check(pair, context))
        statuses[(pair.language, pair.rel)] = _status(pair.source, pair.translation, context)
        if pair.source is not None and pair.translation is not None:
            pair_count += 1
    reported = {index.display_path(index.articles[key]) for key in scope}
    reported.update(finding.path for finding in refused)  # whatever the scope: see `refused`
    reported.update(index.display_path(docs_path) for docs_path in named)
    reported.update(finding.path for finding in gone)
    for path in (project.taxonomy_path, project.glossary_path):
        if path is not None:
            reported.add(project.display_path(path))
    counts = {language: 0 for language in project.languages}
    for language, _ in scope:
        counts[language] = counts.get(language, 0) + 1
    return CheckResult(
        project=project,
        findings=_effective(findings, project, corpus, enabled, reported),
        articles_per_language=counts,
        pairs=pair_count,
        statuses=statuses,
        taxonomy=taxonomy,
        corpus=corpus,
        scope=frozenset(scope),
        glossary=glossary,
        refused=sort_findings(refused),
    )


_PRODUCT_ARTICLE_RULES = frozenset({Rule.MISSING_PRODUCTS, Rule.UNKNOWN_PRODUCT})


def _named_files(index: FileIndex, scope: set[tuple[str, str]], *, whole: bool) -> dict[str, str]:
    """Files whose names `unsafe-file-name` checks, with their language: the articles in scope,
    and in a check of the whole tree every other file too (they are published as well)."""
    named = {index.articles[key]: key[0] for key in scope}
    if whole:
        for docs_path in index.files:
            named.setdefault(docs_path, "")
    return named


def _status(
    source: Article | None, translation: Article | None, context: RuleContext
) -> TranslationStatus:
    if translation is None:
        return TranslationStatus.MISSING
    if source is None:
        return TranslationStatus.ORPHAN
    if translation.draft:
        return TranslationStatus.DRAFT
    recorded = translation.source_digest
    if recorded is None:
        return TranslationStatus.UNTRACKED
    if recorded == context.source_digest(source):
        return TranslationStatus.CURRENT
    return TranslationStatus.STALE


def _effective(
    findings: list[Finding],
    project: Project,
    corpus: Corpus,
    enabled: frozenset[Rule],
    reported: set[str],
) -> list[Finding]:
    by_path = {
        result.article.path: result.article
        for result in corpus.loaded.values()
        if result.article is not None
    }
    kept: list[Finding] = []
    seen: set[tuple[str, int, Rule, str]] = set()
    for finding in findings:
        if finding.rule not in enabled or finding.path not in reported:
            continue
        severity = project.severity(finding.rule)
        if severity is Severity.IGNORE:
            continue
        article = by_path.get(finding.path)
        if article is not None and article.structure.is_suppressed(
            finding.line, finding.rule.value, finding.rule.code
        ):
            continue
        identity = (finding.path, finding.line, finding.rule, finding.message)
        if identity in seen:
            continue
        seen.add(identity)
        if finding.severity is not severity:
            finding = dataclasses.replace(finding, severity=severity)
        kept.append(finding)
    return sort_findings(kept)


def _path_scope(project: Project, index: FileIndex, paths: Sequence[Path]) -> set[tuple[str, str]]:
    languages = set(project.languages)
    by_docs_path = {docs_path: key for key, docs_path in index.articles.items()}
    scope: set[tuple[str, str]] = set()
    for given in paths:
        path = given if given.is_absolute() else project.root / given
        path = Path(posixpath.normpath(path.as_posix()))
        try:
            relative = path.resolve().relative_to(project.docs_dir).as_posix()
        except ValueError:
            raise ProjectError(f"{given} is not inside the docs directory") from None
        if not path.exists():
            raise ProjectError(f"{given} does not exist")
        if path.is_dir():
            prefix = "" if relative == "." else f"{relative}/"
            matched = [
                key for docs_path, key in by_docs_path.items() if docs_path.startswith(prefix)
            ]
        else:
            key = by_docs_path.get(relative)
            if key is None:
                key = index.classify(relative, languages, project.source_language)
                if key is None or key not in index.articles:
                    raise ProjectError(f"{given} is not an article of a configured language")
            matched = [key]
        for _, rel in matched:
            scope.update(
                (language, rel)
                for language in project.languages
                if (language, rel) in index.articles
            )
    return scope


def _changed_scope(project: Project, corpus: Corpus, ref: str | None) -> set[tuple[str, str]]:
    from kb.gitinfo import BadRef, GitError, changed_files

    index = corpus.index
    try:
        changed = changed_files(project.docs_dir, ref)
    except BadRef as error:
        raise ProjectError(f"--changed: {error}") from None
    except GitError as error:
        raise ProjectError(f"--changed needs git: {error}") from None
    languages = set(project.languages)
    rels: set[str] = set()
    for docs_path in changed:
        if not docs_path.endswith(".md"):
            continue
        key = index.classify(docs_path, languages, project.source_language)
        if key is not None:
            rels.add(key[1])
    scope = {
        (language, rel)
        for rel in rels
        for language in project.languages
        if (language, rel) in index.articles
    }
    scope |= _linking_to(project, index, rels)
    return scope


def _missing_redirects(project: Project, corpus: Corpus, ref: str | None) -> list[Finding]:
    """Articles that existed at `ref` and are gone, with no redirect (`missing-redirect`)."""
    from kb.gitinfo import GitError, removed_files
    from kb.redirects import front_matter_old_paths

    index = corpus.index
    languages = set(project.languages)
    try:
        removed = removed_files(project.docs_dir, ref)
    except GitError as error:
        raise ProjectError(f"--changed needs git: {error}") from None
    gone: list[tuple[str, str, str, str | None]] = []
    for docs_path, new_path in sorted(removed.items()):
        key = index.classify(docs_path, languages, project.source_language)
        if key is None or not docs_path.endswith(".md") or key in index.articles:
            continue
        if project.fallback and (project.source_language, key[1]) in index.articles:
            continue  # the URL still serves the source article
        gone.append((docs_path, key[0], key[1], new_path))
    if not gone:
        return []
    covered = {old for old, _ in project.redirects}
    # Front matter that may declare one of them names its file: read only those articles.
    names = {posixpath.splitext(posixpath.basename(rel))[0].encode() for _, _, rel, _ in gone}
    for (language, rel), docs_path in index.articles.items():
        try:
            data = read_regular_file(project.docs_dir / docs_path, MAX_ARTICLE_BYTES)
        except OSError:
            continue
        loaded = corpus.load(language, rel) if any(n in data for n in names) else None
        if loaded is not None and loaded.article is not None:
            covered.update(front_matter_old_paths(loaded.article, languages)[0])
    findings = []
    for docs_path, language, rel, new_path in gone:
        if rel in covered:
            continue
        renamed = index.classify(new_path, languages, project.source_language) if new_path else None
        if renamed is not None:
            shown = project.display_path(project.docs_dir / str(new_path))
            hint = (
                f"add 'redirect_from: [{rel}]' to the front matter of {shown}, or "
                f"'redirects: {{{rel}: {renamed[1]}}}' under the kb plugin in mkdocs.yml"
            )
        else:
            hint = (
                f"add 'redirects: {{{rel}: <the article that replaces it>.md}}' under the kb "
                f"plugin in mkdocs.yml, or 'redirect_from: [{rel}]' to that article's front matter"
            )
        where = f"since {ref}" if ref else "on this branch"
        findings.append(
            Finding(
                project.display_path(project.docs_dir / docs_path),
                1,
                Rule.MISSING_REDIRECT,
                f"{'renamed' if new_path else 'removed'} {where} with no redirect: links to its "
                "old URL in e-mails, bookmarks and search engines would lead nowhere",
                hint,
                language,
            )
        )
    return findings


def _linking_to(project: Project, index: FileIndex, rels: set[str]) -> set[tuple[str, str]]:
    """Articles that may link to one of `rels`: their bytes name its file (a cheap, safe guess)."""
    if not rels:
        return set()
    names = {posixpath.basename(rel).encode() for rel in rels}
    names |= {
        posixpath.basename(posixpath.dirname(rel)).encode() + b"/"
        for rel in rels
        if posixpath.basename(rel) in ("index.md", "README.md")
    }
    found: set[tuple[str, str]] = set()
    for key, docs_path in index.articles.items():
        try:
            data = read_regular_file(project.docs_dir / docs_path, MAX_ARTICLE_BYTES)
        except OSError:
            continue
        if any(name in data for name in names):
            found.add(key)
    return found
