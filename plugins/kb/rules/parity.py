"""Parity rules: a translation exists, is current, and keeps its source article's structure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.findings import Finding, Rule, RuleInfo, Severity
from kb.rules.parity_body import check_sections, finding_in, heading_divergence

if TYPE_CHECKING:
    from kb.articles import Article, ArticlePair
    from kb.markdown_scan import Heading
    from kb.rules import RuleContext

INFO: dict[Rule, RuleInfo] = {
    Rule.MISSING_TRANSLATION: RuleInfo(
        "KB101",
        "parity",
        Severity.INFO,
        "English article has no translation",
        example=(
            "`docs/en/payouts/payout-schedule.md` has no `docs/ja/payouts/payout-schedule.md`, or "
            "only a draft of it (`draft: true`)"
        ),
        fix=(
            "`kb start-translation docs/en/payouts/payout-schedule.md`, translate, `kb "
            "mark-translated`"
        ),
    ),
    Rule.ORPHAN_TRANSLATION: RuleInfo(
        "KB102",
        "parity",
        Severity.ERROR,
        "translation has no English article",
        example="`docs/ja/payments/campaign.md` exists, `docs/en/payments/campaign.md` does not",
        fix="add the English article, or move/delete the Japanese one",
    ),
    Rule.STALE_TRANSLATION: RuleInfo(
        "KB103",
        "parity",
        Severity.INFO,
        "English changed since the translation (source_digest differs)",
        example="the English article changed after `kb mark-translated`",
        fix=(
            "`kb diff docs/ja/<path>.md`, update the Japanese, "
            "`kb mark-translated docs/ja/<path>.md`"
        ),
    ),
    Rule.UNTRACKED_TRANSLATION: RuleInfo(
        "KB104",
        "parity",
        Severity.WARNING,
        "translation has no source_digest",
        example="a Japanese article that is no draft has no `source_digest`",
        fix="check it matches English, then `kb mark-translated docs/ja/<path>.md`",
    ),
    Rule.HEADING_MISMATCH: RuleInfo(
        "KB105",
        "parity",
        Severity.ERROR,
        "heading levels differ from English",
        example="English `## Refund timing` is an h2, the Japanese `### 返金のタイミング` an h3",
        fix="use the same heading levels in the same order",
    ),
    Rule.CODE_BLOCK_MISMATCH: RuleInfo(
        "KB106",
        "parity",
        Severity.ERROR,
        "code blocks differ from English",
        example=(
            "the Japanese code block says `amount=300` where English says `amount=3000`, or a "
            "block is missing"
        ),
        fix="copy the code from English; only comments may be translated",
    ),
    Rule.IMAGE_MISMATCH: RuleInfo(
        "KB107",
        "parity",
        Severity.ERROR,
        "images differ from English",
        example="English shows `../assets/diagrams/payouts-timeline.svg`, Japanese shows no image",
        fix="use the same images in the same order (alt text is translated)",
    ),
    Rule.LINK_MISMATCH: RuleInfo(
        "KB108",
        "parity",
        Severity.ERROR,
        "link targets differ from English",
        example=(
            "English links `../payouts/payout-schedule.md` in a section, Japanese links "
            "`../payouts/add-bank-account.md` there"
        ),
        fix="link the twin of what English links to, in the same section",
    ),
    Rule.ADMONITION_MISMATCH: RuleInfo(
        "KB109",
        "parity",
        Severity.ERROR,
        "admonitions differ from English",
        example="English has `!!! warning` in a section, Japanese has `!!! note` or none",
        fix="keep the same admonition types per section",
    ),
    Rule.TABLE_MISMATCH: RuleInfo(
        "KB110",
        "parity",
        Severity.ERROR,
        "tables differ from English",
        example="the English table has 4 columns, the Japanese 3",
        fix="keep the same tables and column counts",
    ),
    Rule.FRONT_MATTER_MISMATCH: RuleInfo(
        "KB111",
        "parity",
        Severity.ERROR,
        "front matter keys or products differ from English",
        example="English has `last_reviewed`, Japanese does not",
        fix="keep the same keys (values are translated)",
    ),
}
"""The rules this module declares: code, family, default severity, summary, example, fix."""

RULES = frozenset(INFO)
"""The rules this module reports."""


_STRUCTURE_RULES = (
    Rule.CODE_BLOCK_MISMATCH,
    Rule.IMAGE_MISMATCH,
    Rule.LINK_MISMATCH,
    Rule.ADMONITION_MISMATCH,
    Rule.TABLE_MISMATCH,
)
# Redirects apply to every language: the source article alone may declare them.
_UNCOMPARED_KEYS = frozenset({"source_digest", "draft", "redirect_from", "aliases"})


def check_pair(pair: ArticlePair, context: RuleContext) -> list[Finding]:
    """Run the parity rules (KB101-KB111) on a source article and its translation.

    Args:
        pair: The twins (one side may be missing).
        context: The check's shared state.

    Returns:
        `missing-translation` naming the source article; every other finding names the
        translation.
    """
    # Without a taxonomy products-mismatch cannot run: front-matter-mismatch compares products.
    compare_products = context.project.taxonomy_path is None
    source, translation = pair.source, pair.translation
    if translation is None:
        if source is None or not context.wants(Rule.MISSING_TRANSLATION):
            return []
        expected = context.corpus.index.display_path(
            context.corpus.index.expected_path(pair.language, pair.rel)
        )
        return [
            Finding(
                source.path,
                1,
                Rule.MISSING_TRANSLATION,
                f"no '{pair.language}' translation: {expected} does not exist",
                f"kb start-translation {source.path} --language {pair.language}",
                source.language,
            )
        ]
    if source is None:
        if not context.wants(Rule.ORPHAN_TRANSLATION):
            return []
        expected = context.corpus.index.display_path(
            context.corpus.index.expected_path(context.project.source_language, pair.rel)
        )
        return [
            finding_in(
                translation,
                1,
                Rule.ORPHAN_TRANSLATION,
                f"translation without a source article: {expected} does not exist",
                "rename it to the path of its source article, or delete it",
            )
        ]
    findings = _digest(source, translation, context)
    findings.extend(_headings(source, translation, context))
    if context.wants(*_STRUCTURE_RULES):
        findings.extend(check_sections(source, translation, context))
    if context.wants(Rule.FRONT_MATTER_MISMATCH):
        findings.extend(_front_matter(source, translation, compare_products))
    return findings


def _digest(source: Article, translation: Article, context: RuleContext) -> list[Finding]:
    if translation.draft:
        # Neither translated nor untracked: the site serves the source in its place.
        if not context.wants(Rule.MISSING_TRANSLATION):
            return []
        return [
            Finding(
                source.path,
                1,
                Rule.MISSING_TRANSLATION,
                f"the '{translation.language}' translation {translation.path} is a draft: "
                "the site serves this article in its place",
                f"finish the translation, then `kb mark-translated {translation.path}` "
                "(it removes `draft: true`)",
                source.language,
            )
        ]
    recorded = translation.source_digest
    if recorded is None:
        if not context.wants(Rule.UNTRACKED_TRANSLATION):
            return []
        return [
            finding_in(
                translation,
                1,
                Rule.UNTRACKED_TRANSLATION,
                f"no source_digest: kb cannot tell whether {source.path} changed since translation",
                f"once it matches {source.path}, run `kb mark-translated {translation.path}`",
            )
        ]
    if not context.wants(Rule.STALE_TRANSLATION):
        return []
    current = context.source_digest(source)
    if recorded == current:
        return []
    return [
        finding_in(
            translation,
            translation.line_of("source_digest"),
            Rule.STALE_TRANSLATION,
            f"{source.path} changed since this translation (source_digest {recorded}, "
            f"now {current})",
            f"`kb diff {translation.path}`, update the translation, then "
            f"`kb mark-translated {translation.path}`",
        )
    ]


def _heading_label(heading: Heading) -> str:
    return f"h{heading.level} '{heading.text}'"


def _headings(source: Article, translation: Article, context: RuleContext) -> list[Finding]:
    if not context.wants(Rule.HEADING_MISMATCH):
        return []
    ours, theirs = translation.structure.headings, source.structure.headings
    hint = f"keep the heading levels of {source.path}, section by section"
    index = heading_divergence(source.structure, translation.structure)
    if index is not None:
        if index < len(ours) and index < len(theirs):
            mine, other = ours[index], theirs[index]
            message = (
                f"heading {index + 1} is {_heading_label(mine)}, but in {source.path} it "
                f"is {_heading_label(other)} (line {other.line})"
            )
            line = mine.line
        elif index < len(ours):
            mine = ours[index]
            message = (
                f"heading {index + 1} {_heading_label(mine)} has no counterpart: "
                f"{source.path} has {len(theirs)} headings"
            )
            line = mine.line
        else:
            other = theirs[index]
            message = (
                f"heading {index + 1} {_heading_label(other)} of {source.path} "
                f"(line {other.line}) is missing"
            )
            line = ours[-1].line if ours else translation.body_start_line
        return [finding_in(translation, line, Rule.HEADING_MISMATCH, message, hint)]
    findings = []
    source_ids = context.heading_ids(source)
    for position, (mine, wanted) in enumerate(zip(ours, source_ids, strict=True)):
        if mine.explicit_id and mine.explicit_id != wanted:
            findings.append(
                finding_in(
                    translation,
                    mine.line,
                    Rule.HEADING_MISMATCH,
                    f"heading {position + 1} has the id '{mine.explicit_id}', but its source "
                    f"heading has '{wanted}', so links to #{wanted} miss it",
                    f"remove {{#{mine.explicit_id}}} (the source id applies) or write "
                    f"{{#{wanted}}}",
                )
            )
    return findings


def _front_matter(source: Article, translation: Article, compare_products: bool) -> list[Finding]:
    if source.front_matter_error or translation.front_matter_error:
        return []
    ours = set(translation.front_matter) - _UNCOMPARED_KEYS
    theirs = set(source.front_matter) - _UNCOMPARED_KEYS
    findings = []
    missing, extra = sorted(theirs - ours), sorted(ours - theirs)
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("not in the source " + ", ".join(extra))
        line = translation.line_of(extra[0]) if extra else 1
        findings.append(
            finding_in(
                translation,
                line,
                Rule.FRONT_MATTER_MISMATCH,
                f"front matter keys differ from {source.path}: {'; '.join(parts)}",
                "give the translation the same front matter keys (text values translated)",
            )
        )
    if compare_products and "products" in ours and "products" in theirs:
        mine, other = translation.front_matter["products"], source.front_matter["products"]
        if mine != other:
            findings.append(
                finding_in(
                    translation,
                    translation.line_of("products"),
                    Rule.FRONT_MATTER_MISMATCH,
                    f"products {_ids(mine)} differ from {_ids(other)} in {source.path}",
                    f"write 'products: {_ids(other)}'",
                )
            )
    return findings


def _ids(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return repr(value)
