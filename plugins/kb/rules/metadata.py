"""Metadata rules: markup in a title or description, unsafe file names, theme-steering keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.findings import Finding, Rule, RuleInfo, Severity
from kb.safe_text import ICON_ID, describe_character, markup_in, unsafe_name_character

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kb.articles import Article
    from kb.corpus import FileIndex
    from kb.rules import RuleContext

INFO: dict[Rule, RuleInfo] = {
    Rule.MARKUP_IN_METADATA: RuleInfo(
        "KB310",
        "content",
        Severity.ERROR,
        "HTML tag or character reference in a title or description",
        example=(
            "`title: Refunds <b>fast</b>`, `description: Fees &amp; charges` (tags, comments and "
            "character references; `Fees & charges` and `3 < 5` are fine)"
        ),
        fix="write plain text: `Fees & charges` (the site escapes it)",
    ),
    Rule.UNSAFE_FILE_NAME: RuleInfo(
        "KB311",
        "content",
        Severity.ERROR,
        "file name with characters unsafe in a URL or in HTML",
        example=(
            '`docs/en/payments/refund "fast".md`, `docs/en/assets/flow chart.svg`: anything but '
            "letters, digits, `-`, `_`, `.` in ASCII, or a control, invisible or space character "
            "(Japanese names are fine); `_headers`, `_redirects`, `.htaccess` or `_routes.json` "
            "anywhere in `docs/` (the web host would read them as its configuration)"
        ),
        fix="rename the file or folder (`refund-fast.md`) and update the links",
    ),
}
"""The rules this module declares: code, family, default severity, summary, example, fix."""

RULES = frozenset({*INFO, Rule.INVALID_FRONT_MATTER})
"""The rules this module reports: its own, and `invalid-front-matter` for a `template:` or an
`icon:` the theme must not take (declared in `kb.articles`, which reports it for front matter
that does not parse)."""


PAGE_TEMPLATES = frozenset({"main.html", "kb-home.html"})
"""Templates front matter may choose. The theme has others (`redirect.html` sends the reader to
the page's `location`, in a script); kb's generated pages choose theirs themselves."""
_TEXT_KEYS = ("title", "description")


def check_article(article: Article, context: RuleContext) -> list[Finding]:
    """Run `markup-in-metadata` (KB310) on an article's front matter, and the
    `invalid-front-matter` (KB301) checks of the keys that steer the theme (`template`, `icon`).

    Args:
        article: The article.
        context: The check's shared state.

    Returns:
        Findings naming `article`.
    """
    if article.front_matter_error:
        return []
    findings: list[Finding] = []
    matter = article.front_matter
    if context.wants(Rule.MARKUP_IN_METADATA):
        for key in _TEXT_KEYS:
            value = matter.get(key)
            markup = markup_in(value) if isinstance(value, str) else None
            if markup is not None:
                findings.append(
                    Finding(
                        article.path,
                        article.line_of(key),
                        Rule.MARKUP_IN_METADATA,
                        f"{key} contains markup {markup!r}: the site shows the {key} as text, "
                        "so readers would see it literally",
                        "write plain text: leave out tags, and type characters such as <, > "
                        "and & themselves instead of &lt; or &amp; (kb escapes them)",
                        article.language,
                    )
                )
    if context.wants(Rule.INVALID_FRONT_MATTER):
        findings.extend(_theme_keys(article))
    return findings


def _theme_keys(article: Article) -> list[Finding]:
    findings = []
    template = article.front_matter.get("template")
    if "template" in article.front_matter and not (
        isinstance(template, str) and template in PAGE_TEMPLATES
    ):
        findings.append(
            Finding(
                article.path,
                article.line_of("template"),
                Rule.INVALID_FRONT_MATTER,
                f"template {str(template)[:60]!r} is not a page template",
                "remove the 'template' key (allowed: "
                + ", ".join(sorted(PAGE_TEMPLATES))
                + "); kb chooses the templates of the pages it generates",
                article.language,
            )
        )
    icon = article.front_matter.get("icon")
    if "icon" in article.front_matter and not (isinstance(icon, str) and ICON_ID.match(icon)):
        findings.append(
            Finding(
                article.path,
                article.line_of("icon"),
                Rule.INVALID_FRONT_MATTER,
                f"icon {str(icon)[:60]!r} is not a theme icon id",
                "write an id such as 'material/bank-transfer', or remove the key",
                article.language,
            )
        )
    return findings


def unsafe_file_name(path: str, docs_path: str, language: str = "") -> Finding | None:
    """An `unsafe-file-name` finding when a segment of `docs_path` has an unsafe character.

    Args:
        path: The file as findings report it.
        docs_path: Its path relative to the docs directory (the part that becomes the URL).
        language: Its language, when it is an article.

    Returns:
        The finding, or None when every segment is safe.
    """
    segments = docs_path.split("/")
    if segments[-1].lower() in HOST_CONFIGURATION_FILES:
        return Finding(
            path,
            1,
            Rule.UNSAFE_FILE_NAME,
            f"'{segments[-1]}' is read by the web host as its configuration (headers, "
            "redirects): a docs folder must not set them",
            "remove the file; the site's headers are written by the build (site/_headers)",
            language,
        )
    for index, segment in enumerate(segments):
        char = unsafe_name_character(segment)
        if char is None:
            continue
        what = "file" if index == len(segments) - 1 else "folder"
        return Finding(
            path,
            1,
            Rule.UNSAFE_FILE_NAME,
            f"the {what} name {segment!r} has {describe_character(char)}, which is unsafe in "
            "a URL or in HTML",
            "rename it using letters, digits, '-', '_' and '.' (Japanese names are fine), "
            "e.g. 'refund-a-payment.md', and update the links to it",
            language,
        )
    return None


HOST_CONFIGURATION_FILES = frozenset({"_headers", "_redirects", ".htaccess", "_routes.json"})
"""Files Netlify, Cloudflare Pages or Apache read from the published folder as configuration."""


def check_files(index: FileIndex, languages: Mapping[str, str]) -> list[Finding]:
    """Run `unsafe-file-name` (KB311) on files: articles, images, downloads.

    Args:
        index: The project's files.
        languages: Docs-relative paths to check, each with its language (empty for a file that
            is no article).

    Returns:
        One finding per unsafe path, in path order.
    """
    found = (
        unsafe_file_name(index.display_path(docs_path), docs_path, languages[docs_path])
        for docs_path in sorted(languages)
    )
    return [finding for finding in found if finding is not None]
