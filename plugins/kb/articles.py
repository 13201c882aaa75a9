"""Articles: one article file loaded (bytes, encoding, front matter, structure) into an `Article`,
and the pair of an article and its translation (`kb.corpus` finds and pairs them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from kb.docs_tree import (
    MAX_ARTICLE_BYTES,
    FileTooLarge,
    NotAFile,
    read_regular_file,
)
from kb.findings import Finding, Rule, RuleInfo, Severity
from kb.front_matter import split_front_matter
from kb.markdown_scan import Structure, scan
from kb.yamlio import YamlError, YamlPath, load_document, load_simple, refuse_anchors

if TYPE_CHECKING:
    from pathlib import Path

    from kb.project import Project

INFO: dict[Rule, RuleInfo] = {
    Rule.INVALID_FRONT_MATTER: RuleInfo(
        "KB301",
        "content",
        Severity.ERROR,
        "front matter is not valid YAML",
        example=(
            "front matter is not valid YAML, not a mapping, repeats a key, has a `title` or "
            "`description` that is not text, uses a YAML anchor or alias (`description: *i`), or "
            "picks a theme template (`template: redirect.html`) or an `icon:` that is no icon of "
            "the theme"
        ),
        fix=(
            "fix the YAML at the reported line; write each value out; remove `template:` (only "
            "`main.html`, `kb-home.html`)"
        ),
    ),
    Rule.INVALID_ENCODING: RuleInfo(
        "KB302",
        "content",
        Severity.ERROR,
        "file is not UTF-8 text",
        example=(
            "the file is Shift_JIS or has binary bytes; or it cannot be read, is over 256 KB, is a"
            " named pipe or device, or sits more than 32 folders deep"
        ),
        fix="save it as UTF-8; split the article; remove the file or flatten the folders",
    ),
    Rule.UNSAFE_SYMLINK: RuleInfo(
        "KB312",
        "content",
        Severity.ERROR,
        "symlink that leaves the repository, loops or names a folder",
        example=(
            "`docs/en/assets/env.txt -> /proc/self/environ` (leaves the repository), `docs/en/loop"
            " -> .` (loops), a link into `.git/`, a dangling link, a symlinked folder; in `kb "
            "links`, a symlink that leaves the site or loops"
        ),
        fix="replace the symlink with the file itself, or remove it",
    ),
}
"""The rules loading reports (for `kb check` and the build): a file that is no UTF-8 text or
too large, a symlink that leaves the repository, front matter that does not parse."""

ARTICLE_SUFFIXES = (".md",)
"""File name endings that make an article."""
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, eq=False)
class Article:
    """One Markdown file of one language, loaded and scanned."""

    path: str
    """POSIX path relative to the project root, as findings report it."""
    file: Path
    """Absolute path."""
    language: str
    """Language of the file (`en`, `ja`)."""
    rel: str
    """Language-relative POSIX path shared by twins, e.g. `payments/refund-a-payment.md`."""
    text: str
    """The file's text: BOM removed, `\\n` line endings."""
    front_matter: dict[str, Any]
    """Parsed front matter; empty when absent or invalid."""
    body: str
    """Markdown after the front matter."""
    body_start_line: int
    """File line of the body's first line."""
    structure: Structure
    """Headings, code, links, images, admonitions, tables and HTML of the body."""
    front_matter_lines: dict[YamlPath, int] = field(default_factory=dict)
    """File line of each front matter value, by path (`("products", 0)`)."""
    front_matter_end_line: int = 1
    """File line of the closing `---` (1 without front matter)."""
    front_matter_error: bool = False
    """The front matter could not be read (an `invalid-front-matter` finding says why)."""

    @property
    def kind(self) -> Literal["article", "page"]:
        """`page` for `kind: page` (home, contact, glossary); `article` otherwise."""
        return "page" if self.front_matter.get("kind") == "page" else "article"

    @property
    def title(self) -> str:
        """The front matter title, or empty."""
        title = self.front_matter.get("title")
        return "" if title is None else str(title)

    @property
    def source_digest(self) -> str | None:
        """The recorded `source_digest` of a translation, or None."""
        value = self.front_matter.get("source_digest")
        if value is None or isinstance(value, bool):
            return None
        return str(value).strip()

    @property
    def draft(self) -> bool:
        """True for `draft: true`: a draft is never published (a translation's language serves
        the source article in its place) and is no translation yet."""
        return self.front_matter.get("draft") is True

    @property
    def products(self) -> list[str] | None:
        """Product ids from front matter; None when the key is absent or not a list of ids."""
        value = self.front_matter.get("products")
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        return None

    @property
    def last_reviewed(self) -> dt.date | None:
        """The `last_reviewed` date (a YAML date or an ISO date string); None when absent or
        not a date."""
        value = self.front_matter.get("last_reviewed")
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                return None
        if isinstance(value, dt.datetime):
            return value.date()
        return value if isinstance(value, dt.date) else None

    def line_of(self, *path: str | int) -> int:
        """File line of a front matter value (1 when unknown)."""
        return self.front_matter_lines.get(path, 1)

    def __repr__(self) -> str:
        return f"Article({self.path!r})"


