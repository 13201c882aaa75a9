"""Hostile values: every field a writer fills in (front matter, products.yml, glossary.yml, file
names) carrying script payloads, through `kb check`, the strict build and Chromium.

A value with markup in a title, a description or a product name is a finding with file and line
(the strict build fails); every other value is shown as the text the writer typed. No page of
the plain build opens a dialog, navigates, or requests another host.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from .conftest import GLOSSARY_YML, PRODUCTS_YML, Crawler, write_site

if TYPE_CHECKING:
    from .conftest import BuildRun, CheckRun, HostileSite, Incident

pytestmark = pytest.mark.browser

MARKUP = {
    "tag with a handler": "<img src=x onerror=alert(1)>",
    "attribute break into a script": '"><script>alert(1)</script>',
    "title break into a script": "</title><script>alert(1)</script>",
    "encoded title break": "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
    "encoded tag": "&lt;img src=x onerror=alert(1)&gt;",
    "numeric references": "&#60;img src=x onerror=alert(1)&#62;",
    "comment": "<!--><img src=x onerror=alert(1)>-->",
}
"""Values that are markup: a finding wherever a writer types them in a title or description."""

TEXT = {
    "template syntax": "{{ 7*7 }} {% raw %}{{ config }}{% endraw %}",
    "double quotes breaking an attribute": 'x" autofocus onfocus="alert(1)',
    "single quotes breaking an attribute": "x' autofocus onfocus='alert(1)",
    "javascript URL": "javascript:alert(1)",
    "ampersand and comparison": "Fees & statements: 3 < 5",
}
"""Values that are no markup: shown as the exact text typed, never live."""


def _yaml(value: str) -> str:
    return json.dumps(value)  # JSON strings are YAML double-quoted scalars


def _article(title: str, description: str, body: str = "Text.\n") -> str:
    return (
        f"---\ntitle: {_yaml(title)}\ndescription: {_yaml(description)}\n"
        f"products: [payments]\n---\n\n{body}"
    )


def _slug(name: str) -> str:
    return name.replace(" ", "-")


ARTICLES = {
    f"docs/en/payments/{_slug(name)}.md": _article(value, value)
    for name, value in {**MARKUP, **TEXT}.items()
}
BAD_NAMES = {
    "quote and tag in a file name": 'docs/en/payments/x"><img src=x onerror=alert(1)>.md',
    "scheme in a file name": "docs/en/javascript:alert(1).md",
    "right-to-left override in a file name": "docs/en/payments/invoice\u202egnp.md",
    "space in an image name": "docs/en/assets/flow chart.svg",
}
JAPANESE_NAME = "docs/en/payments/返金・取消.md"
FILES: dict[str, str] = {
    **ARTICLES,
    **{path: _article("Badly named", "A file name with markup.") for path in BAD_NAMES.values()},
    BAD_NAMES["space in an image name"]: '<svg xmlns="http://www.w3.org/2000/svg"/>',
    JAPANESE_NAME: _article("Japanese name", "A file with a Japanese name."),
    "docs/en/payments/moved.md": (
        "---\ntitle: Moved\ndescription: Moved away.\nproducts: [payments]\n"
        "template: redirect.html\nlocation: javascript:alert(1)\n---\n\nText.\n"
    ),
    "docs/en/contact.md": (
        "---\ntitle: Contact\nkind: page\n"
        f"subtitle: {_yaml(MARKUP['tag with a handler'])}\n"
        f"revision_date: {_yaml(MARKUP['attribute break into a script'])}\n"
        f"author: {_yaml(MARKUP['title break into a script'])}\n"
        "icon: material/no-such-icon\n---\n\n# Contact\n\nWrite to us.\n"
    ),
}
PRODUCTS = PRODUCTS_YML.replace(
    "name: {en: Card payments, ja: カード決済}",
    f"name: {{en: {_yaml(MARKUP['tag with a handler'])}, "
    f"ja: {_yaml(MARKUP['title break into a script'])}}}",
).replace(
    "description: {en: Accept cards., ja: カード決済を受け付けます。}",
    f"description: {{en: {_yaml(MARKUP['attribute break into a script'])}, "
    f"ja: {_yaml(MARKUP['encoded tag'])}}}",
).replace("icon: material/credit-card-outline", "icon: ../../partials/header") + (
    "  - id: quoted\n    icon: material/cash\n"
    f"    name: {{en: {_yaml(TEXT['double quotes breaking an attribute'])}, "
    f"ja: {_yaml(TEXT['template syntax'])}}}\n"
    f"    description: {{en: {_yaml(TEXT['single quotes breaking an attribute'])}, "
    f"ja: {_yaml(TEXT['javascript URL'])}}}\n"
)
GLOSSARY_DEFINITION = "\\<script>alert(1)</script> ++ctrl+alt++{ onclick=alert(1) } 3 < 5"
GLOSSARY = GLOSSARY_YML + (
    f"  - en: {_yaml(MARKUP['tag with a handler'])}\n"
    f"    ja: {_yaml(MARKUP['title break into a script'])}\n"
    f"    definition: {{en: {_yaml(GLOSSARY_DEFINITION)}, "
    f"ja: {_yaml(MARKUP['encoded title break'])}}}\n"
)


@dataclass
class Gates:
    """The hostile site after each gate."""

    check: CheckRun
    strict: BuildRun
    built: BuildRun
    incidents: list[Incident]

    def page(self, path: str) -> LexborHTMLParser:
        return LexborHTMLParser((self.built.site / path).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gates(tmp_path_factory: pytest.TempPathFactory, hostile_browser: Any) -> Gates:
    site: HostileSite = write_site(
        tmp_path_factory.mktemp("values"), FILES, products=PRODUCTS, glossary=GLOSSARY
    )
    check = site.check()
    strict = site.build(strict=True)
    built = site.build(strict=False)
    incidents = Crawler(hostile_browser).crawl(built.site)
    return Gates(check, strict, built, incidents)


def _findings(gates: Gates, path: str) -> set[tuple[str, int]]:
    """Errors and warnings of one file (infos such as missing-translation left out)."""
    return {
        (f["code"], f["line"])
        for f in gates.check.findings
        if f["path"] == path and f["severity"] != "info"
    }


def test_no_page_runs_script_navigates_or_leaves_the_site(gates: Gates) -> None:
    assert gates.built.exit_code == 0, gates.built.output
    assert not gates.built.crashed, gates.built.output
    assert gates.incidents == [], "\n".join(map(str, gates.incidents))


def test_the_strict_build_stops_on_the_findings_without_a_traceback(gates: Gates) -> None:
    assert gates.strict.exit_code != 0
    assert not gates.strict.crashed, gates.strict.output
    assert gates.check.exit_code == 1
    for finding in gates.check.findings:
        if finding["severity"] == "error":
            where = f"{finding['path']}:{finding['line']}: {finding['code']}"
            assert where in gates.strict.output, where


@pytest.mark.parametrize("name", list(MARKUP))
def test_markup_in_a_title_and_a_description_is_a_finding(gates: Gates, name: str) -> None:
    path = f"docs/en/payments/{_slug(name)}.md"
    assert _findings(gates, path) == {("KB310", 2), ("KB310", 3)}
    # And it still reaches the plain build's pages as text, never as markup.
    page = gates.page(f"payments/{_slug(name)}/index.html")
    assert page.css_first("title").text() == f"{MARKUP[name]} - Hostile Help"


@pytest.mark.parametrize("name", list(TEXT))
def test_text_in_a_title_and_a_description_is_shown_as_typed(gates: Gates, name: str) -> None:
    path = f"docs/en/payments/{_slug(name)}.md"
    assert _findings(gates, path) == set()
    value = TEXT[name]
    page = gates.page(f"payments/{_slug(name)}/index.html")
    assert page.css_first("title").text() == f"{value} - Hostile Help"
    assert page.css_first('meta[name="description"]').attributes["content"] == value
    topic = page.css_first('[data-md-component="header-topic"]')
    assert " ".join(topic.text().split()) == " ".join(value.split())
    assert not page.css("[autofocus], [onfocus]")
    related = gates.page("payments/refund-a-payment/index.html").css(".kb-related li > a")
    listing = gates.page("products/payments/index.html").css(".kb-article-list__item > a")
    assert value in {node.text() for node in related} | {node.text() for node in listing}


def test_the_template_syntax_is_never_evaluated(gates: Gates) -> None:
    for path in ("payments/template-syntax/index.html", "ja/products/quoted/index.html"):
        text = gates.page(path).css_first("title").text()
        assert "{{ 7*7 }}" in text
        assert "49" not in text


def test_products_with_markup_are_findings_on_their_lines(gates: Gates) -> None:
    assert _findings(gates, "products.yml") == {("KB204", 3), ("KB204", 4), ("KB204", 5)}


def test_product_names_and_descriptions_are_text_everywhere(gates: Gates) -> None:
    home = gates.page("index.html")
    names = [node.text(strip=True) for node in home.css(".kb-product-card__name")]
    assert names[0] == MARKUP["tag with a handler"]
    assert names[-1] == TEXT["double quotes breaking an attribute"]
    ja = gates.page("ja/payments/refund-a-payment/index.html")
    assert ja.css_first(".kb-chip").text() == MARKUP["title break into a script"]
    options = [node.text() for node in ja.css(".kb-search__product option")]
    assert MARKUP["title break into a script"] in options
    assert TEXT["template syntax"] in options
    product = gates.page("ja/products/payments/index.html")
    assert product.css_first(".kb-product__description").text() == MARKUP["encoded tag"]
    assert not product.css(".kb-product__icon svg")  # the invalid icon is never included


def test_glossary_text_is_text(gates: Gates) -> None:
    english = gates.page("glossary/index.html")
    assert [node.text() for node in english.css(".kb-glossary dt strong")][-1] == (
        MARKUP["tag with a handler"]
    )
    assert english.css(".kb-glossary dd")[-1].text() == GLOSSARY_DEFINITION
    japanese = gates.page("ja/glossary/index.html")
    assert japanese.css(".kb-glossary dd")[-1].text() == MARKUP["encoded title break"]
    assert _findings(gates, "glossary.yml") == set()


@pytest.mark.parametrize("name", list(BAD_NAMES))
def test_unsafe_file_names_are_findings(gates: Gates, name: str) -> None:
    assert _findings(gates, BAD_NAMES[name]) == {("KB311", 1)}


def test_a_japanese_file_name_is_fine_and_linked_where_mkdocs_publishes_it(gates: Gates) -> None:
    assert _findings(gates, JAPANESE_NAME) == set()
    listing = gates.page("products/payments/index.html")
    [link] = [a for a in listing.css(".kb-article-list__item > a") if a.text() == "Japanese name"]
    href = link.attributes["href"]
    assert href == "../../payments/%E8%BF%94%E9%87%91%E3%83%BB%E5%8F%96%E6%B6%88/"
    assert (gates.built.site / "payments" / "返金・取消" / "index.html").is_file()


def test_front_matter_cannot_choose_a_redirecting_template(gates: Gates) -> None:
    assert ("KB301", 5) in _findings(gates, "docs/en/payments/moved.md")
    page = gates.page("payments/moved/index.html")
    assert not page.css('meta[http-equiv="refresh"]')
    assert page.css_first("title").text() == "Moved - Hostile Help"


def test_front_matter_the_theme_prints_is_text_and_a_missing_icon_is_no_crash(
    gates: Gates,
) -> None:
    home = gates.page("index.html")
    assert home.css_first(".md-nav--primary small").text() == MARKUP["tag with a handler"]
    contact = gates.page("contact/index.html")
    fact = contact.css_first(".md-source-file__fact")
    assert " ".join(fact.text().split()) == MARKUP["attribute break into a script"]
    assert "docs/en/contact.md:7: KB301" in gates.strict.output
