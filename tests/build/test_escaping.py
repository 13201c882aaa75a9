"""Every place a writer's value reaches a built page, escaped: one case per sink, so a regression
names the sink. The values carry tags, character references, quotes and template syntax; each
sink must show them as the exact text the writer typed, with no element or attribute made."""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from markupsafe import Markup
from selectolax.lexbor import LexborHTMLParser

from kb.site.escaping import striptags

from .conftest import site_config
from .test_site_build import EN_INDEX, JA_INDEX, digest_of

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.build

TITLE = "T</title><script>alert(1)</script>&lt;i&gt;\"' {{ 7*7 }}"
DESCRIPTION = "D\"><img src=x onerror=alert(2)>&amp; '{% raw %}"
NAME = "N<img src=x onerror=alert(3)>\"'&"
PRODUCT_DESCRIPTION = "PD</p><script>alert(4)</script>&#60;"
TERM = "G<b onmouseover=alert(5)>"
DEFINITION = "\\<script>alert(6)</script> { .x onclick=alert(7) } ++ctrl++ 3 < 5 & *em*"
SUBTITLE = "S<img src=x onerror=alert(8)>"
REVISION = "R<img src=x onerror=alert(9)>"
H1_TITLE = "Fees & charges: 3 < 5"
UNSAFE_FILE = 'docs/en/payments/q"><img src=x onerror=alert(10)>.md'
UNSAFE_URL = "payments/q%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%2810%29%3E/"

PRODUCTS = f"""\
products:
  - id: evil
    icon: material/credit-card-outline
    name: {{en: {json.dumps(NAME)}, ja: {json.dumps(NAME)}}}
    description: {{en: {json.dumps(PRODUCT_DESCRIPTION)}, ja: {json.dumps(PRODUCT_DESCRIPTION)}}}
  - id: payouts
    icon: material/bank-transfer
    name: {{en: Payouts, ja: 入金}}
    description: {{en: Get paid., ja: 売上を入金します。}}
"""
GLOSSARY = f"""\
terms:
  - en: {json.dumps(TERM)}
    ja: {json.dumps(TERM)}
    definition: {{en: {json.dumps(DEFINITION)}, ja: {json.dumps(DEFINITION)}}}
"""


def article(title: str, description: str, body: str = "# Heading\n\nText.\n") -> str:
    return (
        f"---\ntitle: {json.dumps(title)}\ndescription: {json.dumps(description)}\n"
        f"products: [evil]\n---\n\n{body}"
    )


SIBLING = article("Sibling", "Plain.")
FILES: dict[str, str] = {
    "docs/en/index.md": EN_INDEX,
    "docs/ja/index.md": JA_INDEX,
    # No h1 in the body: Material's content.html prints the page title as the h1.
    "docs/en/payments/hostile.md": article(TITLE, DESCRIPTION, "Text without a heading.\n"),
    "docs/en/payments/sibling.md": SIBLING,
    "docs/ja/payments/sibling.md": (
        f"---\ntitle: 兄弟\ndescription: 普通。\nproducts: [evil]\n"
        f"source_digest: {digest_of(SIBLING)}\n---\n\n# 兄弟\n\n本文。\n"
    ),
    UNSAFE_FILE: article("Unsafe name", "Named badly."),
    "docs/en/redirect.md": (
        "---\ntitle: Moved\ntemplate: redirect.html\nlocation: javascript:alert(11)\n"
        "kind: page\n---\n\n# Moved\n"
    ),
    "docs/en/contact.md": (
        f"---\ntitle: Contact\nkind: page\nsubtitle: {json.dumps(SUBTITLE)}\n"
        f"revision_date: {json.dumps(REVISION)}\nicon: material/no-such-icon\n---\n\n"
        "# Contact\n\nWrite to us.\n"
    ),
    "docs/en/glossary.md": "---\ntitle: Glossary\nkind: page\nglossary: true\n---\n\n# Glossary\n",
    # No title in front matter: MkDocs takes it from the h1, as HTML text ("3 &lt; 5").
    "docs/en/fees.md": "---\nkind: page\n---\n\n# Fees & charges: 3 < 5\n\nText.\n",
}
EXPECTED_FINDINGS = {
    ("docs/en/payments/hostile.md", 2, "KB310"),
    ("docs/en/payments/hostile.md", 3, "KB310"),
    ("products.yml", 4, "KB204"),
    ("products.yml", 5, "KB204"),
    (UNSAFE_FILE, 1, "KB311"),
    ("docs/en/redirect.md", 3, "KB301"),
    ("docs/en/contact.md", 6, "KB301"),  # from the build: kb check cannot know the theme's icons
}


