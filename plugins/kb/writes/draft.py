"""A translation draft of a source article: its front matter and its body marked TODO(lang)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from kb.catalog import site_strings
from kb.markdown_scan import scan
from kb.related import is_related_heading
from kb.slugs import heading_ids

if TYPE_CHECKING:
    from kb.articles import Article
    from kb.markdown_scan import Image, Link


_TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:")


DRAFT_KEY = "draft"
"""The front matter key of a draft (`draft: true`): the site does not publish it."""


_LIST_ITEM = re.compile(r"^([ \t]*(?:>[ \t]?)*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")


_QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*")


def draft_translation(source: Article, language: str) -> str:
    """The text of a translation draft of `source` (see `start_translation`)."""
    marker = f"TODO({language})"
    return _draft_front_matter(source, marker) + _draft_body(source, marker, language)


def _draft_front_matter(source: Article, marker: str) -> str:
    lines = ["---"]
    for key in ("title", "description"):
        value = source.front_matter.get(key)
        if value is not None:
            lines.append(f"{key}: {json.dumps(f'{marker}: {value}', ensure_ascii=False)}")
    lines.extend(_copied_keys(source))
    # No source_digest: a draft is not a translation yet (`kb mark-translated` records it).
    lines.append(f"{DRAFT_KEY}: true")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _copied_keys(source: Article) -> list[str]:
    """Front matter lines of the source's other keys, copied as written."""
    text = source.text.split("\n")
    end = source.front_matter_end_line - 1
    copied: list[str] = []
    keep = False
    for line in text[1:end]:
        if line.startswith("#"):
            continue  # YAML comments stay with the source
        match = _TOP_LEVEL_KEY.match(line)
        if match is not None:
            keep = match.group(1) not in ("title", "description", "source_digest", DRAFT_KEY)
        elif line[:1] not in (" ", "\t", "-") and line.strip():
            keep = False  # a comment or something kb does not copy
        if keep:
            copied.append(line)
    return copied


def _draft_body(source: Article, marker: str, language: str) -> str:
    body = source.body
    structure = scan(body, keep_kinds=True)
    ids = heading_ids(source)
    heading_at = {h.line - 1: (h, ids[i]) for i, h in enumerate(structure.headings)}
    lines = body.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    spans: dict[int, list[str]] = {}
    items: list[Link | Image] = [*structure.links, *structure.images]
    for item in sorted(items, key=lambda item: item.start):
        span = body[item.start : item.end].replace("\n", " ")
        if item.kind == "html" and span.lower().startswith("<a"):
            span += f"{marker}</a>"  # only the start tag is the link's source
        spans.setdefault(_line_index(starts, item.start), []).append(span)
    output: list[str] = []
    unit: int | None = None  # output index of the TODO line of the current paragraph
    for index, (line, kind) in enumerate(zip(lines, structure.line_kinds, strict=True)):
        if kind == "heading":
            heading, wanted = heading_at[index]
            indent = line[: len(line) - len(line.lstrip())]
            text = f" {marker}: {heading.text}" if heading.text else f" {marker}"
            if heading.level == 2 and is_related_heading(heading.text, wanted):
                # The related section's title is the site's own: no translation to do.
                text = f" {site_strings(language)['related_title']}"
            output.append(f"{indent}{'#' * heading.level}{text} {{#{wanted}}}")
            unit = None
            continue
        if kind == "setext":
            continue
        if kind != "text" or line.lstrip().startswith("<"):
            output.append(line)
            unit = None
            continue
        found = spans.get(index, [])
        marker_match = _LIST_ITEM.match(line)
        if unit is None or marker_match is not None:
            prefix = marker_match.group(0) if marker_match is not None else _quote_prefix(line)
            output.append(prefix + marker + "".join(f" {span}" for span in found))
            unit = len(output) - 1
        elif found:
            output[unit] += "".join(f" {span}" for span in found)
    return "\n".join(output)


def _quote_prefix(line: str) -> str:
    match = _QUOTE_PREFIX.match(line)
    return match.group(0) if match is not None else ""


def _line_index(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, offset) - 1
