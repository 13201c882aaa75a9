"""One related section: the writer's picks first, then kb's, no duplicates, never the page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import markdown
import pytest

from kb.check import run_check
from kb.related import link_target, merge_related, take_related_section

if TYPE_CHECKING:
    from tests.conftest import Tree

PAGE_URL = "payments/refunds/"


def render(source: str) -> str:
    return markdown.markdown(
        source, extensions=["attr_list", "toc"], extension_configs={"toc": {"permalink": True}}
    )


def computed(*rels: str) -> list[dict[str, str]]:
    """kb's related entries, with URLs relative to PAGE_URL as the plugin makes them."""
    return [{"title": rel, "description": f"About {rel}.", "url": f"../../{rel}/"} for rel in rels]


BODY = """\
# Refunds

Text.

## Related articles

Start here:

- [Fees](../../payments/fees/#refund-fees)
- [Payout schedule](../../payouts/schedule/){hreflang=en}
- [This page](./)

## Afterword

More.
"""


def test_the_writer_section_leaves_the_body_and_its_items_come_first() -> None:
    body, written = take_related_section(render(BODY))
    assert written is not None
    assert written.heading_id == "related-articles"
    assert "Related articles" not in body
    assert "Afterword" in body  # the section ends at the next heading
    assert "Start here" in written.note
    kb_list = computed("payments/fees", "payouts/other", "payments/refunds", "a/b", "c/d", "e/f")
    merged = merge_related(written, kb_list, PAGE_URL)
    shown = [entry.get("html") or entry["title"] for entry in merged]
    assert shown[0] == '<a href="../../payments/fees/#refund-fees">Fees</a>'
    assert shown[1] == '<a href="../../payouts/schedule/" hreflang="en">Payout schedule</a>'
    # No duplicate of a writer's link, never the page itself, five in all.
    assert shown[2:] == ["payouts/other", "a/b", "c/d"]


@pytest.mark.parametrize(
    "heading",
    ["## Related articles", "## 関連記事", "## related ARTICLES", "## 参考 {#related-articles}"],
)
def test_the_section_is_found_by_its_title_in_any_language_or_by_its_id(heading: str) -> None:
    _, written = take_related_section(render(f"# T\n\n{heading}\n\n- [a](../a/)\n"))
    assert written is not None
    assert written.items == ('<a href="../a/">a</a>',)


def test_a_page_without_a_written_section_gets_kb_list_alone() -> None:
    html = render("# T\n\n## Steps\n\n- [a](../a/)\n")
    body, written = take_related_section(html)
    assert (body, written) == (html, None)
    merged = merge_related(None, computed("payments/refunds", "a/b"), PAGE_URL)
    assert [entry["title"] for entry in merged] == ["a/b"]


def test_link_targets_compare_the_same_article_however_written() -> None:
    here = "payments/refunds/"
    assert link_target("../fees/", here) == link_target("../../payments/fees/index.html", here)
    assert link_target("https://example.com/x", here) == "https://example.com/x"
    assert link_target("", here) == "/payments/refunds/"


ARTICLE = """\
---
title: Refunds
description: Give money back.
products: [payments]
---

# Refunds

## Related articles

- [Fees](fees.md)

## Steps

Text.

## Related articles

- [Fees again](fees.md)
"""


def test_a_second_related_section_is_reported_on_its_heading(tree: Tree) -> None:
    single = ARTICLE.split("\n## Steps")[0].replace("Refunds", "Fees")
    project = tree({"docs/en/payments/refunds.md": ARTICLE, "docs/en/payments/fees.md": single})
    findings = [f for f in run_check(project).findings if f.code == "KB315"]
    assert [(f.path, f.line, f.rule.value) for f in findings] == [
        ("docs/en/payments/refunds.md", 17, "duplicate-related-section")
    ]
    assert "line 9" in findings[0].message


def test_kb_new_and_start_translation_give_one_related_section_in_the_site_title(
    tree: Tree,
) -> None:
    from kb.corpus import Corpus
    from kb.placeholders import ARTICLE_TEMPLATE
    from kb.writes.draft import draft_translation

    assert ARTICLE_TEMPLATE.count("## Related articles") == 1
    project = tree({"docs/en/payments/refunds.md": ARTICLE})
    source = Corpus(project).article("en", "payments/refunds.md")
    assert source is not None
    draft = draft_translation(source, "ja")
    assert "\n## 関連記事 {#related-articles}\n" in draft
    assert "TODO(ja): Related articles" not in draft