@dataclass
class Built:
    """The hostile fixture site, built once for the module."""

    site: Path
    warnings: list[str]

    def html(self, path: str) -> LexborHTMLParser:
        return LexborHTMLParser((self.site / path).read_text(encoding="utf-8"))

    def raw(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp("escaping")
    for relative, text in {**FILES, "products.yml": PRODUCTS, "glossary.yml": GLOSSARY}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config: dict[str, Any] = site_config()
    config["plugins"][-1] = {"kb": {"taxonomy": "products.yml", "glossary": "glossary.yml"}}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    recorder = _Recorder()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(recorder)
    previous = os.getcwd()
    os.chdir(root)
    try:
        build(load_config(str(root / "mkdocs.yml")))
    finally:
        os.chdir(previous)
        logger.removeHandler(recorder)
    return Built(root / "site", recorder.messages)


def test_each_value_with_markup_is_a_finding_and_nothing_else_warns(built: Built) -> None:
    found = set()
    for message in built.warnings:
        match = re.match(r"kb: (.+?):(\d+): (KB\d+) ", message)
        assert match is not None, message
        found.add((match[1], int(match[2]), match[3]))
    assert found == EXPECTED_FINDINGS
    missing = "icon 'material/no-such-icon' is not an icon of the theme"
    assert any(missing in message for message in built.warnings)


HOSTILE = "payments/hostile/index.html"
HOSTILE_JA = "ja/payments/hostile/index.html"
SIBLING_PAGE = "payments/sibling/index.html"
PRODUCT = "products/evil/index.html"


@dataclass(frozen=True)
class Sink:
    """Where a value lands: a page, a CSS selector, and the attribute (or the text) read."""

    page: str
    selector: str
    expected: str
    attribute: str | None = None


SINKS = {
    "<title> of the article": Sink(HOSTILE, "title", f"{TITLE} - Fixture Help"),
    "<title> of the Japanese fallback": Sink(HOSTILE_JA, "title", f"{TITLE} - Fixture Help"),
    "meta description": Sink(HOSTILE, 'meta[name="description"]', DESCRIPTION, "content"),
    "header topic": Sink(HOSTILE, '[data-md-component="header-topic"] .md-ellipsis', TITLE),
    "content h1 printed by Material": Sink(HOSTILE, "article h1", TITLE),
    "Pagefind title meta": Sink(
        HOSTILE, "[data-pagefind-body]", f"title:{TITLE}", "data-pagefind-meta"
    ),
    "related list title": Sink(SIBLING_PAGE, ".kb-related li > a", TITLE),
    "related list description": Sink(SIBLING_PAGE, ".kb-related__description", DESCRIPTION),
    "product page article title": Sink(PRODUCT, ".kb-article-list__item > a", TITLE),
    "product page article description": Sink(PRODUCT, ".kb-article-list__item > p", DESCRIPTION),
    "product page h1": Sink(PRODUCT, ".kb-product__title", NAME),
    "product page description": Sink(PRODUCT, ".kb-product__description", PRODUCT_DESCRIPTION),
    "product page <title>": Sink(PRODUCT, "title", f"{NAME} - Fixture Help"),
    "home card name": Sink("index.html", ".kb-product-card__name", NAME),
    "home card description": Sink(
        "index.html", ".kb-product-card__description", PRODUCT_DESCRIPTION
    ),
    "product chip": Sink(HOSTILE, ".kb-chip", NAME),
    "breadcrumb": Sink(HOSTILE, ".kb-breadcrumbs li:nth-child(2) > a", NAME),
    "navigation entry": Sink(
        HOSTILE, '.md-nav--primary a.md-nav__link[href$="products/evil/"] .md-ellipsis', NAME
    ),
    "search box product option": Sink(HOSTILE, '.kb-search__product option[value="evil"]', NAME),
    "search box on the 404 page": Sink(
        "404.html", '.kb-search__product option[value="evil"]', NAME
    ),
    "status page table": Sink("status/index.html", "tbody tr > td:first-child", NAME),
    "status page chart label": Sink("status/index.html", ".kb-status-chart__label", NAME),
    "glossary term": Sink("glossary/index.html", ".kb-glossary dt strong", TERM),
    "glossary definition": Sink("glossary/index.html", ".kb-glossary dd", DEFINITION),
    "navigation subtitle (front matter)": Sink("index.html", ".md-nav--primary small", SUBTITLE),
    "revision date (front matter)": Sink("contact/index.html", ".md-source-file__fact", REVISION),
    "navigation entry titled by its h1 (no double escaping)": Sink(
        "index.html", '.md-nav--primary a.md-nav__link[href$="fees/"] .md-ellipsis', H1_TITLE
    ),
    "<title> taken from the h1": Sink("fees/index.html", "title", f"{H1_TITLE} - Fixture Help"),
    "related link to a badly named file": Sink(
        SIBLING_PAGE, '.kb-related a[href*="q%22"]', f"../{UNSAFE_URL.split('/', 1)[1]}", "href"
    ),
}


@pytest.mark.parametrize("name", list(SINKS))
def test_sink_shows_the_value_as_text(built: Built, name: str) -> None:
    sink = SINKS[name]
    page = built.html(sink.page)
    nodes = page.css(sink.selector)
    assert nodes, f"{name}: nothing matches {sink.selector} in {sink.page}"
    node = nodes[0]
    if sink.attribute is None:
        assert " ".join(node.text().split()) == " ".join(sink.expected.split())
        assert not node.css("script, img, b, i"), f"{name}: markup came alive"
    else:
        assert node.attributes.get(sink.attribute) == sink.expected


@pytest.mark.parametrize("path", [HOSTILE, HOSTILE_JA, SIBLING_PAGE, PRODUCT, "index.html"])
def test_no_writer_value_makes_an_element(built: Built, path: str) -> None:
    page = built.html(path)
    scripts = page.css('script:not([type="application/json"])')
    assert all("alert" not in node.text() for node in scripts)
    assert not page.css('img[src="x"], b, i')
    for node in page.css("*"):
        for attribute in node.attributes:
            assert not attribute.startswith("on"), (path, node.tag, attribute)
    assert "49" not in page.css_first("title").text()  # {{ 7*7 }} is text, never evaluated


def test_title_and_description_are_escaped_in_the_raw_html(built: Built) -> None:
    raw = built.raw(HOSTILE)
    assert (
        "<title>T&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;lt;i&amp;gt;"
        "&#34;&#39; {{ 7*7 }} - Fixture Help</title>"
    ) in raw
    assert '<meta name="description" content="D&#34;&gt;&lt;img src=x onerror=alert(2)' in raw


def test_a_theme_template_chosen_in_front_matter_is_ignored(built: Built) -> None:
    page = built.html("redirect/index.html")
    assert not page.css('meta[http-equiv="refresh"]')
    assert "javascript:alert(11)" not in built.raw("redirect/index.html")
    assert page.css_first("article h1").text(strip=True).startswith("Moved")


def test_urls_made_from_file_names_are_percent_encoded(built: Built) -> None:
    sitemap = built.raw("sitemap.xml")
    assert f"<loc>https://help.example.com/{UNSAFE_URL}</loc>" in sitemap
    assert '"><img' not in sitemap
    page = built.html('payments/q"><img src=x onerror=alert(10)>/index.html')
    hrefs = {link.attributes.get("href") for link in page.css('link[rel="alternate"]')}
    assert f"https://help.example.com/{UNSAFE_URL}" in hrefs


def test_the_search_box_settings_carry_the_name_as_json_text(built: Built) -> None:
    page = built.html(HOSTILE)
    script = page.css_first("#kb-search-config")
    source = built.raw(HOSTILE).split('id="kb-search-config"', 1)[1].split("</script>")[0]
    assert "<img" not in source
    products = json.loads(script.text())["products"]
    assert {"id": "evil", "name": NAME} in products


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Markup("&lt;/title&gt;&lt;script&gt;"), "&lt;/title&gt;&lt;script&gt;"),
        ("a <b>bold</b> &amp; move", "a bold &amp; move"),
        (Markup("x &#60;img&#62;"), "x &lt;img&gt;"),
    ],
)
def test_striptags_escapes_what_it_unescaped(value: Any, shown: str) -> None:
    result = striptags(value)
    assert isinstance(result, Markup)
    assert str(result) == shown


def test_kb_templates_autoescape_and_the_theme_keeps_its_rules(tmp_path: Path) -> None:
    from jinja2 import Environment, FileSystemLoader

    from kb.site.escaping import autoescape_templates

    kb_dir, theme_dir = tmp_path / "kb", tmp_path / "theme"
    for directory in (kb_dir, theme_dir):
        directory.mkdir()
        (directory / "shared.html").write_text("{{ value }}|{{ value | striptags }}")
    (theme_dir / "theme.html").write_text("{{ value }}|{{ value | striptags }}")
    env = Environment(loader=FileSystemLoader([str(kb_dir), str(theme_dir)]))
    autoescape_templates(env, [str(kb_dir)])
    value = Markup("&lt;/title&gt;") + "<b>"
    # kb's copy wins the lookup, so it is kb's rules that apply: escaped.
    assert env.get_template("shared.html").render(value=value) == (
        "&lt;/title&gt;&lt;b&gt;|&lt;/title&gt;&lt;b&gt;"
    )
    # The theme's template prints values raw, as MkDocs' Jinja does; striptags stays escaped.
    assert env.get_template("theme.html").render(value="<i>x</i> &lt;y&gt;") == (
        "<i>x</i> &lt;y&gt;|x &lt;y&gt;"
    )
