"""Heading ids: identical to Python-Markdown's toc, shared by translations."""

from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import slugify as toc_slugify
from markdown.extensions.toc import unique as toc_unique

from kb.markdown_scan import scan
from kb.slugs import slugify, structure_heading_ids, unique, with_heading_ids

_HEADING_ID = re.compile(r'<h[1-6] id="([^"]*)"')


def rendered_ids(body: str) -> list[str]:
    md = markdown.Markdown(
        extensions=["toc", "attr_list", "admonition", "tables", "fenced_code", "md_in_html"]
    )
    return _HEADING_ID.findall(md.convert(body))


@pytest.mark.parametrize(
    "body",
    [
        "# Refund a payment\n\n## Partial refunds\n\n## Partial refunds\n",
        "# 返金\n\n## 一部返金\n\n## 返金\n",
        "## Use `api_key` and **bold** [links](x.md) &amp; <span>html</span>\n",
        "## The __init__ method and snake_case_names\n",
        "## Fees {#fees}\n\n## Fees\n\n## Fees_1\n",
        "## Crème brûlée & café — 3.6%\n",
        "## `<code>` &lt;escaped&gt; \\*literal\\*\n",
        "##料金\n\n## Refunds ##\n\nTitle\n=====\n",
        "## 3-D Secure (EMV) / JCB\n\n## Q&A: what's new?\n",
        "Para.\n{: #fees }\n\n## Fees\n",
        "## ![icon](i.svg) Payouts\n",
        "!!! note\n    ## Inside a note\n\n## After\n",
    ],
)
def test_ids_match_python_markdown(body: str) -> None:
    assert structure_heading_ids(scan(body)) == rendered_ids(body)


_PLAIN = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 -.,:()'\"?/%+=é返金カード\u3000")), max_size=30
)


@settings(max_examples=200, deadline=None)
@given(_PLAIN)
def test_slugify_is_toc_slugify(text: str) -> None:
    assert slugify(text) == toc_slugify(text, "-")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["a", "a_1", "", "b_2", "b", "a_2", "_1"]), max_size=12))
def test_unique_is_toc_unique(candidates: list[str]) -> None:
    ours: set[str] = set()
    theirs: set[str] = set()
    assert [unique(c, ours) for c in candidates] == [toc_unique(c, theirs) for c in candidates]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "a_1", "", "b_2", "b", "a_2", "_1", "a_1_1", "a_07", "a_3"]),
        max_size=40,
    ),
    st.lists(st.sampled_from(["a_2", "a_4", "b_3", "_2", "a_1_2"]), max_size=3),
)
def test_unique_with_skips_is_toc_unique(candidates: list[str], taken: list[str]) -> None:
    ours, theirs = set(taken), set(taken)
    skips: dict[str, int] = {}
    expected = [toc_unique(c, theirs) for c in candidates]
    assert [unique(c, ours, skips) for c in candidates] == expected
    assert ours == theirs


def test_twenty_thousand_equal_headings_get_toc_ids() -> None:
    # Quadratic before: 20,000 equal headings took `kb check` minutes (scripts/bench_slugs.py).
    count = 20_000
    body = "## Fees\n\n" * count
    ids = structure_heading_ids(scan(body))
    assert ids[:3] == ["fees", "fees_1", "fees_2"]
    assert ids[-1] == f"fees_{count - 1}"
    assert len(set(ids)) == count
    translated = structure_heading_ids(scan("## 手数料\n\n" * count), scan(body))
    assert translated == ids


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        _PLAIN.filter(lambda t: t.strip() and not t.strip().startswith("#")), min_size=1, max_size=5
    )
)
def test_heading_ids_match_rendering(texts: list[str]) -> None:
    body = "".join(f"## {text}\n\n" for text in texts)
    assert structure_heading_ids(scan(body)) == rendered_ids(body)


EN = "# Refund a payment\n\n## Partial refunds\n\n### By card\n\n## Partial refunds\n"
JA = "# 返金\n\n## 一部返金\n\n### カード {#card}\n\n## 一部返金\n"


def test_translation_takes_the_source_ids_by_position() -> None:
    assert structure_heading_ids(scan(JA), scan(EN)) == [
        "refund-a-payment",
        "partial-refunds",
        "card",
        "partial-refunds_1",
    ]


def test_translation_with_other_levels_keeps_its_own_slugs() -> None:
    ja = JA.replace("### カード", "## カード")
    assert structure_heading_ids(scan(ja), scan(EN)) == ["_1", "_2", "card", "_3"]


def test_with_heading_ids_renders_the_english_ids() -> None:
    body = (
        "# 返金\n\n```md\n# not a heading\n```\n\n## 一部返金 ##\n\n### カード {#card}\n\n"
        "一部返金\n--------\n"
    )
    ids = structure_heading_ids(scan(body), scan(EN))
    written = with_heading_ids(body, ids)
    assert rendered_ids(written) == [
        "refund-a-payment",
        "partial-refunds",
        "card",
        "partial-refunds_1",
    ]
    assert "# not a heading\n" in written
    assert "### カード {#card}\n" in written
    assert with_heading_ids(written, ids) == written


def test_with_heading_ids_leaves_a_body_without_headings() -> None:
    assert with_heading_ids("text\n", ["a"]) == "text\n"
    assert with_heading_ids("# A\n", []) == "# A\n"
