"""The body comparisons of the parity rules: each section's code blocks, images, links,
admonitions and tables in a translation against its source article's (`kb.rules.parity` runs
them and declares their rules; they live here to keep that module short)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.findings import Finding, Rule
from kb.resolve import parse_target

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kb.articles import Article
    from kb.markdown_scan import Admonition, CodeBlock, Image, Link, Structure, Table
    from kb.rules import RuleContext


def finding_in(translation: Article, line: int, rule: Rule, message: str, hint: str) -> Finding:
    return Finding(translation.path, line, rule, message, hint, translation.language)


def heading_divergence(source: Structure, translation: Structure) -> int | None:
    """Index of the first heading whose level differs, or None when the levels match."""
    ours, theirs = translation.headings, source.headings
    for index, (mine, other) in enumerate(zip(ours, theirs, strict=False)):
        if mine.level != other.level:
            return index
    if len(ours) != len(theirs):
        return min(len(ours), len(theirs))
    return None


def _section_label(structure: Structure, section: int) -> str:
    if section == 0:
        return "before the first heading"
    heading = structure.headings[section - 1]
    return f"section '{heading.text}' (line {heading.line})"


def check_sections(source: Article, translation: Article, context: RuleContext) -> list[Finding]:
    divergence = heading_divergence(source.structure, translation.structure)
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
        return finding_in(
            translation,
            line,
            Rule.CODE_BLOCK_MISMATCH,
            _count_message("code blocks", label, len(ours), len(theirs), source),
            hint,
        )
    for number, (mine, other) in enumerate(zip(ours, theirs, strict=True), start=1):
        if mine.language != other.language:
            return finding_in(
                translation,
                mine.line,
                Rule.CODE_BLOCK_MISMATCH,
                f"code block {number} in {label} is '{mine.language or 'plain'}', but "
                f"'{other.language or 'plain'}' in {source.path} (line {other.line})",
                hint,
            )
        if mine.code != other.code:
            detail = _first_difference(mine.code, other.code)
            return finding_in(
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
        return finding_in(
            translation,
            line,
            Rule.IMAGE_MISMATCH,
            _count_message("images", label, len(ours), len(theirs), source),
            hint,
        )
    for mine, other, my_key, other_key in zip(ours, theirs, our_keys, their_keys, strict=True):
        if my_key != other_key:
            return finding_in(
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
    return finding_in(
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
            return finding_in(
                translation,
                mine.line,
                Rule.ADMONITION_MISMATCH,
                f"admonition {number} in {label} is '{mine.kind}', but '{other.kind}' in "
                f"{source.path} (line {other.line})",
                hint,
            )
    line = ours[len(theirs)].line if len(ours) > len(theirs) else _line(translation, section)
    kinds = ", ".join(a.kind for a in theirs) or "none"
    return finding_in(
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
            return finding_in(
                translation,
                mine.line,
                Rule.TABLE_MISMATCH,
                f"table {number} in {label} has {mine.columns} columns, but {other.columns} in "
                f"{source.path} (line {other.line})",
                hint,
            )
    line = ours[len(theirs)].line if len(ours) > len(theirs) else _line(translation, section)
    return finding_in(
        translation,
        line,
        Rule.TABLE_MISMATCH,
        _count_message("tables", label, len(ours), len(theirs), source),
        hint,
    )
