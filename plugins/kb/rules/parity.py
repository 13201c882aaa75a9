"""Parity rules: a translation exists, is current, and keeps its source article's structure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.findings import Finding, Rule, RuleInfo, Severity
from kb.resolve import parse_target

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kb.articles import Article, ArticlePair
    from kb.markdown_scan import Admonition, CodeBlock, Heading, Image, Link, Structure, Table
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
            _finding(
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
        findings.extend(_sections(source, translation, context))
    if context.wants(Rule.FRONT_MATTER_MISMATCH):
        findings.extend(_front_matter(source, translation, compare_products))
    return findings


def _finding(translation: Article, line: int, rule: Rule, message: str, hint: str) -> Finding:
    return Finding(translation.path, line, rule, message, hint, translation.language)


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
            _finding(
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
        _finding(
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


def _divergence(source: Structure, translation: Structure) -> int | None:
    """Index of the first heading whose level differs, or None when the levels match."""
    ours, theirs = translation.headings, source.headings
    for index, (mine, other) in enumerate(zip(ours, theirs, strict=False)):
        if mine.level != other.level:
            return index
    if len(ours) != len(theirs):
        return min(len(ours), len(theirs))
    return None


def _headings(source: Article, translation: Article, context: RuleContext) -> list[Finding]:
    if not context.wants(Rule.HEADING_MISMATCH):
        return []
    ours, theirs = translation.structure.headings, source.structure.headings
    hint = f"keep the heading levels of {source.path}, section by section"
    index = _divergence(source.structure, translation.structure)
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
        return [_finding(translation, line, Rule.HEADING_MISMATCH, message, hint)]
    findings = []
    source_ids = context.heading_ids(source)
    for position, (mine, wanted) in enumerate(zip(ours, source_ids, strict=True)):
        if mine.explicit_id and mine.explicit_id != wanted:
            findings.append(
                _finding(
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


def _section_label(structure: Structure, section: int) -> str:
    if section == 0:
        return "before the first heading"
    heading = structure.headings[section - 1]
    return f"section '{heading.text}' (line {heading.line})"


def _sections(source: Article, translation: Article, context: RuleContext) -> list[Finding]:
    divergence = _divergence(source.structure, translation.structure)
    # Past a heading divergence the sections no longer line up: compare only those before it.
    count = translation.structure.section_count if divergence is None else divergence
    findings: list[Finding] = []
    checks = (
        (Rule.CODE_BLOCK_MISMATCH, "code_blocks", _code_blocks),
        (Rule.IMAGE_MISMATCH, "images", _images),
        (Rule.LINK_MISMATCH, "links", _links),
        (Rule.ADMONITION_MISMATCH, "admonitions", _admonitions),
        (Rule.TABLE_MISMATCH, "tables", _tables),
    )
    for rule, attribute, check in checks:
        if not context.wants(rule):
            continue
        ours = getattr(translation.structure, attribute)
        theirs = getattr(source.structure, attribute)
        if not ours and not theirs:
            continue
        our_sections = translation.structure.by_section(ours)
        their_sections = source.structure.by_section(theirs)
        for section in range(min(count, len(their_sections))):
            if not our_sections[section] and not their_sections[section]:
                continue
            finding = check(
                source,
                translation,
                section,
                our_sections[section],
                their_sections[section],
                context,
            )
            if finding is not None:
                findings.append(finding)
    return findings


def _count_message(what: str, label: str, ours: int, theirs: int, source: Article) -> str:
    return f"{label}: {ours} {what} here, {theirs} in {source.path}"


def _code_blocks(
    source: Article,
    translation: Article,
    section: int,
    ours: list[CodeBlock],
    theirs: list[CodeBlock],
    context: RuleContext,
) -> Finding | None:
    label = _section_label(source.structure, section)
    hint = f"copy the code from {source.path}; only comments may be translated"
    if len(ours) != len(theirs):
        line = ours[len(theirs)].line if len(ours) > len(theirs) else _line(translation, section)
        return _finding(
            translation,
            line,
            Rule.CODE_BLOCK_MISMATCH,
            _count_message("code blocks", label, len(ours), len(theirs), source),
            hint,
        )
    for number, (mine, other) in enumerate(zip(ours, theirs, strict=True), start=1):
        if mine.language != other.language:
            return _finding(
                translation,
                mine.line,
                Rule.CODE_BLOCK_MISMATCH,
                f"code block {number} in {label} is '{mine.language or 'plain'}', but "
                f"'{other.language or 'plain'}' in {source.path} (line {other.line})",
                hint,
            )
        if mine.code != other.code:
            detail = _first_difference(mine.code, other.code)
            return _finding(
                translation,
                mine.line,
                Rule.CODE_BLOCK_MISMATCH,
                f"code block {number} in {label} differs from {source.path} (line {other.line})"
                f": {detail}",
                hint,
            )
    return None


def _first_difference(ours: Sequence[str], theirs: Sequence[str]) -> str:
    for mine, other in zip(ours, theirs, strict=False):
        if mine != other:
            return f"{_clip(mine)!r} instead of {_clip(other)!r}"
    if len(ours) > len(theirs):
        return f"extra line {_clip(ours[len(theirs)])!r}"
    return f"missing line {_clip(theirs[len(ours)])!r}"


def _clip(text: str, width: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= width else f"{text[: width - 1]}…"


def _line(translation: Article, section: int) -> int:
    return translation.structure.section_line(section)


def _images(
    source: Article,
    translation: Article,
    section: int,
    ours: list[Image],
    theirs: list[Image],
    context: RuleContext,
) -> Finding | None:
    our_keys = [_target_key(translation, image.target, context) for image in ours]
    their_keys = [_target_key(source, image.target, context) for image in theirs]
    if our_keys == their_keys:
        return None
    label = _section_label(source.structure, section)
    hint = (
        f"use the same images in the same order as {source.path} (each language has its "
        "own file at the same path; alt text is translated)"
    )
    if len(ours) != len(theirs):
        line = ours[len(theirs)].line if len(ours) > len(theirs) else _line(translation, section)
        return _finding(
            translation,
            line,
            Rule.IMAGE_MISMATCH,
            _count_message("images", label, len(ours), len(theirs), source),
            hint,
        )
    for mine, other, my_key, other_key in zip(ours, theirs, our_keys, their_keys, strict=True):
        if my_key != other_key:
            return _finding(
                translation,
                mine.line,
                Rule.IMAGE_MISMATCH,
                f"image {mine.target} in {label}, but {other.target} in {source.path} "
                f"(line {other.line})",
                hint,
            )
    return None  # pragma: no cover - the keys differ somewhere


def _target_key(article: Article, raw: str, context: RuleContext, *, source: bool = False) -> str:
    target = parse_target(raw)
    if target.kind == "external":
        value = raw.strip()
        if source:
            for prefix, replacement in context.project.link_rewrites:
                if value.startswith(prefix):
                    return replacement + value[len(prefix) :]
        return value
    if target.kind in ("site", "empty"):
        return raw.strip()
    if target.kind == "anchor":
        return f"{article.rel}#{target.anchor}"
    resolution = context.resolver.resolve(article, target)
    return f"{resolution.key}#{target.anchor}" if target.anchor else resolution.key


def _link_keys(
    article: Article, links: list[Link], context: RuleContext, *, source: bool
) -> dict[str, Link]:
    keys: dict[str, Link] = {}
    only = context.project.translation_only_links
    for link in links:
        if link.lang is not None and link.lang != article.language:
            continue  # an intended link to another language (switcher, "read in English")
        if not source and only and link.target.strip().startswith(only):
            continue
        keys.setdefault(_target_key(article, link.target, context, source=source), link)
    return keys


def _links(
    source: Article,
    translation: Article,
    section: int,
    our_links: list[Link],
    their_links: list[Link],
    context: RuleContext,
) -> Finding | None:
    ours = _link_keys(translation, our_links, context, source=False)
    theirs = _link_keys(source, their_links, context, source=True)
    missing = [key for key in theirs if key not in ours]
    extra = [key for key in ours if key not in theirs]
    if not missing and not extra:
        return None
    label = _section_label(source.structure, section)
    parts = []
    if missing:
        parts.append("missing " + ", ".join(_shown_targets([theirs[k] for k in missing])))
    if extra:
        parts.append("not in the source " + ", ".join(_shown_targets([ours[k] for k in extra])))
    line = ours[extra[0]].line if extra else _line(translation, section)
    return _finding(
        translation,
        line,
        Rule.LINK_MISMATCH,
        f"links in {label} differ from {source.path}: {'; '.join(parts)}",
        "link to the same targets as the source section, with the same relative paths (a "
        "link to the twin article), or allow the URL in parity.translation_only_links",
    )


def _shown_targets(links: list[Link], limit: int = 3) -> list[str]:
    shown = [link.target for link in links[:limit]]
    if len(links) > limit:
        shown.append(f"and {len(links) - limit} more")
    return shown


def _admonitions(
    source: Article,
    translation: Article,
    section: int,
    ours: list[Admonition],
    theirs: list[Admonition],
    context: RuleContext,
) -> Finding | None:
    if [a.kind for a in ours] == [a.kind for a in theirs]:
        return None
    label = _section_label(source.structure, section)
    hint = f"use the same admonitions (types, in order) as {source.path}; titles are translated"
    for number, (mine, other) in enumerate(zip(ours, theirs, strict=False), start=1):
        if mine.kind != other.kind:
            return _finding(
                translation,
                mine.line,
                Rule.ADMONITION_MISMATCH,
                f"admonition {number} in {label} is '{mine.kind}', but '{other.kind}' in "
                f"{source.path} (line {other.line})",
                hint,
            )
    line = ours[len(theirs)].line if len(ours) > len(theirs) else _line(translation, section)
    kinds = ", ".join(a.kind for a in theirs) or "none"
    return _finding(
        translation,
        line,
        Rule.ADMONITION_MISMATCH,
        _count_message("admonitions", label, len(ours), len(theirs), source) + f" ({kinds})",
        hint,
    )


def _tables(
    source: Article,
    translation: Article,
    section: int,
    ours: list[Table],
    theirs: list[Table],
    context: RuleContext,
) -> Finding | None:
    if [t.columns for t in ours] == [t.columns for t in theirs]:
        return None
    label = _section_label(source.structure, section)
    hint = f"keep the tables of {source.path} with the same number of columns"
    for number, (mine, other) in enumerate(zip(ours, theirs, strict=False), start=1):
        if mine.columns != other.columns:
            return _finding(
                translation,
                mine.line,
                Rule.TABLE_MISMATCH,
                f"table {number} in {label} has {mine.columns} columns, but {other.columns} in "
                f"{source.path} (line {other.line})",
                hint,
            )
    line = ours[len(theirs)].line if len(ours) > len(theirs) else _line(translation, section)
    return _finding(
        translation,
        line,
        Rule.TABLE_MISMATCH,
        _count_message("tables", label, len(ours), len(theirs), source),
        hint,
    )


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
            _finding(
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
                _finding(
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
