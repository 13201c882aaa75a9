"""The rule registry: the modules that declare rules, and those `kb check` runs, in order.

Adding a rule:
1. its `Rule` member in `kb.findings` (one line: the kebab-case name);
2. its `RuleInfo` in the `INFO` of the module that reports it (the next free code of its
   family, default severity, what it needs, a failing example and the fix), and the check.
   A module of `kb.rules` derives its `RULES` from its `INFO`, and `kb check` runs it when one
   of them is enabled; a new module joins `INFO_MODULES` and `ARTICLE_CHECKS` or `PAIR_CHECKS`
   below. Rules no module of `kb.rules` reports are declared beside their code: while loading
   (`kb.articles`, `kb.taxonomy`, `kb.glossary`), `kb check --changed` (`kb.redirects`),
   `kb links` alone (`kb.links.rules`);
3. one case in the table of `tests/core/test_rules.py`;
4. its row in the README's rules table (a test keeps them in sync).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING

from kb import articles, glossary, redirects, taxonomy
from kb.findings import Rule
from kb.links import rules as links_rules
from kb.rules import content, metadata, parity, placeholder, products, style, terminology

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from kb.articles import Article, ArticlePair
    from kb.findings import Finding, RuleInfo
    from kb.rules import RuleContext

INFO_MODULES: tuple[ModuleType, ...] = (
    parity,
    products,
    taxonomy,
    articles,
    content,
    metadata,
    placeholder,
    redirects,
    links_rules,
    terminology,
    style,
    glossary,
)
"""Every module that declares rules in its `INFO` (a test checks that none is missing)."""


def gather_rule_infos() -> Mapping[Rule, RuleInfo]:
    """Every rule's `RuleInfo` from the module that declares it, in `Rule` order.

    `kb.findings.rule_infos` calls this once, on first use (the modules import `kb.findings`).
    """
    declared: dict[Rule, RuleInfo] = {}
    for module in INFO_MODULES:
        declared.update(module.INFO)
    return MappingProxyType({rule: declared[rule] for rule in Rule})


@dataclass(frozen=True)
class ArticleCheck:
    """A rules module that judges one article at a time."""

    rules: frozenset[Rule]
    """The rules it reports: it runs only when one of them is enabled."""
    check: Callable[[Article, RuleContext], list[Finding]]


@dataclass(frozen=True)
class PairCheck:
    """A rules module that compares a source article with its translation."""

    rules: frozenset[Rule]
    """The rules it reports: it runs only when one of them is enabled."""
    check: Callable[[ArticlePair, RuleContext], list[Finding]]


ARTICLE_CHECKS: tuple[ArticleCheck, ...] = (
    ArticleCheck(content.RULES, content.check_article),
    ArticleCheck(metadata.RULES, metadata.check_article),
    ArticleCheck(placeholder.RULES, placeholder.check_article),
    ArticleCheck(products.RULES, products.check_article),
    ArticleCheck(terminology.RULES, terminology.check_article),
    ArticleCheck(style.RULES, style.check_article),
)
"""Per-article checks, in the order their findings are collected."""

PAIR_CHECKS: tuple[PairCheck, ...] = (
    PairCheck(parity.RULES, parity.check_pair),
    PairCheck(products.RULES, products.check_pair),
    PairCheck(terminology.RULES, terminology.check_pair),
)
"""Per-pair checks, in the order their findings are collected."""
