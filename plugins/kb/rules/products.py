"""Products rules: every article names known products, and twins name the same ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.findings import Finding, Rule, RuleInfo, Severity

if TYPE_CHECKING:
    from kb.articles import Article, ArticlePair
    from kb.rules import RuleContext
    from kb.taxonomy import Taxonomy


INFO: dict[Rule, RuleInfo] = {
    Rule.MISSING_PRODUCTS: RuleInfo(
        "KB201",
        "products",
        Severity.ERROR,
        "article names no products",
        needs="taxonomy",
        example="an article has no `products:`",
        fix="add `products: [<id>]` (pages that are not articles say `kind: page`)",
    ),
    Rule.UNKNOWN_PRODUCT: RuleInfo(
        "KB202",
        "products",
        Severity.ERROR,
        "product id not in products.yml",
        needs="taxonomy",
        example="`products: [payout]` (did you mean `payouts`?)",
        fix="use an id from `products.yml`",
    ),
    Rule.PRODUCTS_MISMATCH: RuleInfo(
        "KB203",
        "products",
        Severity.ERROR,
        "translation tagged with other products than English",
        needs="taxonomy",
        example="English `[payouts]`, Japanese `[payouts, payments]`",
        fix="tag both languages the same",
    ),
}
"""The rules this module declares: code, family, default severity, summary, example, fix."""

RULES = frozenset(INFO)
"""The rules this module reports."""


def check_article(article: Article, context: RuleContext) -> list[Finding]:
    """Run `missing-products` and `unknown-product` (KB201, KB202) on one article.

    Args:
        article: The article.
        context: The check's shared state (with the taxonomy).

    Returns:
        Findings naming `article`.
    """
    taxonomy = context.taxonomy
    if taxonomy is None or article.front_matter_error:
        return []
    findings: list[Finding] = []
    products = article.products
    if not products:
        if article.kind != "page" and context.wants(Rule.MISSING_PRODUCTS):
            findings.append(
                Finding(
                    article.path,
                    article.line_of("products"),
                    Rule.MISSING_PRODUCTS,
                    "article names no products",
                    f"add e.g. 'products: [{taxonomy.ids[0] if taxonomy.ids else 'payments'}]' "
                    "to the front matter, or 'kind: page' for a page that is no help article",
                    article.language,
                )
            )
        return findings
    if context.wants(Rule.UNKNOWN_PRODUCT):
        for index, product in enumerate(products):
            if taxonomy.get(product) is None:
                findings.append(
                    Finding(
                        article.path,
                        article.line_of("products", index),
                        Rule.UNKNOWN_PRODUCT,
                        f"unknown product '{product}'",
                        _suggestion(product, taxonomy),
                        article.language,
                    )
                )
    return findings


def _suggestion(product: str, taxonomy: Taxonomy) -> str:
    import difflib

    close = difflib.get_close_matches(product, taxonomy.ids, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"use an id from {taxonomy.path.name}: {', '.join(taxonomy.ids)}"


def check_pair(pair: ArticlePair, context: RuleContext) -> list[Finding]:
    """Run `products-mismatch` (KB203): a translation names the same products as its source.

    Args:
        pair: The twins.
        context: The check's shared state.

    Returns:
        A finding naming the translation when the product lists differ.
    """
    source, translation = pair.source, pair.translation
    if source is None or translation is None or not context.wants(Rule.PRODUCTS_MISMATCH):
        return []
    if source.front_matter_error or translation.front_matter_error:
        return []
    theirs, ours = source.products or [], translation.products or []
    if ours == theirs:
        return []
    shown = "[" + ", ".join(theirs) + "]"
    return [
        Finding(
            translation.path,
            translation.line_of("products"),
            Rule.PRODUCTS_MISMATCH,
            f"products [{', '.join(ours)}] differ from {shown} in {source.path}",
            f"write 'products: {shown}' (the same ids, in the same order)",
            translation.language,
        )
    ]
