"""The glossary page: glossary.yml's text reaches the page as text, through the site's Markdown."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from kb.glossary import Glossary, Term
from kb.site.glossary_page import glossary_html

REPO = Path(__file__).resolve().parents[2]

HOSTILE_TEXT = [
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "\\<script>alert(1)</script>",
    "![x](x.svg){ onload=alert(1) }",
    "[click](javascript:alert(1)){ .md-button }",
    "*emphasis* _under_ **strong** `code` ~~del~~",
    "++ctrl+alt+del++ {: #id onclick=alert(1) }",
    "&lt;script&gt; &amp; &#60;b&#62;",
    "{{ 7*7 }} {% raw %}",
    "<!-- comment --> <![CDATA[x]]>",
    "Payouts < 1,000 yen & > 5 days",
    "line one\n\nline two: a blank line must not end the block",
    "</dd></dl><script>alert(1)</script>",
    "*[HTML]: Hyper Text",
    "[^1] footnote",
]


def render(page: str) -> LexborHTMLParser:
    """The page through the Markdown extensions of the repository's mkdocs.yml."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    names: list[str] = []
    options: dict[str, dict[str, object]] = {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict):
            [(name, settings)] = entry.items()
            names.append(name)
            options[name] = settings or {}
        else:
            names.append(entry)
    html = markdown.markdown(page, extensions=names, extension_configs=options)
    return LexborHTMLParser(f"<body>{html}</body>")


def glossary(text: str) -> Glossary:
    term = Term(
        term=text,
        approved={"ja": text},
        forbidden={},
        match=(text,),
        definition={"en": text, "ja": text},
    )
    return Glossary(Path("glossary.yml"), (term,))


@pytest.mark.parametrize("text", HOSTILE_TEXT)
@pytest.mark.parametrize("language", ["en", "ja"])
def test_glossary_text_is_text_whatever_it_says(text: str, language: str) -> None:
    page = render("# Glossary\n\nThe words we use." + glossary_html(glossary(text), language, "en"))
    [dl] = page.css("dl")
    assert dl.attributes == {"class": "kb-glossary"}
    assert [node.tag for node in dl.traverse(include_text=False)] == ["dl", "dt", "strong", "dd"]
    assert all(not node.attributes for node in dl.css("*") if node.tag != "dl")
    assert [node.tag for node in page.css("body > *")] == ["h1", "p", "dl"]
    shown = " ".join(text.split())
    [dd] = page.css("dd")
    assert dd.text() == shown  # no stray backslash, no reference left, nothing lost
    [strong] = page.css("dt strong")
    assert strong.text() == shown


def test_the_term_in_the_other_language_follows_in_parentheses() -> None:
    term = Term(
        term="payout",
        approved={"ja": "入金"},
        forbidden={},
        match=("payout",),
        definition={"en": "Money sent.", "ja": ""},
    )
    terms = Glossary(Path("glossary.yml"), (term,))
    english = render(glossary_html(terms, "en", "en"))
    assert [dt.text() for dt in english.css("dt")] == ["payout (入金)"]
    japanese = render(glossary_html(terms, "ja", "en"))
    assert [dt.text() for dt in japanese.css("dt")] == ["入金（payout）"]
    assert [dd.text() for dd in japanese.css("dd")] == ["Money sent."]  # English as fallback