@dataclass(frozen=True)
class ArticlePair:
    """A source article and its translation into one language, matched by `rel`."""

    rel: str
    """The shared language-relative path."""
    language: str
    """The translation language."""
    source: Article | None
    """The source-language article (None for an orphan translation)."""
    translation: Article | None
    """The translation (None when it is missing)."""


@dataclass(frozen=True)
class LoadResult:
    """The outcome of loading one file: an article, findings, or both."""

    article: Article | None
    findings: list[Finding]
    refused: bool = False
    """The build must not read the file either: it is unreadable, too large, or its front
    matter uses YAML anchors or aliases (which can expand a few lines into gigabytes)."""


def load_article(project: Project, file: Path, language: str, rel: str, path: str) -> LoadResult:
    """Load one article file.

    Args:
        project: The project (for messages).
        file: Absolute path of the file.
        language: Its language.
        rel: Its language-relative path.
        path: Its path as findings report it.

    Returns:
        The article (None when the file cannot be read as UTF-8 text) and any findings about
        its encoding or front matter.
    """
    try:
        data = read_regular_file(file, MAX_ARTICLE_BYTES)
    except OSError as error:
        if isinstance(error, FileTooLarge):
            message = f"the file is {error.strerror}: kb and the build do not read it"
            hint = "split the article; an article is a few kilobytes of text"
        elif isinstance(error, NotAFile):
            message = f"the file is {error.strerror}: kb and the build never read it"
            hint = "remove it from the docs folder"
        else:
            message = f"cannot read the file: {error.strerror or error}"
            hint = "check the file's permissions"
        finding = Finding(path, 1, Rule.INVALID_ENCODING, message, hint, language)
        return LoadResult(None, [finding], refused=True)
    return parse_article(data, file, language, rel, path)


def parse_article(data: bytes, file: Path, language: str, rel: str, path: str) -> LoadResult:
    """Decode and parse an article's bytes; see `load_article`."""
    text, problem = decode(data)
    if text is None:
        line, message = problem
        hint = "save the file as UTF-8 (without a byte order mark, or with one)"
        return LoadResult(
            None, [Finding(path, line, Rule.INVALID_ENCODING, message, hint, language)]
        )
    findings: list[Finding] = []
    block = split_front_matter(text)
    refused = False
    front_matter: dict[str, Any] = {}
    lines: dict[YamlPath, int] = {}
    end_line = 1
    if block.unclosed:
        findings.append(
            Finding(
                path,
                1,
                Rule.INVALID_FRONT_MATTER,
                "front matter opened with '---' on line 1 is never closed",
                "end the front matter with a line containing only '---'",
                language,
            )
        )
    elif block.yaml is not None:
        end_line = block.body_start_line - 1
        front_matter, lines, refused = _front_matter(block.yaml, path, language, findings)
    front_matter_error = any(f.rule is Rule.INVALID_FRONT_MATTER for f in findings)
    # Line kinds cost one list append per line; the prose rules need them.
    structure = scan(block.body, block.body_start_line, keep_kinds=True)
    article = Article(
        path=path,
        file=file,
        language=language,
        rel=rel,
        text=text,
        front_matter=front_matter,
        body=block.body,
        body_start_line=block.body_start_line,
        structure=structure,
        front_matter_lines=lines,
        front_matter_end_line=end_line,
        front_matter_error=front_matter_error,
    )
    return LoadResult(article, findings, refused=refused)


def read_page_source(file: Path) -> str:
    """A page's text as MkDocs reads it, for the build: refused as `kb check` refuses it.

    Args:
        file: The Markdown file.

    Returns:
        The text, BOM removed, with `\\n` line endings.

    Raises:
        OSError: The file cannot be read, is no regular file or is over `MAX_ARTICLE_BYTES`.
        UnicodeDecodeError: The file is not UTF-8.
        YamlError: The front matter uses YAML anchors or aliases.
    """
    text = read_regular_file(file, MAX_ARTICLE_BYTES).decode("utf-8-sig")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    block = split_front_matter(text)
    if block.yaml is not None:
        refuse_anchors(block.yaml)
    return text


