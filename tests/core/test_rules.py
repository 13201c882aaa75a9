"""Every rule on tiny trees: one failing and one passing case each, with the exact findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.bilingual import (
    EN,
    EN_BODY,
    EN_FRONT,
    JA,
    JA_BODY,
    JA_FRONT,
    PRODUCTS,
    center,
    en_replacing,
    ja_replacing,
    ja_text,
    varied,
)
from kb.check import run_check
from kb.digest import digest_text
from kb.findings import Severity
from kb.project import Project

Tree = Callable[..., Project]

SCHEDULE_EN = "docs/en/payouts/schedule.md"

Case = tuple[str, dict[str, str | bytes], str, list[tuple[str, str, int]], dict[str, Any]]


def case(
    name: str,
    files: dict[str, str | bytes],
    select: str,
    expected: list[tuple[str, str, int]],
    **options: Any,
) -> Any:
    return pytest.param(files, select, expected, options, id=name)


CASES = [
    # KB101 missing-translation names the English article.
    case(
        "missing-translation fails", varied({JA: None}), "KB101", [("missing-translation", EN, 1)]
    ),
    case("missing-translation passes", center(), "KB101", []),
    # KB102 orphan-translation.
    case(
        "orphan-translation fails",
        varied({"docs/ja/payments/extra.md": JA_FRONT + JA_BODY}),
        "orphan-translation",
        [("orphan-translation", "docs/ja/payments/extra.md", 1)],
    ),
    case("orphan-translation passes", center(), "orphan-translation", []),
    # KB103 stale-translation: on the source_digest line.
    case(
        "stale-translation fails",
        varied({JA: JA_FRONT.format(digest="deadbeef0000") + JA_BODY}),
        "stale-translation",
        [("stale-translation", JA, 6)],
    ),
    case(
        "stale-translation passes: whitespace and other keys changed in English",
        varied(
            {
                EN: EN_FRONT.replace("Give money back.", "Return money.").replace(
                    "2026-11-20", "2027-01-01"
                )
                + EN_BODY.replace("## Partial refunds\n", "## Partial refunds   \n\n\n")
            }
        ),
        "stale-translation",
        [],
    ),
    # KB104 untracked-translation.
    case(
        "untracked-translation fails",
        varied({JA: JA_FRONT.replace("source_digest: {digest}\n", "") + JA_BODY}),
        "KB104",
        [("untracked-translation", JA, 1)],
    ),
    case("untracked-translation passes", center(), "KB104", []),
    # KB105 heading-mismatch: the translation's line; the English line is in the message.
    case(
        "heading-mismatch fails: level",
        varied({JA: ja_replacing("## 一部返金", "### 一部返金")}),
        "KB105",
        [("heading-mismatch", JA, 13)],
    ),
    case(
        "heading-mismatch fails: extra heading",
        varied({JA: ja_replacing("| Visa | 5 |\n", "| Visa | 5 |\n\n## 追加\n")}),
        "KB105",
        [("heading-mismatch", JA, 28)],
    ),
    case(
        "heading-mismatch fails: missing heading",
        varied({JA: ja_replacing("## 一部返金\n", "")}),
        "KB105",
        [("heading-mismatch", JA, 9)],
    ),
    case(
        "heading-mismatch fails: explicit id differs",
        varied({JA: ja_replacing("## 一部返金", "## 一部返金 {#partial}")}),
        "KB105",
        [("heading-mismatch", JA, 13)],
    ),
    case(
        "heading-mismatch passes: same explicit id",
        varied({JA: ja_replacing("## 一部返金", "## 一部返金 {#partial-refunds}")}),
        "KB105",
        [],
    ),
    # KB106 code-block-mismatch: comments may be translated, code may not.
    case(
        "code-block-mismatch fails",
        varied({JA: ja_replacing("refund(100)", "refund(200)")}),
        "KB106",
        [("code-block-mismatch", JA, 15)],
    ),
    case(
        "code-block-mismatch fails: language",
        varied({JA: ja_replacing("```python", "```bash")}),
        "KB106",
        [("code-block-mismatch", JA, 15)],
    ),
    case("code-block-mismatch passes: translated comment", center(), "KB106", []),
    # KB107 image-mismatch: alt text may differ, the image may not.
    case(
        "image-mismatch fails",
        varied(
            {
                JA: ja_replacing("../assets/flow.svg", "../assets/other.svg"),
                "docs/ja/assets/other.svg": "<svg/>",
            }
        ),
        "KB107",
        [("image-mismatch", JA, 19)],
    ),
    case("image-mismatch passes: translated alt", center(), "KB107", []),
    # KB108 link-mismatch: targets compared as a set per section, twins by rel path.
    case(
        "link-mismatch fails",
        varied({JA: ja_replacing("../payouts/schedule.md#holidays", "../payouts/other.md")}),
        "KB108",
        [("link-mismatch", JA, 11)],
    ),
    case(
        "link-mismatch passes: reordered",
        varied(
            {
                EN: en_replacing(
                    "See [payouts](../payouts/schedule.md#holidays).",
                    "See [a](https://a.example/) and [b](https://b.example/).",
                ),
                JA: ja_replacing(
                    "[入金](../payouts/schedule.md#holidays)を参照してください。",
                    "[b](https://b.example/)と[a](https://a.example/)。",
                ),
            }
        ),
        "KB108",
        [],
    ),
    case(
        "link-mismatch fails: external URL not rewritten",
        varied(
            {
                EN: en_replacing("../payouts/schedule.md#holidays", "https://ex.example/en-us/a"),
                JA: ja_replacing("../payouts/schedule.md#holidays", "https://ex.example/ja-jp/a"),
            }
        ),
        "KB108",
        [("link-mismatch", JA, 11)],
    ),
    case(
        "link-mismatch passes: link_rewrites",
        varied(
            {
                EN: en_replacing("../payouts/schedule.md#holidays", "https://ex.example/en-us/a"),
                JA: ja_replacing("../payouts/schedule.md#holidays", "https://ex.example/ja-jp/a"),
            }
        ),
        "KB108",
        [],
        parity={"link_rewrites": {"https://ex.example/en-us/": "https://ex.example/ja-jp/"}},
    ),
    case(
        "link-mismatch passes: translation_only_links",
        varied({JA: ja_replacing("を参照してください。", "（[国税庁](https://www.nta.go.jp/x)）")}),
        "KB108",
        [],
        parity={"translation_only_links": ["https://www.nta.go.jp/"]},
    ),
    case(
        "link-mismatch passes: marked language switch",
        varied(
            {
                JA: ja_replacing(
                    "を参照してください。", "[English](../../en/payments/refunds.md){hreflang=en}"
                )
            }
        ),
        "KB108",
        [],
    ),
    # KB109 admonition-mismatch.
    case(
        "admonition-mismatch fails",
        varied({JA: ja_replacing("!!! warning", "!!! tip")}),
        "KB109",
        [("admonition-mismatch", JA, 21)],
    ),
    case("admonition-mismatch passes: translated title", center(), "KB109", []),
    # KB110 table-mismatch.
    case(
        "table-mismatch fails",
        varied(
            {
                JA: ja_replacing(
                    "| カード | 日数 |\n|---|---|\n| Visa | 5 |",
                    "| カード | 日数 | 備考 |\n|---|---|---|\n| Visa | 5 | - |",
                )
            }
        ),
        "KB110",
        [("table-mismatch", JA, 24)],
    ),
    case("table-mismatch passes", center(), "KB110", []),
    # KB111 front-matter-mismatch: keys, never translated values or source_digest.
    case(
        "front-matter-mismatch fails: missing key",
        varied({JA: ja_text(front=JA_FRONT.replace("last_reviewed: 2026-11-20\n", ""))}),
        "KB111",
        [("front-matter-mismatch", JA, 1)],
    ),
    case(
        "front-matter-mismatch fails: extra key",
        varied({JA: ja_text(front=JA_FRONT.replace("---\n", "---\nslug: x\n", 1))}),
        "KB111",
        [("front-matter-mismatch", JA, 2)],
    ),
    case("front-matter-mismatch passes: translated values", center(), "KB111", []),
    # KB201 missing-products.
    case(
        "missing-products fails",
        varied({"docs/en/about.md": "---\ntitle: About\n---\n\n# About\n"}),
        "KB201",
        [("missing-products", "docs/en/about.md", 1)],
    ),
    case(
        "missing-products passes: kind page",
        varied({"docs/en/about.md": "---\ntitle: About\nkind: page\n---\n\n# About\n"}),
        "KB201",
        [],
    ),
    # KB202 unknown-product, on the line of the id.
    case(
        "unknown-product fails",
        varied(
            {
                "docs/en/about.md": "---\ntitle: About\nproducts:\n  - payments\n  - payout\n"
                "---\n\n# About\n"
            }
        ),
        "KB202",
        [("unknown-product", "docs/en/about.md", 5)],
    ),
    case("unknown-product passes", center(), "KB202", []),
    # KB203 products-mismatch.
    case(
        "products-mismatch fails",
        varied({JA: ja_text(front=JA_FRONT.replace("[payments]", "[payouts]"))}),
        "KB203",
        [("products-mismatch", JA, 4)],
    ),
    case("products-mismatch passes", center(), "KB203", []),
    # KB204 invalid-taxonomy, on the line in products.yml.
    case(
        "invalid-taxonomy fails: duplicate id",
        varied({"products.yml": PRODUCTS + PRODUCTS.split("\n", 1)[1]}),
        "KB204",
        [("invalid-taxonomy", "products.yml", 10), ("invalid-taxonomy", "products.yml", 14)],
    ),
    case(
        "invalid-taxonomy fails: missing translation of a name",
        varied({"products.yml": PRODUCTS.replace("{en: Payouts, ja: 入金}", "{en: Payouts}")}),
        "KB204",
        [("invalid-taxonomy", "products.yml", 8)],
    ),
    case(
        "invalid-taxonomy fails: bad id and unknown key",
        varied(
            {
                "products.yml": PRODUCTS.replace("id: payouts", "id: Payouts").replace(
                    "    icon: material/bank-transfer", "    colour: red"
                )
            }
        ),
        "KB204",
        [("invalid-taxonomy", "products.yml", 6), ("invalid-taxonomy", "products.yml", 7)],
    ),
    case("invalid-taxonomy passes", center(), "KB204", []),
    case(
        "invalid-taxonomy fails: markup in a product name and description",
        varied(
            {
                "products.yml": PRODUCTS.replace(
                    "en: Card payments", "en: '<img src=x onerror=alert(1)>'"
                ).replace("ja: 売上を入金します。", "ja: '&lt;b&gt;入金'")
            }
        ),
        "KB204",
        [("invalid-taxonomy", "products.yml", 4), ("invalid-taxonomy", "products.yml", 9)],
    ),
    case(
        "invalid-taxonomy fails: an icon that is no plain icon id",
        varied(
            {
                "products.yml": PRODUCTS.replace(
                    "material/credit-card-outline", "../../partials/header"
                ).replace("material/bank-transfer", "'material/x.svg\\x00'")
            }
        ),
        "KB204",
        [("invalid-taxonomy", "products.yml", 3), ("invalid-taxonomy", "products.yml", 7)],
    ),
    case(
        "invalid-taxonomy fails: an id with a line break (it would be in URLs)",
        varied({"products.yml": PRODUCTS.replace("id: payouts", 'id: "payouts\\n"')}),
        "KB204",
        [("invalid-taxonomy", "products.yml", 6)],
    ),
    case(
        "invalid-taxonomy passes: ampersands, comparisons and three-part icon ids",
        varied(
            {
                "products.yml": PRODUCTS.replace("en: Card payments", "en: Cards & wallets")
                .replace("en: Get paid.", "en: 'Payouts < 1,000 yen wait; AT&T'")
                .replace("material/bank-transfer", "fontawesome/brands/cc-visa")
            }
        ),
        "KB204",
        [],
    ),
    # KB301 invalid-front-matter: YAML error lines are file lines.
    case(
        "invalid-front-matter fails: YAML",
        varied({EN: EN_FRONT.replace("products: [payments]", "products: [payments") + EN_BODY}),
        "KB301",
        [("invalid-front-matter", EN, 5)],
    ),
    case(
        "invalid-front-matter fails: duplicate key",
        varied({EN: EN_FRONT.replace("---\n", "---\ntitle: Again\n", 1) + EN_BODY}),
        "KB301",
        [("invalid-front-matter", EN, 3)],
    ),
    case(
        "invalid-front-matter fails: not a mapping",
        varied({EN: "---\n- a\n- b\n---\n" + EN_BODY}),
        "KB301",
        [("invalid-front-matter", EN, 2)],
    ),
    case(
        "invalid-front-matter fails: unclosed",
        varied({EN: EN_FRONT.replace("---\n", "", 2).join(["---\n", ""]) + EN_BODY}),
        "KB301",
        [("invalid-front-matter", EN, 1)],
    ),
    case("invalid-front-matter passes", center(), "KB301", []),
    case(
        "invalid-front-matter fails: a theme template or icon front matter may not choose",
        varied(
            {
                EN: EN_FRONT.replace(
                    "---\n", "---\ntemplate: redirect.html\nlocation: https://evil.example/\n", 1
                )
                + EN_BODY,
                JA: ja_text(front=JA_FRONT.replace("---\n", "---\nicon: ../../main\n", 1)),
                "docs/en/payouts/other.md": "---\ntemplate: [a, b]\ntitle: X\n---\n# X\n",
            }
        ),
        "KB301",
        [
            ("invalid-front-matter", EN, 2),
            ("invalid-front-matter", "docs/en/payouts/other.md", 2),
            ("invalid-front-matter", JA, 2),
        ],
    ),
    case(
        "invalid-front-matter passes: the home template and an icon id",
        varied(
            {
                EN: EN_FRONT.replace("---\n", "---\ntemplate: kb-home.html\n", 1) + EN_BODY,
                JA: ja_text(front=JA_FRONT.replace("---\n", "---\nicon: material/cash\n", 1)),
            }
        ),
        "KB301",
        [],
    ),
    # KB302 invalid-encoding.
    case(
        "invalid-encoding fails: Latin-1",
        varied(
            {
                EN: (EN_FRONT + EN_BODY.replace("Refunds cannot", "Refunds \xe9 cannot")).encode(
                    "latin-1", "replace"
                )
            }
        ),
        "KB302",
        [("invalid-encoding", EN, 21)],
    ),
    case(
        "invalid-encoding fails: UTF-16",
        varied({EN: (EN_FRONT + EN_BODY).encode("utf-16")}),
        "KB302",
        [("invalid-encoding", EN, 1)],
    ),
    case(
        "invalid-encoding passes: BOM and CRLF",
        varied({EN: b"\xef\xbb\xbf" + (EN_FRONT + EN_BODY).replace("\n", "\r\n").encode()}),
        "KB302",
        [],
    ),
    # KB303 malformed-heading.
    case(
        "malformed-heading fails",
        varied({JA: ja_replacing("## 一部返金", "##一部返金")}),
        "KB303",
        [("malformed-heading", JA, 13)],
    ),
    case(
        "malformed-heading fails: empty",
        varied(
            {EN: en_replacing("Refunds cannot be undone.\n", "Refunds cannot be undone.\n\n#\n")}
        ),
        "KB303",
        [("malformed-heading", EN, 23)],
    ),
    case("malformed-heading passes", center(), "KB303", []),
    # KB304 unsafe-html.
    case(
        "unsafe-html fails: script, handler, javascript URL",
        varied(
            {
                EN: en_replacing(
                    "Refunds cannot be undone.\n",
                    "Refunds cannot be undone.\n\n<script>x()</script>\n\n"
                    '<a href="#" onclick="x()">a</a>\n\n[b](javascript:alert(1))\n',
                )
            }
        ),
        "KB304",
        [("unsafe-html", EN, 23), ("unsafe-html", EN, 25), ("unsafe-html", EN, 27)],
    ),
    case(
        "unsafe-html fails: embed outside the allowlist",
        varied(
            {
                EN: en_replacing(
                    "Refunds cannot be undone.\n",
                    'Refunds cannot be undone.\n\n<iframe src="https://evil.example/"></iframe>\n',
                )
            }
        ),
        "KB304",
        [("unsafe-html", EN, 23)],
        content={"embed_allowlist": ["https://www.youtube-nocookie.com/"]},
    ),
    case(
        "unsafe-html fails: attribute lists, base, meta, srcdoc, SVG animation, loose tags",
        varied(
            {
                EN: en_replacing(
                    "Refunds cannot be undone.\n",
                    "Refunds cannot be undone.\n\n"
                    '![a](x.svg){ onload="alert(1)" }\n\n'  # 23
                    "## Heading { autofocus onfocus=alert(1) }\n\n"  # 25
                    '[b](https://example.com){ href="javascript:alert(1)" }\n\n'  # 27
                    '<base href="https://evil.example/">\n\n'  # 29
                    '<meta http-equiv="refresh" content="0;url=https://evil.example/">\n\n'  # 31
                    '<div srcdoc="x"></div>\n\n'  # 33
                    '<svg><animate attributeName="href" to="x"/></svg>\n\n'  # 35
                    "<img/src=x/onerror=alert(1)>\n\n"  # 37
                    "[c](data:text/html,x)\n",  # 39
                )
            }
        ),
        "KB304",
        [("unsafe-html", EN, line) for line in range(23, 41, 2)],
    ),
    case(
        "unsafe-html passes: attribute lists with classes, ids and plain values",
        varied(
            {
                EN: en_replacing(
                    "Refunds cannot be undone.\n",
                    "Refunds cannot be undone.\n\n"
                    '![a](x.svg){ .wide #flow width="300" }\n\n'
                    "Braces in prose { like this } and on = off.\n",
                )
            }
        ),
        "KB304",
        [],
    ),
    case(
        "unsafe-html passes: allowed embed, script in code",
        varied(
            {
                EN: en_replacing(
                    "refund(100)  # full amount", "refund(100)  # <script>x()</script>"
                )
                + '\n<iframe src="https://www.youtube-nocookie.com/embed/1"></iframe>\n'
            }
        ),
        "KB304",
        [],
        content={"embed_allowlist": ["https://www.youtube-nocookie.com/"]},
    ),
    # KB305 broken-link.
    case(
        "broken-link fails",
        varied({EN: en_replacing("../payouts/schedule.md#holidays", "../payouts/missing.md")}),
        "KB305",
        [("broken-link", EN, 10)],
    ),
    case(
        "broken-link passes: translation falls back to English",
        varied(
            {
                "docs/en/payouts/only-en.md": "---\ntitle: X\nproducts: [payouts]\n---\n\n# X\n",
                JA: ja_replacing("を参照してください。", "と[英語のみ](../payouts/only-en.md)"),
            }
        ),
        "KB305",
        [],
    ),
    # KB306 broken-anchor: Japanese headings answer to the English ids.
    case(
        "broken-anchor fails",
        varied({EN: en_replacing("#holidays", "#weekends")}),
        "KB306",
        [("broken-anchor", EN, 10)],
    ),
    case(
        "broken-anchor fails: same page",
        varied({JA: ja_replacing("を参照してください。", "と[一部](#partial)")}),
        "KB306",
        [("broken-anchor", JA, 11)],
    ),
    case(
        "broken-anchor passes: aligned Japanese headings",
        varied({JA: ja_replacing("を参照してください。", "と[一部](#partial-refunds)")}),
        "KB306",
        [],
    ),
    # KB307 cross-language-link.
    case(
        "cross-language-link fails",
        varied(
            {JA: ja_replacing("../payouts/schedule.md#holidays", "../../en/payouts/schedule.md")}
        ),
        "KB307",
        [("cross-language-link", JA, 11)],
    ),
    case(
        "cross-language-link passes: marked with hreflang",
        varied(
            {
                JA: ja_replacing(
                    "を参照してください。", "と[English](../../en/payments/refunds.md){hreflang=en}"
                )
            }
        ),
        "KB307",
        [],
    ),
    # KB308 missing-asset: a translation may use an image that only exists in English.
    case(
        "missing-asset fails",
        varied({EN: en_replacing("../assets/flow.svg", "../assets/nope.svg")}),
        "KB308",
        [("missing-asset", EN, 18)],
    ),
    case(
        "missing-asset passes: fallback to the English image",
        varied({"docs/ja/assets/flow.svg": None, "docs/en/assets/flow.svg": "<svg/>"}),
        "KB308",
        [],
    ),
    # KB310 markup-in-metadata: on the line of the key.
    case(
        "markup-in-metadata fails: tags in a title, a reference in a description",
        varied(
            {
                EN: EN_FRONT.replace(
                    "title: Refund a payment", "title: '</title><script>alert(1)</script>'"
                )
                + EN_BODY,
                JA: ja_text(front=JA_FRONT.replace("返金します。", "'&lt;b&gt;返金&lt;/b&gt;'")),
            }
        ),
        "KB310",
        [("markup-in-metadata", EN, 2), ("markup-in-metadata", JA, 3)],
    ),
    case(
        "markup-in-metadata passes: ampersands, comparisons and template syntax are text",
        varied(
            {
                EN: EN_FRONT.replace(
                    "Refund a payment", "Fees & statements: 3 < 5, a -> b"
                ).replace("Give money back.", "'{{ 7*7 }} {% raw %} AT&T R&D'")
                + EN_BODY
            }
        ),
        "KB310",
        [],
    ),
    # KB311 unsafe-file-name: articles, images and folders; Japanese names are fine.
    case(
        "unsafe-file-name fails: quote, space, folder with a tag, bidi override",
        varied(
            {
                'docs/en/payments/x"><img src=x onerror=alert(1)>.md': SCHEDULE_EN,
                "docs/en/assets/flow chart.svg": "<svg/>",
                "docs/en/<b>/a.md": SCHEDULE_EN,
                "docs/en/assets/invoice\u202egnp.svg": "<svg/>",
            }
        ),
        "KB311",
        [
            ("unsafe-file-name", "docs/en/<b>/a.md", 1),
            ("unsafe-file-name", "docs/en/assets/flow chart.svg", 1),
            ("unsafe-file-name", "docs/en/assets/invoice\u202egnp.svg", 1),
            ("unsafe-file-name", 'docs/en/payments/x"><img src=x onerror=alert(1)>.md', 1),
        ],
    ),
    case(
        "unsafe-file-name fails: files the web host reads as its configuration",
        varied(
            {
                "docs/en/_redirects": "/*  https://evil.example/ 301!\n",
                "docs/ja/_headers": "/*\n  Content-Security-Policy: default-src *\n",
            }
        ),
        "KB311",
        [
            ("unsafe-file-name", "docs/en/_redirects", 1),
            ("unsafe-file-name", "docs/ja/_headers", 1),
        ],
    ),
    case(
        "unsafe-file-name passes: Japanese names, digits, underscores and dots",
        varied(
            {
                "docs/ja/payments/返金・取消.md": JA_FRONT + JA_BODY,
                "docs/en/assets/flow_v2.1-final.svg": "<svg/>",
                "docs/ja/assets/がぎぐ.svg": "<svg/>",
            }
        ),
        "KB311",
        [],
    ),
]


@pytest.mark.parametrize(("files", "select", "expected", "options"), CASES)
def test_rule(
    tree: Tree,
    files: dict[str, str | bytes],
    select: str,
    expected: list[tuple[str, str, int]],
    options: dict[str, Any],
) -> None:
    project = tree(files, **options)
    result = run_check(project, select=[select])
    assert [(f.rule.value, f.path, f.line) for f in result.findings] == expected


def test_clean_center_has_no_findings(tree: Tree) -> None:
    result = run_check(tree(center()))
    assert result.findings == []
    assert result.summary() == {
        "articles": {"en": 2, "ja": 2},
        "pairs": 2,
        "errors": 0,
        "warnings": 0,
        "infos": 0,
    }


def test_heading_mismatch_names_both_lines(tree: Tree) -> None:
    project = tree(varied({JA: ja_replacing("## 一部返金", "### 一部返金")}))
    [finding] = run_check(project, select=["heading-mismatch"]).findings
    assert finding.line == 13
    assert "(line 12)" in finding.message
    assert "h3 '一部返金'" in finding.message


def test_stale_translation_hint_names_the_commands(tree: Tree) -> None:
    project = tree(varied({JA: JA_FRONT.format(digest="deadbeef0000") + JA_BODY}))
    [finding] = run_check(project, select=["KB103"]).findings
    assert f"kb diff {JA}" in finding.hint
    assert f"kb mark-translated {JA}" in finding.hint
    assert finding.severity is Severity.INFO


def test_unknown_product_suggests_the_closest_id(tree: Tree) -> None:
    project = tree(varied({"docs/en/about.md": "---\nproducts: [payment]\n---\n# About\n"}))
    [finding] = run_check(project, select=["unknown-product"]).findings
    assert finding.hint == "did you mean 'payments'?"


def test_products_rules_are_skipped_without_taxonomy(tree: Tree) -> None:
    files = varied({"products.yml": None, "docs/en/about.md": "---\ntitle: About\n---\n# About\n"})
    result = run_check(tree(files))
    assert {f.rule.family for f in result.findings} <= {"parity", "content"}
    assert result.taxonomy is None


def test_products_mismatch_without_taxonomy_is_a_front_matter_mismatch(tree: Tree) -> None:
    files = varied(
        {"products.yml": None, JA: ja_text(front=JA_FRONT.replace("[payments]", "[payouts]"))}
    )
    findings = run_check(tree(files)).findings
    assert [(f.rule.value, f.line) for f in findings] == [("front-matter-mismatch", 4)]


def test_missing_translation_and_fallback_status(tree: Tree) -> None:
    from kb.check import TranslationStatus

    files = varied(
        {
            JA: None,
            "docs/ja/payouts/schedule.md": JA_FRONT.format(digest="deadbeef0000")
            + "\n# 入金スケジュール\n\n## 祝日\n",
        }
    )
    result = run_check(tree(files))
    assert result.status("ja", "payments/refunds.md") is TranslationStatus.MISSING
    assert result.status("ja", "payouts/schedule.md") is TranslationStatus.STALE
    assert result.status("en", "payments/refunds.md") is TranslationStatus.CURRENT
    assert result.status("ja", "nowhere.md") is None


@pytest.mark.parametrize(
    ("front", "status"),
    [
        (JA_FRONT.replace("source_digest: {digest}\n", ""), "UNTRACKED"),
        (JA_FRONT, "CURRENT"),
    ],
)
def test_translation_status(tree: Tree, front: str, status: str) -> None:
    from kb.check import TranslationStatus

    result = run_check(tree(varied({JA: ja_text(front=front)})))
    assert result.status("ja", "payments/refunds.md") is TranslationStatus[status]


def test_orphan_status(tree: Tree) -> None:
    from kb.check import TranslationStatus

    result = run_check(tree(varied({"docs/ja/extra.md": JA_FRONT + JA_BODY})))
    assert result.status("ja", "extra.md") is TranslationStatus.ORPHAN


@pytest.mark.parametrize(
    "comment",
    ["<!-- kb: ignore[broken-link] -->\n", "<!-- kb: ignore[KB305, stale-translation] -->\n"],
)
def test_suppression_on_the_line_above(tree: Tree, comment: str) -> None:
    body = en_replacing(
        "See [payouts](../payouts/schedule.md#holidays).",
        f"{comment}See [payouts](../payouts/missing.md).",
    )
    assert run_check(tree(varied({EN: body})), select=["KB305"]).findings == []


def test_suppression_on_the_same_line(tree: Tree) -> None:
    body = en_replacing(
        "../payouts/schedule.md#holidays)",
        "../payouts/missing.md) <!-- kb: ignore[broken-link] -->",
    )
    assert run_check(tree(varied({EN: body})), select=["KB305"]).findings == []


def test_suppression_of_another_rule_keeps_the_finding(tree: Tree) -> None:
    body = en_replacing(
        "See [payouts](../payouts/schedule.md#holidays).",
        "<!-- kb: ignore[broken-anchor] -->\nSee [payouts](../payouts/missing.md).",
    )
    assert len(run_check(tree(varied({EN: body})), select=["KB305"]).findings) == 1


def test_configured_severities_apply_and_ignore_drops(tree: Tree) -> None:
    orphan = JA_FRONT.format(digest="deadbeef0000") + JA_BODY
    files = varied({JA: None, "docs/ja/payments/extra.md": orphan})
    project = tree(files, severity={"missing-translation": "error", "KB102": "ignore"})
    findings = run_check(project).findings
    assert [(f.rule.value, f.severity) for f in findings] == [
        ("missing-translation", Severity.ERROR)
    ]


@pytest.mark.parametrize(
    ("select", "ignore", "rules"),
    [
        (["KB10"], ["KB101,KB102", "stale-translation"], {"untracked-translation"}),
        (["parity"], ["KB1"], set()),
        (["untracked-translation", "KB101"], [], {"untracked-translation", "missing-translation"}),
    ],
)
def test_select_and_ignore(
    tree: Tree, select: list[str], ignore: list[str], rules: set[str]
) -> None:
    files = varied(
        {
            "docs/en/payouts/new.md": "---\ntitle: N\nproducts: [payouts]\n---\n# N\n",
            JA: ja_text(front=JA_FRONT.replace("source_digest: {digest}\n", "")),
        }
    )
    result = run_check(tree(files), select=select, ignore=ignore)
    assert {f.rule.value for f in result.findings} == rules


def test_paths_limit_the_check_to_articles_and_their_twins(tree: Tree) -> None:
    from pathlib import Path

    files = varied(
        {
            EN: en_replacing("../payouts/schedule.md", "../payouts/missing.md"),
            SCHEDULE_EN: "---\ntitle: S\n---\n# S\n\n[x](nope.md)\n",
        }
    )
    project = tree(files)
    result = run_check(project, paths=[Path("docs/ja/payments")])
    assert {f.path for f in result.findings} == {EN, JA}
    assert ("broken-link", EN) in {(f.rule.value, f.path) for f in result.findings}
    assert result.summary()["articles"] == {"en": 1, "ja": 1}


def test_suffix_layout_pairs_and_falls_back(tree: Tree) -> None:
    en = "---\ntitle: A\n---\n\n# A\n\n## Fees\n\n[b](b.md#fees) ![x](x.svg)\n"
    ja = (
        "---\ntitle: エー\nsource_digest: " + digest_text(en) + "\n---\n\n# エー\n\n## 料金\n\n"
        "[b](b.md#fees) ![x](x.svg)\n"
    )
    files = {"docs/a.md": en, "docs/a.ja.md": ja, "docs/b.md": en, "docs/x.svg": "<svg/>"}
    result = run_check(tree(files, layout="suffix"))
    assert [(f.rule.value, f.path) for f in result.findings] == [
        ("missing-translation", "docs/b.md")
    ]


def test_files_outside_language_folders_are_not_articles(tree: Tree) -> None:
    result = run_check(tree(varied({"docs/README.md": "# Not an article\n", "docs/fr/x.md": "#"})))
    assert result.findings == []
    assert result.summary()["articles"] == {"en": 2, "ja": 2}
