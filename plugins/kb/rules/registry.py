"""The rule modules `kb check` runs, in order: per article, then per pair of twins.

Adding a rule: declare it in `kb.findings` (code, family, severity, needs, example, fix) and
report it from a module listed here, naming it in that module's `RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.rules import content, metadata, parity, placeholder, products, style, terminology

if TYPE_CHECKING:
    from collections.abc import Callable

    from kb.articles import Article, ArticlePair
    from kb.findings import Finding, Rule
    from kb.rules import RuleContext


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
