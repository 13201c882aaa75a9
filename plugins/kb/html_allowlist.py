"""The output allowlist's tables: elements and attributes per context, URL schemes, script and
link types; and the records of a check (`Violation`, `HtmlPolicy`, `CheckedHtml`).

`kb/html_policy.py` says what the allowlist is for and applies it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_GLOBAL_ATTRIBUTES = frozenset(
    {"id", "class", "title", "lang", "dir", "role", "tabindex", "translate", "hidden"}
)


_GLOBAL_PREFIXES = ("aria-", "data-")


_SVG_PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "fill-rule",
        "clip-rule",
        "clip-path",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-dasharray",
        "stroke-opacity",
        "opacity",
        "transform",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "dx",
        "dy",
        "width",
        "height",
        "d",
        "points",
        "offset",
        "stop-color",
        "stop-opacity",
        "font-size",
        "font-family",
        "font-weight",
        "text-anchor",
        "dominant-baseline",
        "viewbox",
        "preserveaspectratio",
        "xmlns",
        "xmlns:xlink",
        "version",
        "focusable",
        "gradientunits",
        "gradienttransform",
        "marker-start",
        "marker-mid",
        "marker-end",
        "markerwidth",
        "markerheight",
        "refx",
        "refy",
        "orient",
    }
)


_SVG_ELEMENTS = (
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "title",
    "desc",
    "defs",
    "lineargradient",
    "radialgradient",
    "stop",
    "clippath",
    "symbol",
    "marker",
)


_BODY_ELEMENTS: dict[str, frozenset[str]] = {
    **{
        name: frozenset()
        for name in [
            "abbr",
            "address",
            "article",
            "aside",
            "b",
            "bdi",
            "bdo",
            "br",
            "caption",
            "code",
            "dd",
            "dfn",
            "div",
            "dl",
            "dt",
            "em",
            "figcaption",
            "figure",
            "footer",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "i",
            "kbd",
            "mark",
            "p",
            "picture",
            "pre",
            "rp",
            "rt",
            "ruby",
            "s",
            "samp",
            "section",
            "small",
            "span",
            "strong",
            "sub",
            "summary",
            "sup",
            "table",
            "tbody",
            "tfoot",
            "thead",
            "tr",
            "u",
            "ul",
            "var",
            "wbr",
            "cite",
        ]
    },
    "a": frozenset({"href", "hreflang", "rel", "target", "name", "type"}),
    "img": frozenset({"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"}),
    "source": frozenset({"src", "srcset", "sizes", "type", "media", "width", "height"}),
    "video": frozenset(
        {"src", "poster", "controls", "width", "height", "preload", "muted", "loop", "playsinline"}
    ),
    "audio": frozenset({"src", "controls", "preload", "muted", "loop"}),
    "track": frozenset({"src", "kind", "srclang", "label", "default"}),
    "td": frozenset({"colspan", "rowspan", "align", "headers"}),
    "th": frozenset({"colspan", "rowspan", "align", "headers", "scope", "abbr"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "time": frozenset({"datetime"}),
    "data": frozenset({"value"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "details": frozenset({"open", "name"}),
    "label": frozenset({"for"}),
    # Tabbed blocks and task lists render radio buttons and checkboxes; nothing else.
    "input": frozenset({"type", "checked", "disabled", "name"}),
    # Only with a URL in the embed allowlist (checked apart).
    "iframe": frozenset(
        {
            "src",
            "width",
            "height",
            "allow",
            "allowfullscreen",
            "loading",
            "referrerpolicy",
            "frameborder",
        }
    ),
    "object": frozenset({"data", "type", "width", "height"}),
    "embed": frozenset({"src", "type", "width", "height"}),
    **{name: _SVG_PRESENTATION for name in _SVG_ELEMENTS},
    "use": _SVG_PRESENTATION | {"href", "xlink:href"},
}
"""Elements an article body may hold, each with the attributes it may carry beyond the
global ones (`id`, `class`, `title`, `lang`, `dir`, `role`, `tabindex`, `translate`, `hidden`,
`aria-*`, `data-*`)."""


_PAGE_ELEMENTS: dict[str, frozenset[str]] = {
    **_BODY_ELEMENTS,
    "html": frozenset(),
    "head": frozenset(),
    "body": frozenset(),
    "title": frozenset(),
    "meta": frozenset({"charset", "name", "content", "property"}),
    "link": frozenset({"rel", "href", "hreflang", "type", "sizes", "media", "title"}),
    "script": frozenset({"src", "type", "defer", "async"}),
    "main": frozenset(),
    "nav": frozenset(),
    "form": frozenset({"name", "autocomplete"}),
    "input": frozenset(
        {
            "type",
            "checked",
            "disabled",
            "name",
            "placeholder",
            "autocomplete",
            "autocapitalize",
            "autocorrect",
            "spellcheck",
            "required",
            "value",
        }
    ),
    "button": frozenset({"type"}),
    # kb's feedback widget (insights): a form with no action, sent by kb's own script.
    "fieldset": frozenset({"name", "disabled"}),
    "legend": frozenset(),
    "textarea": frozenset({"name", "maxlength", "rows", "cols", "required", "disabled"}),
    "select": frozenset({"name"}),
    "option": frozenset({"value", "selected"}),
    "noscript": frozenset(),
}
"""A whole page: the body's allowlist plus the theme's chrome."""


_INPUT_TYPES_IN_BODY = frozenset({"checkbox", "radio"})


_INPUT_TYPES_ON_PAGE = frozenset({"checkbox", "radio", "text", "search", "hidden"})


_BUTTON_TYPES = frozenset({"button", "reset", "submit"})


_DATA_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json"})


_FETCHING_RELS = frozenset({"stylesheet", "icon", "preload", "modulepreload", "prefetch"})


_PAGE_RELS = frozenset(
    {"canonical", "alternate", "prev", "next", "author", "help", "license", "search"}
)


_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


_IMAGE_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp|avif)[;,]", re.IGNORECASE)


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


_URL_NOISE = re.compile(r"[\t\n\r]")


_URL_EDGES = "".join(chr(code) for code in range(0x21))


_LINK_ATTRIBUTES = frozenset({"href", "cite", "xlink:href"})


_MEDIA_ATTRIBUTES = frozenset({"src", "poster", "srcset"})


_EMBEDS = {"iframe": "src", "object": "data", "embed": "src"}


_REMOVED_WHOLE = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "noscript", "base", "meta", "link"}
)


@dataclass(frozen=True, slots=True)
class Violation:
    """One element, attribute or URL outside the allowlist."""

    element: str
    """Element name, lowercased (`img`)."""
    attribute: str
    """Attribute name, lowercased; empty when the element itself is not allowed."""
    value: str
    """The attribute's value as the browser reads it (entities decoded), or the script's text."""
    message: str
    """What is wrong, in one sentence."""
    hint: str
    """How to fix it."""

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity of the violation on a page (the same markup reported once)."""
        return (self.element, self.attribute, self.value)


@dataclass(frozen=True)
class HtmlPolicy:
    """What may appear besides the fixed allowlist: embeds and the theme's inline scripts."""

    embed_allowlist: tuple[str, ...] = ()
    """URL prefixes allowed in `<iframe src>`, `<object data>` and `<embed src>`."""
    trusted_scripts: frozenset[str] = field(default_factory=frozenset)
    """CSP source expressions (`'sha256-...'`) of the inline scripts a page may run."""


@dataclass
class CheckedHtml:
    """The violations of one fragment or page, and the HTML with them taken out."""

    violations: list[Violation]
    """In document order."""
    inert: str
    """The input when there is no violation; else the same HTML with every element that is
    not allowed removed and every attribute that is not allowed dropped."""
    inline_scripts: list[str] = field(default_factory=list)
    """CSP hashes (`'sha256-...'`) of the allowed inline scripts, in order (pages only)."""
