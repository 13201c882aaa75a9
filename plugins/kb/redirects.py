"""URLs that last: redirects from old article paths, and the pages the build writes for them.

Help-center URLs live on in support e-mails, saved replies and bookmarks. A redirect maps an
old language-relative path to the article (or page) that replaces it, for every language:
- `redirects: {payments/old.md: payments/new.md}` in the kb options of `mkdocs.yml`;
- `redirect_from:` or `aliases:` in an article's front matter (a path or a URL, or a list);
- each product's article folder (`payouts/`) leads to its product page (`products/payouts/`).

The build writes, for each old URL, a small page that works without JavaScript (a meta refresh
and a link), names the new page canonical and is `noindex`; it is outside the sitemap and the
search index. `missing-redirect` reports an article path that existed at the `--changed`
comparison ref and is gone with no redirect.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kb.findings import Finding, Rule, RuleInfo, Severity

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping

    from kb.articles import Article

INFO: dict[Rule, RuleInfo] = {
    Rule.MISSING_REDIRECT: RuleInfo(
        "KB316",
        "content",
        Severity.ERROR,
        "article gone since the --changed ref with no redirect",
        example=(
            "with `kb check --changed`, `docs/en/payments/refunds.md` existed at the comparison "
            "ref and is gone (deleted, or renamed to `refund-a-payment.md`) with no redirect"
        ),
        fix=(
            "add `redirect_from: [payments/refunds.md]` to the new article's front matter, or "
            "`redirects: {payments/refunds.md: payments/refund-a-payment.md}` in the kb options "
            '(see "Move or rename an article")'
        ),
    ),
}
"""The rule `kb check --changed` reports (`kb.check` finds the gone articles with
`front_matter_old_paths`)."""

FRONT_MATTER_KEYS = ("redirect_from", "aliases")
"""Front matter keys that list an article's old paths (Jekyll's and Hugo's names)."""

_SAFE_PATH = re.compile(r"^[^\s?#\\<>\"'`\x00-\x1f\x7f]*$")


@dataclass(frozen=True)
class Redirect:
    """One old path leading to a new one, in every language."""

    old: str
    """Language-relative source path that is gone, e.g. `payments/old-refunds.md`."""
    new: str
    """Language-relative source path of the page that replaces it, e.g. `payments/refunds.md`."""


def old_path(value: object, languages: Collection[str]) -> str | None:
    """The language-relative `.md` path an old path or URL names, or None when it names none.

    `payments/old.md`, `/payments/old/`, `payments/old.html` and `/ja/payments/old/` all give
    `payments/old.md`; `payouts/` gives `payouts/index.md`.
    """
    if not isinstance(value, str):
        return None
    path = value.strip()
    if not path or "://" in path or path.startswith("//") or not _SAFE_PATH.match(path):
        return None
    path = path.lstrip("/")
    head, _, rest = path.partition("/")
    if head in languages and rest:
        path = rest
    path = path.rstrip("/")  # `/payments/old/` is the URL of `payments/old.md`
    if not path:
        return None
    if path.endswith(".html"):
        path = path.removesuffix(".html") + ".md"
    elif not path.endswith(".md"):
        path += ".md"
    normal = posixpath.normpath(path)
    if normal != path or normal.startswith("../") or normal == "index.md":
        return None  # outside the docs, or the home page, which is never an old path
    return normal


def front_matter_old_paths(article: Article, languages: Collection[str]) -> tuple[list[str], bool]:
    """The old paths an article's front matter declares, and whether any value was unusable."""
    paths: list[str] = []
    bad = False
    for key in FRONT_MATTER_KEYS:
        value: Any = article.front_matter.get(key)
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            path = old_path(item, languages)
            if path is None:
                bad = True
            else:
                paths.append(path)
    return paths, bad


def front_matter_findings(article: Article, languages: Collection[str]) -> list[Finding]:
    """An `invalid-front-matter` finding when `redirect_from`/`aliases` hold no usable path."""
    _, bad = front_matter_old_paths(article, languages)
    if not bad:
        return []
    key = next(k for k in FRONT_MATTER_KEYS if k in article.front_matter)
    return [
        Finding(
            article.path,
            article.line_of(key),
            Rule.INVALID_FRONT_MATTER,
            f"'{key}' holds a value that is no path of this site",
            f"write old paths of this site, e.g. {key}: [payments/old-name.md] or "
            "[/payments/old-name/]",
            article.language,
        )
    ]


def collect_redirects(
    configured: Mapping[str, str],
    articles: Iterable[Article],
    *,
    languages: Collection[str],
    source_language: str,
    product_ids: Collection[str],
) -> list[Redirect]:
    """Every redirect of the site: configured, declared in front matter, product folders.

    An old path that is still an article, or that leads nowhere, is left out (the first
    declaration wins); so is a product folder that has an index page of its own.

    Args:
        configured: `redirects` from the kb options (validated paths).
        articles: Every article of every language.
        languages: The site's languages.
        source_language: The source language.
        product_ids: The taxonomy's product ids.

    Returns:
        Redirects sorted by old path.
    """
    articles = list(articles)
    existing = {article.rel for article in articles}
    targets = existing | {f"products/{pid}.md" for pid in product_ids}
    found: dict[str, str] = {}

    def add(old: str, new: str) -> None:
        if old not in existing and old not in found and new in targets and old != new:
            found[old] = new

    for old, new in configured.items():
        add(old, new)
    for article in sorted(articles, key=lambda a: (a.language != source_language, a.rel)):
        for old in front_matter_old_paths(article, languages)[0]:
            add(old, article.rel)
    folders = {rel.split("/", 1)[0] for rel in existing if "/" in rel}
    for product in sorted(product_ids):
        if product in folders:
            add(f"{product}/index.md", f"products/{product}.md")
    return [Redirect(old, new) for old, new in sorted(found.items())]


def redirect_page(
    *, language: str, target_url: str, canonical: str | None, strings: Mapping[str, str]
) -> str:
    """The page written at an old URL: a meta refresh and a link, canonical, `noindex`.

    Args:
        language: The page's language.
        target_url: The new page, relative to the old URL (`../refunds/`).
        canonical: The new page's absolute URL, when `site_url` is set.
        strings: The site strings of `language`.

    Returns:
        A complete HTML document, with no script (it works under a strict CSP and without JS);
        `data-kb-redirect` on `<html>` marks it as kb's own (no article can set that).
    """
    href = html.escape(target_url)
    canonical_link = ""
    if canonical:
        canonical_link = f'<link rel="canonical" href="{html.escape(canonical)}">\n'
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(language)}" data-kb-redirect>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(strings['redirect_title'])}</title>\n"
        '<meta name="robots" content="noindex">\n'
        f"{canonical_link}"
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        "</head>\n<body>\n"
        f"<p>{html.escape(strings['redirect_body'])} "
        f'<a href="{href}">{html.escape(strings["redirect_link"])}</a></p>\n'
        "</body>\n</html>\n"
    )
