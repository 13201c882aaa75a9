"""Content rules of one article: headings, unsafe HTML, links, anchors and assets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.findings import Finding, Rule, RuleInfo, Severity
from kb.markdown_scan import ATTRIBUTE_LIST
from kb.redirects import front_matter_findings
from kb.related import related_headings
from kb.resolve import LinkTarget, is_unsafe_url, parse_target

if TYPE_CHECKING:
    from kb.articles import Article
    from kb.markdown_scan import HtmlTag
    from kb.rules import RuleContext

INFO: dict[Rule, RuleInfo] = {
    Rule.MALFORMED_HEADING: RuleInfo(
        "KB303",
        "content",
        Severity.WARNING,
        "heading without a space after '#' or with empty text",
        example="`##料金` (no space: MkDocs renders a heading, GitHub shows text)",
        fix="write `## 料金`",
    ),
    Rule.UNSAFE_HTML: RuleInfo(
        "KB304",
        "content",
        Severity.ERROR,
        "markup outside the output allowlist (script, handler, URL, embed)",
        example=(
            "`<script>`, an event handler (`onclick=`, also from an attribute list: `![a](x.png){ "
            "onload=... }`), a `javascript:`, `vbscript:` or `data:text/html` URL (however "
            "encoded: `&#106;avascript:`, `java&#x09;script:`), `<base>`, `<meta http-equiv>`, "
            "`srcdoc`, SVG `<animate>`/`<set>`, a `<form>`, a `style=` attribute, an image from "
            "another host, an `<iframe>` outside the allowlist: anything outside the output "
            "allowlist (Security). `kb check` scans the Markdown; the build checks the HTML it "
            "renders (the line is the nearest one that names the markup), `kb links` the built "
            "site"
        ),
        fix="remove it, or allow the embed's URL prefix in `content.embed_allowlist`",
    ),
    Rule.BROKEN_LINK: RuleInfo(
        "KB305",
        "content",
        Severity.ERROR,
        "link to a page that does not exist",
        example="`[fees](../payments/fee.md)` points to no article",
        fix="fix the path",
    ),
    Rule.BROKEN_ANCHOR: RuleInfo(
        "KB306",
        "content",
        Severity.ERROR,
        "link to a heading that does not exist",
        example="`[partial](refund-a-payment.md#partial)` has no such heading",
        fix="use the heading's id (`#partial-refunds`)",
    ),
    Rule.CROSS_LANGUAGE_LINK: RuleInfo(
        "KB307",
        "content",
        Severity.ERROR,
        "link from one language's tree into another's",
        example="a Japanese article links into `docs/en/`",
        fix="link the Japanese twin, or mark an intended link with `{hreflang=en}`",
    ),
    Rule.MISSING_ASSET: RuleInfo(
        "KB308",
        "content",
        Severity.ERROR,
        "image or file that does not exist",
        example="`![diagram](../assets/diagrams/missing.svg)` does not exist",
        fix="add the file or fix the path (an image under `docs/en/` also serves Japanese)",
    ),
    Rule.DUPLICATE_RELATED_SECTION: RuleInfo(
        "KB315",
        "content",
        Severity.WARNING,
        "a second related-articles section written by hand",
        example="an article has `## Related articles` twice (or `## 関連記事` twice)",
        fix=(
            "keep one section: the site shows the writer's links first, then kb's related "
            "articles, in one block"
        ),
    ),
}
"""The rules this module declares: code, family, default severity, summary, example, fix."""

RULES = frozenset({*INFO, Rule.INVALID_FRONT_MATTER})
"""The rules this module reports: its own, and `invalid-front-matter` for a `redirect_from`
or `aliases` that names no path of the site (declared in `kb.articles`, which reports it for
front matter that does not parse)."""


_EMBEDS = {"iframe": "src", "object": "data", "embed": "src"}
_URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "poster",
    "background",
    "srcdoc",
    "codebase",
    "cite",
}
_LINK_RULES = (Rule.BROKEN_LINK, Rule.BROKEN_ANCHOR, Rule.CROSS_LANGUAGE_LINK, Rule.MISSING_ASSET)


def check_article(article: Article, context: RuleContext) -> list[Finding]:
    """Run the content rules (KB303-KB308) on one article.

    Args:
        article: The article.
        context: The check's shared state.

    Returns:
        Findings naming `article`.
    """
    findings: list[Finding] = []
    if context.wants(Rule.MALFORMED_HEADING):
        findings.extend(_malformed_headings(article))
    if context.wants(Rule.INVALID_FRONT_MATTER):
        findings.extend(front_matter_findings(article, context.project.languages))
    if context.wants(Rule.DUPLICATE_RELATED_SECTION):
        findings.extend(_duplicate_related_sections(article))
    if context.wants(Rule.UNSAFE_HTML):
        findings.extend(_unsafe_html(article, context))
    if context.wants(*_LINK_RULES):
        findings.extend(_links(article, context))
        findings.extend(_images(article, context))
    return findings


def _finding(article: Article, line: int, rule: Rule, message: str, hint: str) -> Finding:
    return Finding(article.path, line, rule, message, hint, article.language)


def _malformed_headings(article: Article) -> list[Finding]:
    findings = []
    for heading in article.structure.headings:
        hashes = "#" * heading.level
        if heading.malformed == "no-space":
            findings.append(
                _finding(
                    article,
                    heading.line,
                    Rule.MALFORMED_HEADING,
                    f"heading '{hashes}{heading.text}' has no space after '{hashes}': "
                    "the site shows a heading, GitHub shows text",
                    f"write '{hashes} {heading.text}'",
                )
            )
        elif heading.malformed == "empty":
            findings.append(
                _finding(
                    article,
                    heading.line,
                    Rule.MALFORMED_HEADING,
                    f"heading '{hashes}' has no text",
                    "add the heading's text, or remove the line",
                )
            )
    return findings


def _duplicate_related_sections(article: Article) -> list[Finding]:
    """A related section after the first: the site shows one section, fed by the first."""
    headings = article.structure.headings
    found = related_headings([(h.level, h.text, h.explicit_id) for h in headings])
    first = headings[found[0]] if found else None
    return [
        _finding(
            article,
            headings[index].line,
            Rule.DUPLICATE_RELATED_SECTION,
            f"second related section '## {headings[index].text}' (the first is on line "
            f"{first.line if first else 1}): the site shows one, with kb's related articles",
            "move these links into the first related section and remove this heading",
        )
        for index in found[1:]
    ]


def _unsafe_html(article: Article, context: RuleContext) -> list[Finding]:
    findings = []
    allowlist = context.project.embed_allowlist
    for tag in article.structure.html_tags:
        findings.extend(_unsafe_tag(article, tag, allowlist))
    for link in article.structure.links:
        if link.kind != "html" and is_unsafe_url(link.target):
            findings.append(
                _finding(
                    article,
                    link.line,
                    Rule.UNSAFE_HTML,
                    f"link to a script URL '{link.target[:60]}'",
                    "link to a page instead; articles run no scripts",
                )
            )
    return findings


_TAG_MESSAGES = {
    "base": (
        "<base> would make the theme load its scripts and links from another place",
        "remove the <base> element",
    ),
    "meta": (
        "<meta> in an article (http-equiv can redirect readers or change the page's policy)",
        "remove it; redirects are configured on the server",
    ),
    "form": (
        "<form> in an article: a form on the help center can ask readers for their data",
        "remove the form; link to the dashboard page that asks for it",
    ),
    "frame": ("<frame> in an article", "remove it; link to the page instead"),
    "frameset": ("<frameset> in an article", "remove it; link to the page instead"),
}
_ANIMATIONS = ("animate", "set")
_ALWAYS_UNSAFE = {
    "srcdoc": "a srcdoc document can run script",
    "formaction": "formaction sends readers' data elsewhere",
}


def _unsafe_tag(article: Article, tag: HtmlTag, allowlist: tuple[str, ...]) -> list[Finding]:
    findings = []
    shown = "an attribute list" if tag.name == ATTRIBUTE_LIST else f"<{tag.name}>"
    if tag.name in _TAG_MESSAGES:
        message, hint = _TAG_MESSAGES[tag.name]
        findings.append(_finding(article, tag.line, Rule.UNSAFE_HTML, message, hint))
    if tag.name in _ANIMATIONS:
        findings.append(
            _finding(
                article,
                tag.line,
                Rule.UNSAFE_HTML,
                f"SVG <{tag.name}>: animations can turn a link into a script URL",
                "draw the SVG as a file and show it with an image",
            )
        )
    if tag.name == "script":
        findings.append(
            _finding(
                article,
                tag.line,
                Rule.UNSAFE_HTML,
                "<script> tag: articles run no scripts",
                "remove the script; ask the site maintainers for a theme feature instead",
            )
        )
    for name, value in tag.attrs:
        if name.startswith("on") and len(name) > 2:
            findings.append(
                _finding(
                    article,
                    tag.line,
                    Rule.UNSAFE_HTML,
                    f"event handler attribute '{name}' on {shown}",
                    f"remove the '{name}' attribute",
                )
            )
        elif name in _ALWAYS_UNSAFE:
            findings.append(
                _finding(
                    article,
                    tag.line,
                    Rule.UNSAFE_HTML,
                    f"'{name}' on {shown}: {_ALWAYS_UNSAFE[name]}",
                    f"remove the '{name}' attribute",
                )
            )
        elif value is not None and name in _URL_ATTRIBUTES and is_unsafe_url(value):
            what = (
                "in an attribute list" if tag.name == ATTRIBUTE_LIST else f"in <{tag.name} {name}>"
            )
            findings.append(
                _finding(
                    article,
                    tag.line,
                    Rule.UNSAFE_HTML,
                    f"script URL {what}",
                    "link to a page instead",
                )
            )
    attribute = _EMBEDS.get(tag.name)
    if attribute is not None:
        url = tag.attr(attribute) or ""
        if not (url and allowlist and url.startswith(allowlist)):
            shown = url or "nothing"
            findings.append(
                _finding(
                    article,
                    tag.line,
                    Rule.UNSAFE_HTML,
                    f"<{tag.name}> embeds {shown}, which is not in content.embed_allowlist",
                    "add its URL prefix to plugins.kb.content.embed_allowlist in mkdocs.yml, "
                    "or link to it instead",
                )
            )
    return findings


def _links(article: Article, context: RuleContext) -> list[Finding]:
    findings: list[Finding] = []
    for link in article.structure.links:
        target = parse_target(link.target)
        if target.kind == "anchor":
            if context.wants(Rule.BROKEN_ANCHOR) and target.anchor not in context.anchors(article):
                findings.append(_broken_anchor(article, link.line, target, article, context))
            continue
        if target.kind not in ("page", "asset"):
            continue
        resolution = context.resolver.resolve(article, target)
        if resolution.docs_path is None:
            rule = Rule.BROKEN_LINK if target.kind == "page" else Rule.MISSING_ASSET
            if context.wants(rule):
                findings.append(
                    _missing(
                        article, link.line, target, resolution.wanted, rule, context, "link to"
                    )
                )
            continue
        tree = resolution.tree
        if (
            target.kind == "page"
            and tree is not None
            and tree != article.language
            and link.lang is None
            and context.wants(Rule.CROSS_LANGUAGE_LINK)
        ):
            findings.append(
                _finding(
                    article,
                    link.line,
                    Rule.CROSS_LANGUAGE_LINK,
                    f"link from the '{article.language}' articles into the '{tree}' articles: "
                    f"{link.target}",
                    f"link to {_twin_target(article, target, resolution.docs_path, tree, context)}"
                    f" instead, or mark an intended link with {{hreflang={tree}}}",
                )
            )
        if target.anchor and target.kind == "page" and context.wants(Rule.BROKEN_ANCHOR):
            located = context.resolver.locate(resolution.docs_path)
            linked = context.corpus.article(*located) if located is not None else None
            if linked is not None and target.anchor not in context.anchors(linked):
                findings.append(_broken_anchor(article, link.line, target, linked, context))
    return findings


def _images(article: Article, context: RuleContext) -> list[Finding]:
    if not context.wants(Rule.MISSING_ASSET):
        return []
    findings = []
    for image in article.structure.images:
        target = parse_target(image.target)
        if target.kind not in ("page", "asset"):
            continue
        resolution = context.resolver.resolve(article, target)
        if resolution.docs_path is None:
            findings.append(
                _missing(
                    article,
                    image.line,
                    target,
                    resolution.wanted,
                    Rule.MISSING_ASSET,
                    context,
                    "image",
                )
            )
    return findings


def _missing(
    article: Article,
    line: int,
    target: LinkTarget,
    wanted: str,
    rule: Rule,
    context: RuleContext,
    reference: str,
) -> Finding:
    expected = context.corpus.index.display_path(wanted)
    what = "article" if rule is Rule.BROKEN_LINK else "file"
    hint = f"create {expected} or fix the path"
    if rule is Rule.BROKEN_LINK:
        suggestion = _closest_article(article, wanted, context)
        if suggestion:
            hint = f"did you mean {suggestion}? (paths are relative to {article.path})"
    return _finding(
        article,
        line,
        rule,
        f"{reference} {target.raw}: no {what} at {expected}",
        hint,
    )


def _closest_article(article: Article, wanted: str, context: RuleContext) -> str | None:
    import difflib
    import posixpath

    index = context.corpus.index
    candidates = sorted({docs_path for docs_path in index.articles.values()})
    match = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.75)
    if not match:
        return None
    own = index.docs_path(article.language, article.rel) or wanted
    return posixpath.relpath(match[0], posixpath.dirname(own) or ".")


def _twin_target(
    article: Article, target: LinkTarget, docs_path: str, tree: str, context: RuleContext
) -> str:
    """The link to the same article in `article`'s own language (relative, anchor kept)."""
    import posixpath

    located = context.resolver.locate(docs_path)
    own = context.corpus.index.expected_path(article.language, article.rel)
    if located is None:
        return f"the '{article.language}' twin"
    twin = context.corpus.index.expected_path(article.language, located[1])
    relative = posixpath.relpath(twin, posixpath.dirname(own) or ".")
    return relative + (f"#{target.anchor}" if target.anchor else "")


def _broken_anchor(
    article: Article, line: int, target: LinkTarget, linked: Article, context: RuleContext
) -> Finding:
    import difflib

    anchors = sorted(context.anchors(linked))
    where = "this article" if linked is article else linked.path
    close = difflib.get_close_matches(target.anchor, anchors, n=1, cutoff=0.6)
    hint = (
        f"did you mean #{close[0]}?"
        if close
        else (
            f"use one of the heading ids of {where}: "
            + ", ".join(f"#{anchor}" for anchor in anchors[:6])
            if anchors
            else f"{where} has no headings to link to"
        )
    )
    return _finding(
        article,
        line,
        Rule.BROKEN_ANCHOR,
        f"link to {target.raw}: no heading with the id '{target.anchor}' in {where}",
        hint,
    )