def decode(data: bytes) -> tuple[str | None, tuple[int, str]]:
    """Decode file bytes as UTF-8 (BOM allowed), normalising line endings to `\\n`.

    Returns:
        The text, or None and (line, message) saying why the bytes are not UTF-8 text.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, (1, "file is UTF-16 encoded, not UTF-8")
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start : error.start + 1].hex()
        return None, (line, f"file is not UTF-8: byte 0x{byte} on line {line} cannot be decoded")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, (line, f"file contains a NUL byte on line {line}: binary data, not text")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, (0, "")


def _front_matter(
    yaml_text: str, path: str, language: str, findings: list[Finding]
) -> tuple[dict[str, Any], dict[YamlPath, int], bool]:
    hint = "fix the YAML between the '---' lines (quote values that contain ': ' or '#')"
    try:
        document = load_simple(yaml_text) or load_document(yaml_text)
    except YamlError as error:
        message = f"front matter is not valid YAML: {error.message}"
        if error.unsafe:
            # A few lines of aliases expand into gigabytes where the value is printed.
            message = f"front matter: {error.message}"
            hint = "write each value out; kb and the build do not read this article"
        findings.append(
            Finding(path, error.line + 1, Rule.INVALID_FRONT_MATTER, message, hint, language)
        )
        return {}, {}, error.unsafe
    lines = {key: line + 1 for key, line in document.lines.items()}
    for where, line in document.duplicates:
        key = ".".join(str(part) for part in where)
        first = lines.get(where, 1)
        findings.append(
            Finding(
                path,
                line + 1,
                Rule.INVALID_FRONT_MATTER,
                f"front matter key '{key}' is given twice (first on line {first})",
                "keep one of the two values",
                language,
            )
        )
    data = document.data
    if data is None:
        return {}, lines, False
    if not isinstance(data, dict):
        findings.append(
            Finding(
                path,
                2,
                Rule.INVALID_FRONT_MATTER,
                f"front matter must be a mapping of keys to values, not a {_kind(data)}",
                "write 'key: value' lines, e.g. 'title: Refund a payment'",
                language,
            )
        )
        return {}, {}, False
    front_matter = {str(key): value for key, value in data.items()}
    _check_types(front_matter, lines, path, language, findings)
    return front_matter, lines, False


def _check_types(
    front_matter: dict[str, Any],
    lines: dict[YamlPath, int],
    path: str,
    language: str,
    findings: list[Finding],
) -> None:
    def report(key: str, message: str, hint: str) -> None:
        findings.append(
            Finding(path, lines.get((key,), 1), Rule.INVALID_FRONT_MATTER, message, hint, language)
        )

    for key in ("title", "description"):
        value = front_matter.get(key)
        if key in front_matter and not isinstance(value, str):
            report(key, f"{key} must be text, not a {_kind(value)}", f"quote the {key}")
    products = front_matter.get("products")
    if (
        "products" in front_matter
        and products is not None
        and not (isinstance(products, list) and all(isinstance(item, str) for item in products))
    ):
        report(
            "products",
            "products must be a list of product ids",
            "write e.g. 'products: [payments, payouts]'",
        )
    kind = front_matter.get("kind")
    if "kind" in front_matter and kind not in ("page", "article"):
        report(
            "kind",
            f"kind must be 'page' or 'article', not {kind!r}",
            "use 'kind: page' for pages that are not help articles",
        )
    if "draft" in front_matter and not isinstance(front_matter["draft"], bool):
        report(
            "draft",
            f"draft must be true or false, not {front_matter['draft']!r}"[:120],
            "write 'draft: true', or remove the line to publish the article",
        )
    digest = front_matter.get("source_digest")
    if "source_digest" in front_matter and (
        isinstance(digest, bool) or not isinstance(digest, str | int)
    ):
        report(
            "source_digest",
            "source_digest must be the 12-character digest",
            "run `kb mark-translated` on the file",
        )


def _kind(value: Any) -> str:
    return {
        list: "list",
        dict: "mapping",
        str: "string",
        int: "number",
        float: "number",
        bool: "boolean",
    }.get(type(value), type(value).__name__)
