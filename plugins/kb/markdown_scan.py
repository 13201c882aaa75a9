"""Fence-aware scanner: the structure of an article body, line by line, never rendering it.

Over 500 lines on purpose: one pass decides every line's kind (fences, code, admonitions, tabs,
tables, reference definitions, comments, headings, ignore directives), and each decision depends
on the state the others leave (a fence inside an admonition, a table inside a tab). Split
across modules, that state would travel through every call; here it stays in one scanner.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

LineKind = Literal[
    "blank",
    "text",
    "heading",
    "setext",
    "fence",
    "code",
    "admonition",
    "table",
    "refdef",
    "comment",
]

_FENCE = re.compile(r"(`{3,}|~{3,})[ \t]*(.*)$")
_TAB = re.compile(r"===[!+]{0,2}[ \t]+\S")
_ADMONITION = re.compile(r"(!!!|\?\?\?\+?)[ \t]*([\w-]+)")
_REFDEF = re.compile(r"\[([^\]\n]+)\]:[ \t]*<?([^\s>]*)>?(?:[ \t]+\S.*)?$")
_DELIMITER = re.compile(r"[ \t]*+\|?[ \t]*+:?-++:?[ \t]*+(?:\|[ \t]*+:?-++:?[ \t]*+)*+\|?[ \t]*+$")
_ATTR_TOKEN = re.compile(r"""([^\s=]+)=("[^"]*"|'[^']*'|\S*)|(\S+)""")
_SUPPRESS = re.compile(r"<!--\s*kb:\s*ignore\[([^\]]*)\]\s*-->")
_BACKTICKS = re.compile(r"(?<!\\)`+")
_BRACKETS = re.compile(r"\\.|[\[\]]")
_INLINE_DEST = re.compile(
    r"""\([ \t]*+(?:<([^<>\n]*)>|((?:[^\s()\\]|\\.|\([^\s()]*\))*+))"""
    r"""(?:\s++(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*+\)"""
)
_REF_LABEL = re.compile(r"\s?\[([^\[\]\n]*)\]")
_ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")
_MARKED_LANG = re.compile(r"""(?:^|\s)(?:hreflang|lang)=(["']?)([A-Za-z][\w-]*)\1""")
_TAG = re.compile(
    r"""<(?:(?P<auto>(?:https?|ftp)://[^\s<>]+|mailto:[^\s<>]+)"""
    r"""|(?P<email>[^\s<>@/"'=]+@[^\s<>@"']+\.[A-Za-z]{2,})"""
    r"""|(?P<tag>[A-Za-z][A-Za-z0-9-]*+)(?P<attrs>(?:\s++[^\s"'<>/=]++"""
    r"""(?:\s*+=\s*+(?:"[^"]{0,4000}"|'[^']{0,4000}'|[^\s"'=<>`]++))?)*+)\s*+/?)>"""
)
_TAG_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_RISKY_OPEN = re.compile(
    r"<(script|iframe|object|embed|base|meta|form|animate|set|frame|frameset)(?![\w-])",
    re.IGNORECASE,
)
# A handler in a tag `_TAG` does not read (`<img/src=x/onerror=...>`, `<svg/onload=...>`).
_LOOSE_HANDLER = re.compile(
    r"""<([A-Za-z][A-Za-z0-9-]*)[^<>]*?[\s/"'](on[A-Za-z]+)\s*=""", re.IGNORECASE
)
ATTRIBUTE_LIST = "attribute list"
"""`HtmlTag.name` of a Markdown attribute list (`{ onload=... }`): Python-Markdown turns its
keys into attributes of the element before it."""
_NOT_NEWLINE = re.compile(r"[^\n]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LONGEST_LABEL = 999  # longer bracket texts are no reference labels; alt text is cut there
_SPECIAL_FIRST = frozenset("`~#=-!?[")
_SPACES = re.compile(r"[ \t]+")

_T = TypeVar("_T", bound="_Located")


@dataclass(frozen=True, slots=True)
class Heading:
    """An ATX (`## Fees`) or setext heading, as Python-Markdown renders it."""

    level: int
    """1 to 6."""
    text: str
    """Inline Markdown of the heading, without closing hashes and attribute list."""
    explicit_id: str | None
    """The id set with an attribute list (`## Fees {#fees}`), if any."""
    line: int
    """File line."""
    malformed: str = ""
    """Why GitHub would not show it as a heading: `no-space` or `empty`; empty when fine."""
    setext: bool = False
    """Underlined with `===` or `---` (`line` is the text line)."""


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A fenced code block."""

    info: str
    """The whole info string, e.g. `python title="refund.py"`."""
    language: str
    """First word of the info string, lowercased (`python`), or empty."""
    code: tuple[str, ...]
    """Lines with comments, trailing spaces and blank lines removed: what parity compares."""
    line: int
    """File line of the opening fence."""
    section: int
    """Index of the section it is in (0 before the first heading)."""
    closed: bool = True
    """False when the fence runs to the end of the file."""


@dataclass(frozen=True, slots=True)
class Link:
    """A link: inline, reference-style, autolink or raw `<a href>`."""

    target: str
    """The URL as written (for reference links, the definition's URL)."""
    line: int
    """File line where the link starts."""
    section: int
    """Index of the section it is in."""
    lang: str | None = None
    """Language marked with `{hreflang=en}`, `{lang=en}` or the HTML attribute, if any."""
    kind: str = "inline"
    """`inline`, `reference`, `autolink` or `html`."""
    start: int = 0
    """Offset of the link's source in the body."""
    end: int = 0
    """Offset just after the link's source (attribute list included)."""


@dataclass(frozen=True, slots=True)
class Image:
    """An image: `![alt](target)`, reference-style or raw `<img src>`."""

    target: str
    """The source URL as written."""
    alt: str
    """Alternative text (translated, so never compared)."""
    line: int
    """File line."""
    section: int
    """Index of the section it is in."""
    kind: str = "inline"
    """`inline`, `reference` or `html`."""
    start: int = 0
    """Offset of the image's source in the body."""
    end: int = 0
    """Offset just after the image's source."""


@dataclass(frozen=True, slots=True)
class Admonition:
    """An admonition or collapsible block: `!!! warning "Title"`, `??? note`, `???+ tip`."""

    kind: str
    """The type, lowercased (`warning`)."""
    line: int
    """File line."""
    section: int
    """Index of the section it is in."""


@dataclass(frozen=True, slots=True)
class Table:
    """A pipe table (a header row followed by a delimiter row)."""

    columns: int
    """Number of columns of the delimiter row."""
    line: int
    """File line of the header row."""
    section: int
    """Index of the section it is in."""


@dataclass(frozen=True, slots=True)
class HtmlTag:
    """A raw HTML start tag outside code."""

    name: str
    """Tag name, lowercased."""
    attrs: tuple[tuple[str, str | None], ...]
    """Attributes in order: lowercased name and unquoted value (None when bare)."""
    line: int
    """File line where the tag starts."""
    section: int
    """Index of the section it is in."""

    def attr(self, name: str) -> str | None:
        """Value of the first attribute called `name`."""
        for key, value in self.attrs:
            if key == name:
                return value
        return None


_Located = Heading | CodeBlock | Link | Image | Admonition | Table | HtmlTag


@dataclass(frozen=True)
class Structure:
    """What an article body is made of, each item with its file line and section."""

    headings: tuple[Heading, ...] = ()
    """Headings in order; heading `i` opens section `i + 1`."""
    code_blocks: tuple[CodeBlock, ...] = ()
    """Fenced code blocks in order."""
    links: tuple[Link, ...] = ()
    """Links in order."""
    images: tuple[Image, ...] = ()
    """Images in order."""
    admonitions: tuple[Admonition, ...] = ()
    """Admonitions in order."""
    tables: tuple[Table, ...] = ()
    """Pipe tables in order."""
    html_tags: tuple[HtmlTag, ...] = ()
    """Raw HTML start tags in order."""
    anchors: frozenset[str] = frozenset()
    """Ids defined outside headings: attribute lists on other blocks, HTML `id` and `name`."""
    attr_ids: frozenset[str] = frozenset()
    """Ids set by attribute lists on blocks other than headings (Python-Markdown's tree ids)."""
    suppressions: dict[int, frozenset[str]] = field(default_factory=dict)
    """`<!-- kb: ignore[...] -->` comments: file line to the rule names or codes they name."""
    first_line: int = 1
    """File line of the body's first line."""
    line_kinds: tuple[LineKind, ...] = ()
    """What each body line is (only when scanned with `keep_kinds=True`)."""
    masked: str = ""
    """The body with fenced code, HTML comments, reference definitions and code spans blanked
    to spaces: same length, same lines. What the prose rules read."""

    @property
    def section_count(self) -> int:
        """Number of sections: one before the first heading, then one per heading."""
        return len(self.headings) + 1

    def by_section(self, items: Iterable[_T]) -> list[list[_T]]:
        """Group located items (links, images...) into a list per section."""
        sections: list[list[_T]] = [[] for _ in range(self.section_count)]
        for item in items:
            sections[getattr(item, "section", 0)].append(item)
        return sections

    def section_line(self, section: int) -> int:
        """File line where `section` starts: its heading, or the first line for section 0."""
        if section <= 0 or section > len(self.headings):
            return self.first_line
        return self.headings[section - 1].line

    def is_suppressed(self, line: int, *names: str) -> bool:
        """True when a suppression comment on `line` or the line above names one of `names`."""
        if not self.suppressions:
            return False
        wanted = {name.lower() for name in names}
        for where in (line, line - 1):
            named = self.suppressions.get(where)
            if named is not None and not wanted.isdisjoint(named):
                return True
        return False


def scan(body: str, first_line: int = 1, *, keep_kinds: bool = False) -> Structure:
    """Scan an article body (front matter removed) into its structure.

    Args:
        body: The Markdown after the front matter, with `\\n` line endings.
        first_line: File line of the body's first line (front matter offset).
        keep_kinds: Also record what each line is (used to draft translations).

    Returns:
        The structure, with file lines.
    """
    return _Scanner(body, first_line, keep_kinds).run()


def heading_attrs(text: str) -> tuple[str, str | None]:
    """Split a heading's text from its attribute list: `Fees {#fees}` -> (`Fees`, `fees`).

    Matches attr_list's `[ ]+{:?([^}]*)}[ ]*$` with string searches, which stay linear on
    hostile lines where the regular expression would backtrack.
    """
    end = text.rstrip(" ")
    if not end.endswith("}"):
        return text, None
    close = len(end) - 1
    opening = end.find(" {", end.rfind("}", 0, close) + 1)
    if opening < 0:
        return text, None
    inner = end[opening + 2 : close]
    return text[:opening].strip(), _attr_id(inner[1:] if inner.startswith(":") else inner)


def _attr_id(attrs: str) -> str | None:
    found = None
    for match in _ATTR_TOKEN.finditer(attrs):
        token = match.group(3)
        if token and token.startswith("#") and len(token) > 1:
            found = token[1:]
        elif match.group(1) == "id":
            found = match.group(2).strip("\"'")
    return found


def _attr_lang(attrs: str) -> str | None:
    match = _MARKED_LANG.search(attrs)
    return match.group(2) if match else None


def _indent_of(line: str, stripped: str) -> int:
    lead = line[: len(line) - len(stripped)]
    return len(lead.expandtabs(4)) if "\t" in lead else len(lead)


def _normal_label(label: str) -> str:
    return _SPACES.sub(" ", label.strip()).lower()


def _blank(text: str) -> str:
    return _NOT_NEWLINE.sub(" ", text)


class _Scanner:
    def __init__(self, body: str, first_line: int, keep_kinds: bool) -> None:
        self.body = body
        self.first_line = first_line
        self.lines = body.split("\n")
        self.keep_kinds = keep_kinds
        self.kinds: list[LineKind] = []
        self.masked: list[str] = list(self.lines)
        self.text = ""
        self.breaks: list[int] = []
        self._last_offset = 0
        self._last_index = 0
        self.headings: list[Heading] = []
        self.heading_index: list[int] = []
        self.code: list[tuple[str, int, int, list[str], bool]] = []
        self.admonitions: list[tuple[str, int]] = []
        self.tables: list[tuple[int, int]] = []
        self.refdefs: dict[str, str] = {}
        self.suppressions: dict[int, frozenset[str]] = {}

    def run(self) -> Structure:
        self._lines()
        text = "\n".join(self.masked)
        self.breaks = [match.start() for match in _PARAGRAPH_BREAK.finditer(text)]
        text = self._mask_code_spans(text)
        self.text = text
        links, images = self._links(text)
        tags, anchors, more_links, more_images = self._tags(text)
        attribute_lists = self._attribute_lists(text)
        if attribute_lists:
            tags = sorted(tags + attribute_lists, key=lambda tag: tag.line)
        if more_links:
            links = sorted(links + more_links, key=lambda link: link.start)
        if more_images:
            images = sorted(images + more_images, key=lambda image: image.start)
        attr_ids = self._attr_ids(text)
        code = tuple(
            CodeBlock(
                info,
                _language(info),
                comparable_code(lines, _language(info)),
                index + self.first_line,
                self._section(index),
                closed,
            )
            for info, index, _, lines, closed in self.code
        )
        return Structure(
            headings=tuple(self.headings),
            code_blocks=code,
            links=tuple(links),
            images=tuple(images),
            admonitions=tuple(
                Admonition(kind, index + self.first_line, self._section(index))
                for kind, index in self.admonitions
            ),
            tables=tuple(
                Table(columns, index + self.first_line, self._section(index))
                for columns, index in self.tables
            ),
            html_tags=tuple(tags),
            anchors=frozenset(anchors | attr_ids),
            attr_ids=frozenset(attr_ids),
            suppressions=self.suppressions,
            first_line=self.first_line,
            line_kinds=tuple(self.kinds),
            masked=text,
        )

    # Pass 1: one look at each line decides what it is; code and comments are masked out.
    def _lines(self) -> None:  # one state machine reads best in one place
        lines = self.lines
        masked = self.masked
        kinds = self.kinds if self.keep_kinds else None
        fence: tuple[str, int, int, int, list[str]] | None = None  # char, length, index, indent
        fence_info = ""
        in_comment = False
        in_table = False
        containers: list[int] = []
        boundary = True  # the next non-blank line starts a block
        block_start = -1
        count = len(lines)
        special = _SPECIAL_FIRST
        for index, line in enumerate(lines):
            kind: LineKind
            if fence is not None:
                char, length, _, indent, content = fence
                closing = line.strip()
                if len(closing) >= length and closing.count(char) == len(closing):
                    self.code.append((fence_info, fence[2], index, content, True))
                    fence = None
                    boundary = True
                    kind = "fence"
                else:
                    content.append(_dedent(line, indent) if indent else line)
                    kind = "code"
                masked[index] = " " * len(line)
                if kinds is not None:
                    kinds.append(kind)
                continue
            if in_comment:
                if "-->" not in line:
                    masked[index] = " " * len(line)
                    if kinds is not None:
                        kinds.append("comment")
                    continue
                line, in_comment = _mask_comments(line, True)
                masked[index] = line
                if not line.strip():
                    if kinds is not None:
                        kinds.append("comment")
                    continue
            stripped = line.lstrip()
            if not stripped:
                boundary = True
                in_table = False
                block_start = -1
                if kinds is not None:
                    kinds.append("blank")
                continue
            first = stripped[0]
            starts_block = boundary
            boundary = False
            if containers or first in special:
                indent = _indent_of(line, stripped) if len(stripped) != len(line) else 0
                while containers and indent < containers[-1]:
                    containers.pop()
                base = containers[-1] if containers else 0
            else:
                indent = base = 0
            kind = "text"
            if "<!--" in line:
                self._suppressions(line, index)
                masked[index], in_comment = _mask_comments(line, False)
                if stripped.startswith("<!--"):
                    kind = "comment"
            if in_table:
                kind = "table"
            elif first not in special:
                if "|" in stripped and starts_block and self._is_table(index):
                    in_table = True
                    kind = "table"
            elif (
                first in "`~"
                and (match := _FENCE.match(stripped)) is not None
                and not (first == "`" and "`" in match.group(2))
            ):
                fence = (first, len(match.group(1)), index, indent, [])
                fence_info = match.group(2).strip()
                masked[index] = " " * len(line)
                kind = "fence"
            elif first == "#" and indent == base:
                self._atx(stripped, index)
                kind = "heading"
                boundary = True
            elif first == "=" and _TAB.match(stripped):
                containers.append(indent + 4)  # a content tab: its body is indented like this
                boundary = True
            elif (
                first in "=-"
                and block_start >= 0
                and block_start == index - 1
                and indent == base
                and _is_underline(stripped)
            ):
                self._setext(index, first == "=")
                kind = "setext"
                if kinds is not None:
                    kinds[index - 1] = "heading"
                boundary = True
            elif first in "!?" and (match := _ADMONITION.match(stripped)) is not None:
                self.admonitions.append((match.group(2).lower(), index))
                containers.append(indent + 4)
                kind = "admonition"
                boundary = True
            elif (
                first == "["
                and (match := _REFDEF.match(stripped)) is not None
                and not (match.group(1).startswith("^"))
            ):
                self.refdefs.setdefault(_normal_label(match.group(1)), match.group(2))
                masked[index] = " " * len(line)
                kind = "refdef"
                boundary = True  # Python-Markdown starts a new block after a definition
            elif "|" in stripped and starts_block and self._is_table(index):
                in_table = True
                kind = "table"
            if starts_block and kind == "text":
                block_start = index
            if kinds is not None:
                kinds.append(kind)
        if fence is not None:
            self.code.append((fence_info, fence[2], count, fence[4], False))

    def _is_table(self, index: int) -> bool:
        lines = self.lines
        if index + 1 >= len(lines):
            return False
        delimiter = lines[index + 1]
        if "-" not in delimiter or "|" not in delimiter or not _DELIMITER.match(delimiter):
            return False
        self.tables.append((_columns(delimiter), index))
        return True

    def _suppressions(self, line: str, index: int) -> None:
        for match in _SUPPRESS.finditer(line):
            names = frozenset(n.strip().lower() for n in match.group(1).split(",") if n.strip())
            line_no = index + self.first_line
            self.suppressions[line_no] = self.suppressions.get(line_no, frozenset()) | names

    def _atx(self, stripped: str, index: int) -> None:
        level = len(stripped) - len(stripped.lstrip("#"))
        level = min(level, 6)
        rest = stripped[level:]
        malformed = ""
        if rest and rest[0] not in " \t":
            malformed = "no-space"
        if rest.endswith("#"):
            trimmed = rest.rstrip("#")
            if trimmed.endswith("\\"):
                trimmed += "#"
            rest = trimmed
        text, explicit = heading_attrs(rest.strip())
        if not text and explicit is None:
            malformed = "empty"
        self._add_heading(Heading(level, text, explicit, index + self.first_line, malformed), index)

    def _setext(self, index: int, first_level: bool) -> None:
        text, explicit = heading_attrs(self.lines[index - 1].strip())
        heading = Heading(
            1 if first_level else 2, text, explicit, index - 1 + self.first_line, setext=True
        )
        self._add_heading(heading, index - 1)

    def _add_heading(self, heading: Heading, index: int) -> None:
        self.headings.append(heading)
        self.heading_index.append(index)

    def _section(self, index: int) -> int:
        return bisect_right(self.heading_index, index)

    def _line_of(self, offset: int) -> int:
        # Offsets mostly come in increasing order: count newlines from the last answer.
        if offset < self._last_offset:
            self._last_offset = self._last_index = 0
        self._last_index += self.text.count("\n", self._last_offset, offset)
        self._last_offset = offset
        return self._last_index

    # Pass 2: inline constructs, on the body with code and comments blanked (offsets kept).
    def _mask_code_spans(self, text: str) -> str:
        if "`" not in text:
            return text
        runs = [match.span() for match in _BACKTICKS.finditer(text)]
        spans: list[tuple[int, int]] = []
        index = 0
        breaks = self.breaks
        while index < len(runs):
            start, end = runs[index]
            width = end - start
            after = bisect_right(breaks, end)
            stop = breaks[after] if after < len(breaks) else len(text)
            for other in range(index + 1, min(len(runs), index + 200)):
                other_start, other_end = runs[other]
                if other_start > stop:
                    break
                if other_end - other_start == width:
                    spans.append((start, other_end))
                    index = other
                    break
            index += 1
        if not spans:
            return text
        pieces: list[str] = []
        last = 0
        for start, end in spans:
            pieces.append(text[last:start])
            pieces.append(_blank(text[start:end]))
            last = end
        pieces.append(text[last:])
        return "".join(pieces)

    def _links(self, text: str) -> tuple[list[Link], list[Image]]:
        if "[" not in text:
            return [], []
        pairs: list[tuple[int, int]] = []
        stack: list[int] = []
        breaks = self.breaks
        for match in _BRACKETS.finditer(text):
            token = match.group(0)
            if token == "[":
                stack.append(match.start())
            elif token == "]" and stack:
                opening = stack.pop()
                close = match.start()
                # A link never spans paragraphs: brackets across a blank line do not pair.
                after = bisect_right(breaks, opening)
                if after < len(breaks) and breaks[after] < close:
                    stack.clear()
                    continue
                pairs.append((opening, close))
        pairs.sort()
        links: list[Link] = []
        images: list[Image] = []
        used: set[int] = set()
        body = self.body
        for start, close in pairs:
            if start in used:
                continue
            image = start > 0 and text[start - 1] == "!" and (start < 2 or text[start - 2] != "\\")
            after = close + 1
            target: str | None = None
            kind = "inline"
            end = after
            if text.startswith("(", after):
                dest = _INLINE_DEST.match(text, after)
                if dest is None:
                    continue
                target = dest.group(1) if dest.group(1) is not None else dest.group(2) or ""
                end = dest.end()
            else:
                if text.startswith("^", start + 1) or not self.refdefs:
                    continue  # a footnote reference, or nothing a reference could name
                ref = _REF_LABEL.match(text, after)
                if ref is not None:
                    used.add(text.index("[", after))
                    end = ref.end()
                if ref is not None and ref.group(1).strip():
                    label = ref.group(1)
                elif close - start <= _LONGEST_LABEL:
                    label = body[start + 1 : close]
                else:
                    continue
                target = self.refdefs.get(_normal_label(label))
                if target is None:
                    continue
                kind = "reference"
            attrs = _ATTR_LIST.match(text, end)
            lang = None
            if attrs is not None:
                lang = _attr_lang(attrs.group(1))
                end = attrs.end()
            index = self._line_of(start)
            line = index + self.first_line
            section = self._section(index)
            if image:
                alt = body[start + 1 : min(close, start + 1 + _LONGEST_LABEL)]
                images.append(Image(target, alt, line, section, kind, start - 1, end))
            else:
                links.append(Link(target, line, section, lang, kind, start, end))
        return links, images

    def _tags(self, text: str) -> tuple[list[HtmlTag], set[str], list[Link], list[Image]]:
        tags: list[HtmlTag] = []
        anchors: set[str] = set()
        links: list[Link] = []
        images: list[Image] = []
        if "<" not in text:
            return tags, anchors, links, images
        starts: set[int] = set()
        for match in _TAG.finditer(text):
            start = match.start()
            index = self._line_of(start)
            line, section = index + self.first_line, self._section(index)
            auto = match.group("auto") or match.group("email")
            if auto is not None:
                if match.group("email"):
                    auto = f"mailto:{auto}"
                links.append(Link(auto, line, section, None, "autolink", start, match.end()))
                continue
            name = match.group("tag").lower()
            attrs = tuple(
                (m.group(1).lower(), _unquote(m.group(2)) if m.group(2) is not None else None)
                for m in _TAG_ATTR.finditer(match.group("attrs") or "")
            )
            tag = HtmlTag(name, attrs, line, section)
            tags.append(tag)
            starts.add(start)
            for key, value in attrs:
                if value and (key == "id" or (key == "name" and name == "a")):
                    anchors.add(value)
            if name == "a" and (href := tag.attr("href")) is not None:
                lang = tag.attr("hreflang") or tag.attr("lang")
                links.append(Link(href, line, section, lang, "html", start, match.end()))
            elif name == "img" and (src := tag.attr("src")) is not None:
                images.append(
                    Image(src, tag.attr("alt") or "", line, section, "html", start, match.end())
                )
        for match in _RISKY_OPEN.finditer(text):
            if match.start() not in starts:
                index = self._line_of(match.start())
                tags.append(
                    HtmlTag(
                        match.group(1).lower(), (), index + self.first_line, self._section(index)
                    )
                )
        for match in _LOOSE_HANDLER.finditer(text):
            if match.start() not in starts:
                index = self._line_of(match.start())
                handler = ((match.group(2).lower(), ""),)
                tags.append(
                    HtmlTag(
                        match.group(1).lower(),
                        handler,
                        index + self.first_line,
                        self._section(index),
                    )
                )
        tags.sort(key=lambda tag: tag.line)
        return tags, anchors, links, images

    def _attribute_lists(self, text: str) -> list[HtmlTag]:
        """Attribute lists that set attributes (`key=value`): what they set is checked like
        the attributes of a tag."""
        if "{" not in text:
            return []
        found: list[HtmlTag] = []
        for match in _ATTR_LIST.finditer(text):
            if "=" not in match.group(1):
                continue
            attrs = tuple(
                (token.group(1).lower(), _unquote(token.group(2)))
                for token in _ATTR_TOKEN.finditer(match.group(1))
                if token.group(1) is not None
            )
            if attrs:
                index = self._line_of(match.start())
                found.append(
                    HtmlTag(ATTRIBUTE_LIST, attrs, index + self.first_line, self._section(index))
                )
        return found

    def _attr_ids(self, text: str) -> set[str]:
        if "{" not in text:
            return set()
        heading_lines = set(self.heading_index)
        ids: set[str] = set()
        for match in _ATTR_LIST.finditer(text):
            if "#" not in match.group(1) or self._line_of(match.start()) in heading_lines:
                continue
            found = _attr_id(match.group(1))
            if found:
                ids.add(found)
        return ids


def _mask_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """Blank the HTML comments of a line; say whether a comment is still open at its end."""
    pieces: list[str] = []
    position = 0
    while position < len(line):
        if in_comment:
            end = line.find("-->", position)
            if end < 0:
                pieces.append(" " * (len(line) - position))
                return "".join(pieces), True
            pieces.append(" " * (end + 3 - position))
            position = end + 3
            in_comment = False
        else:
            start = line.find("<!--", position)
            if start < 0:
                pieces.append(line[position:])
                break
            pieces.append(line[position:start])
            position = start
            in_comment = True
    return "".join(pieces), in_comment


def _dedent(line: str, indent: int) -> str:
    if not indent:
        return line
    expanded = line.expandtabs(4) if "\t" in line[:indent] else line
    stripped = expanded.lstrip(" ")
    return expanded[min(indent, len(expanded) - len(stripped)) :]


def _is_underline(stripped: str) -> bool:
    mark = stripped.rstrip(" ")
    return bool(mark) and mark.strip("=-") == ""


def _columns(delimiter: str) -> int:
    row = delimiter.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return row.count("|") + 1


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _language(info: str) -> str:
    if not info:
        return ""
    word = info.split()[0].lstrip("{.").rstrip("}")
    return word.lower()


_HASH = frozenset(
    [
        "python",
        "py",
        "python3",
        "py3",
        "pycon",
        "bash",
        "sh",
        "shell",
        "zsh",
        "console",
        "shell-session",
        "shellsession",
        "yaml",
        "yml",
        "toml",
        "ruby",
        "rb",
        "perl",
        "pl",
        "r",
        "ini",
        "conf",
        "cfg",
        "properties",
        "dockerfile",
        "docker",
        "make",
        "makefile",
        "powershell",
        "ps1",
        "ps",
        "nginx",
        "apache",
        "elixir",
        "ex",
        "graphql",
        "gql",
        "tcl",
        "coffee",
        "nim",
        "julia",
        "cmake",
    ]
)
_SLASH = frozenset(
    [
        "js",
        "javascript",
        "mjs",
        "cjs",
        "ts",
        "typescript",
        "jsx",
        "tsx",
        "java",
        "c",
        "cpp",
        "c++",
        "cc",
        "h",
        "hpp",
        "cs",
        "csharp",
        "c#",
        "go",
        "golang",
        "rust",
        "rs",
        "swift",
        "kotlin",
        "kt",
        "kts",
        "scala",
        "dart",
        "groovy",
        "gradle",
        "json",
        "json5",
        "jsonc",
        "php",
        "objc",
        "objective-c",
        "css",
        "scss",
        "less",
        "sass",
        "zig",
        "v",
        "solidity",
        "proto",
        "protobuf",
        "hcl",
        "terraform",
        "tf",
    ]
)
_MARKUP = frozenset(
    [
        "html",
        "htm",
        "xml",
        "xhtml",
        "svg",
        "vue",
        "markdown",
        "md",
        "mdx",
        "jinja",
        "jinja2",
        "django",
        "liquid",
    ]
)
_DASHES = frozenset(
    [
        "sql",
        "mysql",
        "postgresql",
        "postgres",
        "psql",
        "plsql",
        "tsql",
        "sqlite",
        "lua",
        "haskell",
        "hs",
        "ada",
    ]
)
_COMMENT_PATTERNS: dict[tuple[bool, bool, bool, bool], re.Pattern[str]] = {}


def _comment_pattern(language: str) -> re.Pattern[str]:
    hashes = language in _HASH or language in ("php",)
    slashes = language in _SLASH
    markup = language in _MARKUP
    dashes = language in _DASHES
    if not (hashes or slashes or markup or dashes):
        hashes = slashes = markup = True  # unknown language: the common comment styles
    key = (hashes, slashes, markup, dashes)
    pattern = _COMMENT_PATTERNS.get(key)
    if pattern is None:
        markers = []
        if hashes:
            markers.append("#")
        if slashes:
            markers.extend([r"//", r"/\*"])
        if markup:
            markers.append(r"<!--")
        if dashes:
            markers.extend([r"--", r"/\*"])
        pattern = re.compile(r"(?:^|(?<=\s))(?:" + "|".join(markers) + ")")
        _COMMENT_PATTERNS[key] = pattern
    return pattern


def comparable_code(lines: Sequence[str], language: str) -> tuple[str, ...]:
    """Code lines as parity compares them: comments removed, trailing spaces and blanks dropped.

    Args:
        lines: The code block's lines.
        language: The block's language (first word of the info string).

    Returns:
        The non-blank lines without comments.
    """
    pattern = _comment_pattern(language)
    closer = ""
    kept: list[str] = []
    for line in lines:
        out: list[str] = []
        position = 0
        while position < len(line):
            if closer:
                end = line.find(closer, position)
                if end < 0:
                    break
                position = end + len(closer)
                closer = ""
                continue
            match = pattern.search(line, position)
            if match is None:
                out.append(line[position:])
                break
            out.append(line[position : match.start()])
            marker = match.group(0)
            if marker == "/*":
                closer = "*/"
            elif marker == "<!--":
                closer = "-->"
            else:
                break
            position = match.end()
        text = "".join(out).rstrip()
        if text:
            kept.append(text)
    return tuple(kept)
