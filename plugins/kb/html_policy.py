"""The output allowlist: which elements, attributes and URLs the built HTML may hold.

Markdown is checked as written by `kb check` (fast, line by line); this module checks what
Python-Markdown and the templates really produced, with an HTML parser (lexbor, through
selectolax) that reads markup the way a browser does: entities decoded, tags normalised, attribute
lists and raw HTML alike. Anything not listed (`kb/html_allowlist.py`) is a violation:

- **article bodies** (`check_fragment`): text-level and block elements, tables, lists, details,
  images, inline SVG drawing elements, the inputs of tabbed blocks; `<iframe>`, `<object>` and
  `<embed>` only with a URL in `content.embed_allowlist`;
- **whole pages** (`check_page`): the body's allowlist plus the theme's chrome (head, navigation,
  the search form); a script is either a file of the site (`src` relative) or a data block
  (`type="application/json"`) or inline with the exact text of one of the theme's own scripts
  (`trusted_scripts`, sha256 of the text, as in a Content-Security-Policy).

URLs: links may be `http`, `https`, `mailto`, `tel` or relative; images, media and scripts must
come from the site itself (a relative URL; an image may also be a `data:image/png`, `jpeg`,
`gif`, `webp` or `avif`, never `svg+xml`, which can hold script when opened as a page). The
site's Content-Security-Policy (`kb/csp.py`) blocks other hosts anyway; the check says so at
build time.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser

from kb.html_allowlist import (
    _BODY_ELEMENTS,
    _BUTTON_TYPES,
    _DATA_SCRIPT_TYPES,
    _EMBEDS,
    _FETCHING_RELS,
    _GLOBAL_ATTRIBUTES,
    _GLOBAL_PREFIXES,
    _IMAGE_DATA,
    _INPUT_TYPES_IN_BODY,
    _INPUT_TYPES_ON_PAGE,
    _LINK_ATTRIBUTES,
    _LINK_SCHEMES,
    _MEDIA_ATTRIBUTES,
    _PAGE_ELEMENTS,
    _PAGE_RELS,
    _REMOVED_WHOLE,
    _SCHEME,
    _URL_EDGES,
    _URL_NOISE,
    CheckedHtml,
    HtmlPolicy,
    Violation,
)

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode


def script_hash(text: str) -> str:
    """The Content-Security-Policy source expression for an inline script's exact text.

    Args:
        text: The script's text, exactly as between `<script>` and `</script>`.

    Returns:
        `'sha256-<base64>'`.
    """
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_script_hashes(html: str) -> list[str]:
    """CSP hashes of the inline scripts a browser would run in `html` (data blocks left out).

    Args:
        html: A page or a fragment (e.g. a rendered theme partial).

    Returns:
        `'sha256-...'` per script, in document order.
    """
    tree = LexborHTMLParser(html)
    return [
        script_hash(node.text(deep=True))
        for node in tree.css("script")
        if "src" not in node.attributes and not _is_data_block(node)
    ]


def check_fragment(html: str, policy: HtmlPolicy) -> CheckedHtml:
    """Check a rendered article body against the body allowlist.

    Args:
        html: The body HTML (MkDocs' `page.content`).
        policy: Embeds allowed.

    Returns:
        The violations and the inert HTML.
    """
    return _check(html, policy, page=False)


def check_page(html: str, policy: HtmlPolicy) -> CheckedHtml:
    """Check a whole built page against the page allowlist.

    Args:
        html: The page.
        policy: Embeds allowed and the theme's inline scripts.

    Returns:
        The violations, the inert page, and the hashes of the inline scripts it runs.
    """
    return _check(html, policy, page=True)


def check_parsed_page(tree: LexborHTMLParser, policy: HtmlPolicy) -> list[Violation]:
    """Check a page already parsed (`kb links` reads each page once for every check).

    Args:
        tree: The parsed page; it is not changed.
        policy: Embeds allowed and the inline scripts the site's policy lists.

    Returns:
        The violations, in document order.
    """
    return _check_tree(tree, "", policy, page=True, fix=False).violations


def _check(html: str, policy: HtmlPolicy, *, page: bool) -> CheckedHtml:
    if not html:
        return CheckedHtml([], html)
    return _check_tree(LexborHTMLParser(html), html, policy, page=page, fix=True)


def _check_tree(  # one walk over the tree reads best in one place
    tree: LexborHTMLParser, html: str, policy: HtmlPolicy, *, page: bool, fix: bool
) -> CheckedHtml:
    allowed = _PAGE_ELEMENTS if page else _BODY_ELEMENTS
    violations: list[Violation] = []
    scripts: list[str] = []
    remove: list[LexborNode] = []
    strip: list[tuple[LexborNode, str]] = []
    root = tree.root
    if root is None:
        return CheckedHtml([], html)
    for node in root.traverse(include_text=False):
        tag = (node.tag or "").lower()
        if tag.startswith("-"):
            continue  # comments and the document node
        attributes = node.attributes
        if not page and tag in ("html", "head", "body"):
            # The parser's implicit wrappers of a fragment; `<body onload>` lands here.
            for name, value in attributes.items():
                violations.append(_attribute_violation(tag, name.lower(), value or ""))
                strip.append((node, name))
            continue
        extra = allowed.get(tag)
        element = _element_violation(tag, node, extra, policy, page, scripts)
        if element is not None:
            violations.append(element)
            remove.append(node)
            continue
        if extra is None:
            continue
        for name, value in attributes.items():
            lowered = name.lower()
            if page and lowered == "http-equiv" and is_site_redirect(node):
                continue
            problem = _attribute_problem(tag, lowered, value or "", extra, page)
            if problem is not None:
                violations.append(problem)
                strip.append((node, name))
    if not violations or not fix:
        return CheckedHtml(violations, html, scripts)
    for node, name in strip:
        del node.attrs[name]
    for node in reversed(remove):  # inner elements first
        if _keeps_text(node):
            node.replace_with(node.text(deep=True))
        else:
            node.decompose()
    # What the parser moved into the head of a fragment was taken out above.
    body = tree.body
    inert = (tree.html if page else body.inner_html if body is not None else "") or ""
    return CheckedHtml(violations, inert, scripts)


_SITE_REDIRECT = re.compile(r"0;\s*url=(?!/)[A-Za-z0-9._~%/-]*")
"""The refresh of kb's own redirect pages: at once, to a relative path of the same site (no
scheme, no `//` or `/\\` host, nothing a browser could read as another origin)."""


def is_site_redirect(node: LexborNode) -> bool:
    """Whether `node` is the `<meta http-equiv="refresh">` of a redirect page kb writes.

    Only a page's `<head>` may hold one (article bodies land in `<body>`), and only to a
    relative path: a moved article's old URL pointing at its new one.
    """
    attributes = node.attributes
    parent = node.parent
    return (
        (node.tag or "").lower() == "meta"
        and (attributes.get("http-equiv") or "").strip().lower() == "refresh"
        and parent is not None
        and (parent.tag or "").lower() == "head"
        and _SITE_REDIRECT.fullmatch((attributes.get("content") or "").strip()) is not None
    )


def _keeps_text(node: LexborNode) -> bool:
    """Whether an element that is not allowed is replaced by its text when taken out, rather
    than removed with its content (scripts, styles, embeds, head elements)."""
    tag = (node.tag or "").lower()
    return tag not in _REMOVED_WHOLE and tag not in ("animate", "set", "foreignobject", "math")


def _element_violation(
    tag: str,
    node: LexborNode,
    extra: frozenset[str] | None,
    policy: HtmlPolicy,
    page: bool,
    scripts: list[str],
) -> Violation | None:
    attributes = node.attributes
    if tag == "script" and page:
        return _script_violation(node, policy, scripts)
    if extra is None:
        return _forbidden_element(tag, node, page)
    if tag in _EMBEDS:
        url = (attributes.get(_EMBEDS[tag]) or "").strip()
        allowlist = policy.embed_allowlist
        if not (url and allowlist and url.startswith(allowlist)):
            return Violation(
                tag,
                _EMBEDS[tag],
                url,
                f"<{tag}> embeds {url or 'nothing'}, which is not in content.embed_allowlist",
                "add its URL prefix to plugins.kb.content.embed_allowlist in mkdocs.yml, "
                "or link to it instead",
            )
    if tag == "input":
        kind = (attributes.get("type") or "text").lower()
        kinds = _INPUT_TYPES_ON_PAGE if page else _INPUT_TYPES_IN_BODY
        if kind not in kinds:
            return Violation(
                tag,
                "type",
                kind,
                f'<input type="{kind}"> is not allowed: articles collect no input',
                "remove the form field; link to the dashboard page that asks for it",
            )
    if tag == "button" and (attributes.get("type") or "submit").lower() not in _BUTTON_TYPES:
        return Violation(tag, "type", attributes.get("type") or "", "<button> of unknown type", "")
    if tag == "link" and page:
        return _link_violation(node)
    return None


def _forbidden_element(tag: str, node: LexborNode, page: bool) -> Violation:
    where = "a page" if page else "an article"
    if tag == "script":
        return Violation(
            tag,
            "",
            node.text(deep=True)[:200],
            "<script>: articles run no scripts",
            "remove the script; ask the site maintainers for a theme feature instead",
        )
    if tag == "base":
        return Violation(
            tag,
            "",
            node.attributes.get("href") or "",
            "<base> would make the theme load its scripts and links from another place",
            "remove the <base> element",
        )
    if tag == "meta":
        equiv = node.attributes.get("http-equiv")
        what = f'<meta http-equiv="{equiv}">' if equiv else "<meta>"
        return Violation(
            tag,
            "http-equiv" if equiv else "",
            node.attributes.get("content") or "",
            f"{what} in {where}: it can redirect readers or change the page's policy",
            "remove it; redirects are configured on the server",
        )
    if tag in ("animate", "set", "animatemotion", "animatetransform"):
        # The parser keeps SVG's camel case (`attributeName`).
        target = next(
            (
                value or ""
                for key, value in node.attributes.items()
                if key.lower() == "attributename"
            ),
            "",
        )
        return Violation(
            tag,
            "attributename" if target else "",
            target,
            f"SVG <{tag}>" + (f" sets '{target}'" if target else "") + ": animations can turn a "
            "link into a script URL",
            "draw the SVG as a file and show it with an image",
        )
    if tag in ("form", "textarea", "select", "button"):
        return Violation(
            tag,
            "",
            "",
            f"<{tag}> in {where}: a form on the help center can ask readers for their data",
            "remove the form; link to the dashboard page that asks for it",
        )
    return Violation(
        tag,
        "",
        "",
        f"<{tag}> is not an element {where} may use",
        "use Markdown, or an element of the allowlist (README, Security)",
    )


def _script_violation(node: LexborNode, policy: HtmlPolicy, scripts: list[str]) -> Violation | None:
    attributes = node.attributes
    if "src" in attributes:
        src = attributes.get("src") or ""
        if _is_local(src):
            return None
        return Violation(
            "script",
            "src",
            src,
            f"<script src={src!r}> loads a script from outside the site",
            "serve the script from the site (theme.custom_dir) or leave it out",
        )
    if _is_data_block(node):
        return None
    text = node.text(deep=True)
    digest = script_hash(text)
    if digest in policy.trusted_scripts:
        scripts.append(digest)
        return None
    return Violation(
        "script",
        "",
        text[:200],
        "inline <script> that is none of the theme's own scripts",
        "remove the script; kb allows the theme's inline scripts by their exact text",
    )


def _link_violation(node: LexborNode) -> Violation | None:
    rels = set((node.attributes.get("rel") or "").lower().split())
    href = node.attributes.get("href") or ""
    if rels & _FETCHING_RELS:
        if _is_local(href):
            return None
        return Violation(
            "link",
            "href",
            href,
            f"<link rel={' '.join(sorted(rels))}> loads {href!r} from outside the site",
            "serve it from the site",
        )
    if rels and rels <= _PAGE_RELS:
        scheme = url_scheme(href)
        if scheme in ("", "http", "https"):
            return None
        return Violation("link", "href", href, f"<link> to a {scheme}: URL", "remove it")
    return Violation(
        "link",
        "rel",
        " ".join(sorted(rels)),
        f"<link rel={' '.join(sorted(rels)) or '(none)'}> is not allowed",
        "remove it",
    )


def _attribute_problem(
    tag: str,
    name: str,
    value: str,
    extra: frozenset[str],
    page: bool,
) -> Violation | None:
    if not (name in _GLOBAL_ATTRIBUTES or name.startswith(_GLOBAL_PREFIXES) or name in extra):
        return _attribute_violation(tag, name, value)
    if not page and name.startswith("data-md-"):
        # Material's bundle mounts components on `data-md-component` (a repository widget
        # fetches from another host): the theme's own markup only.
        return _attribute_violation(tag, name, value)
    if tag == "use" and name in ("href", "xlink:href"):
        if value.strip().startswith("#"):
            return None
        return Violation(
            tag,
            name,
            value,
            f"SVG <use {name}={value!r}>: only a '#id' of the same page may be used",
            "draw the SVG as a file and show it with an image",
        )
    if tag in _EMBEDS or (tag == "script" and page) or (tag == "link" and page):
        return None  # checked with the element
    if name in _LINK_ATTRIBUTES:
        return _link_url_problem(tag, name, value)
    if name in _MEDIA_ATTRIBUTES:
        urls = _srcset_urls(value) if name == "srcset" else [value]
        for url in urls:
            problem = _media_url_problem(tag, name, url)
            if problem is not None:
                return problem
    return None


def _attribute_violation(tag: str, name: str, value: str) -> Violation:
    if name.startswith("on"):
        return Violation(
            tag,
            name,
            value,
            f"event handler attribute '{name}' on <{tag}>",
            f"remove the '{name}' attribute (in an attribute list too: {{ {name}=... }})",
        )
    if name == "style":
        return Violation(
            tag,
            name,
            value,
            f"style attribute on <{tag}>: the site's Content-Security-Policy ignores it",
            "use a class the theme styles, or leave the styling out",
        )
    if name in ("srcdoc", "formaction", "action"):
        return Violation(
            tag,
            name,
            value,
            f"'{name}' on <{tag}> can run script or send readers' data elsewhere",
            f"remove the '{name}' attribute",
        )
    return Violation(
        tag,
        name,
        value,
        f"attribute '{name}' is not allowed on <{tag}>",
        f"remove the '{name}' attribute",
    )


def url_scheme(value: str) -> str:
    """The scheme of a URL as a browser parses it, lowercased; empty for a relative URL.

    Leading and trailing spaces and control characters are ignored and tabs and line breaks
    removed, as the URL standard does (`java\\tscript:` is `javascript:`); character
    references are decoded by the HTML parser before this sees the value.
    """
    cleaned = _URL_NOISE.sub("", value.strip(_URL_EDGES))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


def _is_local(value: str) -> bool:
    """A URL relative to the site (no scheme, no other host: `//x` and `\\\\x` are hosts)."""
    cleaned = _URL_NOISE.sub("", value.strip(_URL_EDGES))
    if not cleaned or url_scheme(cleaned):
        return False
    return not (len(cleaned) > 1 and cleaned[0] in "/\\" and cleaned[1] in "/\\")


def _link_url_problem(tag: str, name: str, value: str) -> Violation | None:
    scheme = url_scheme(value)
    if not scheme or scheme in _LINK_SCHEMES:
        return None
    return Violation(
        tag,
        name,
        value,
        f"<{tag} {name}> with a {scheme}: URL (links may be http, https, mailto, tel or relative)",
        "link to a page instead; articles run no scripts",
    )


def _media_url_problem(tag: str, name: str, value: str) -> Violation | None:
    if _is_local(value):
        return None
    cleaned = _URL_NOISE.sub("", value.strip(_URL_EDGES))
    if tag in ("img", "source") and name in ("src", "srcset") and _IMAGE_DATA.match(cleaned):
        return None
    scheme = url_scheme(value)
    if scheme in ("http", "https") or not scheme:
        return Violation(
            tag,
            name,
            value,
            f"<{tag} {name}> loads {value[:80]!r} from another host: the site's "
            "Content-Security-Policy blocks it, and it tells that host who reads the page",
            "put the file in docs/ and use a relative path",
        )
    return Violation(
        tag,
        name,
        value,
        f"<{tag} {name}> with a {scheme}: URL (images and media come from the site; "
        "data: only for png, jpeg, gif, webp and avif images)",
        "put the file in docs/ and use a relative path",
    )


def _srcset_urls(value: str) -> list[str]:
    from kb.links.elements import parse_srcset

    return parse_srcset(value)


def _is_data_block(node: LexborNode) -> bool:
    kind = (node.attributes.get("type") or "").strip().lower()
    return kind in _DATA_SCRIPT_TYPES
