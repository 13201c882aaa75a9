"""`kb.links.check.check_site` on tiny built sites: every kind of link, each finding exactly."""

from __future__ import annotations

import os
import unicodedata
from typing import TYPE_CHECKING

import pytest

from kb.findings import Rule, Severity
from kb.links.check import _jobs, check_site
from kb.links.config import read_site_config
from kb.links.elements import fragment_exists, parse_srcset
from kb.links.model import LinkConfigError, LinkOptions

from .conftest import BODY_LINE, Checker, as_rows, page, write_tree

if TYPE_CHECKING:
    from pathlib import Path

EN_PAGE = "payments/guide/index.html"
JA_PAGE = "ja/payments/guide/index.html"
JA_GLOSSARY = "%E7%94%A8%E8%AA%9E%E9%9B%86"  # 用語集
JA_HEADING = "%E8%BF%94%E9%87%91%E3%81%AE%E6%89%8B%E9%A0%86"  # 返金の手順


@pytest.mark.parametrize(
    "body",
    [
        '<a href="../refunds/">folder with index.html</a>',
        '<a href="../refunds">folder without the slash</a>',
        '<a href="../refunds/index.html">the file itself</a>',
        '<a href="./">this page</a>',
        '<a href="../../">home</a>',
        '<a href="/">root</a>',
        '<a href="/payments/refunds/">root-relative</a>',
        '<a href="https://help.example.com/payments/refunds/">own site_url</a>',
        '<a href="../refunds/?utm=1#partial-refunds">query string ignored</a>',
        '<a href="../refunds/#partial-refunds">anchor on another page</a>',
        '<a href="#">bare hash</a><a href="#top">top</a>',
        '<a href="#here" id="here">same-page anchor</a>',
        '<a name="old"></a><a href="#old">a[name] target</a>',
        '<input id="__drawer"><a href="#__drawer">Material id in the HTML</a>',
        '<a href="#__code_0">Material JS id</a><a href="#__codelineno-0-2:4">line range</a>',
        '<a href="../refunds/#:~:text=refund">text fragment</a>',
        '<a href="mailto:help@example.com">m</a><a href="tel:+81">t</a>',
        '<a href="../../downloads/fees.pdf">a file</a>',
        '<img src="../../assets/images/logo.png" alt="logo">',
        '<link rel="stylesheet" href="../../assets/stylesheets/main.css">',
        '<script src="../../assets/javascripts/bundle.js"></script>',
        '<img srcset="../../assets/images/logo.png 1x, ../../assets/images/logo.png 2x">',
        '<picture><source srcset="../../assets/images/logo.png" type="image/png"></picture>',
        '<video><source src="../../assets/images/logo.png"></video>',
        '<a href="https://example.org/elsewhere">external, not checked by default</a>',
        '<a href="//cdn.example.org/x.js">protocol-relative, external</a>',
        '<a href="  ../refunds/  ">whitespace around the URL</a>',
    ],
)
def test_good_links_give_no_findings(check_tree: Checker, body: str) -> None:
    report = check_tree({f"site/{EN_PAGE}": page(body)})
    assert as_rows(report.findings) == []


@pytest.mark.parametrize(
    ("body", "head"),
    [
        ('<a href="javascript:void(0)">js</a>', ""),
        ('<a href="data:text/html,x">data</a>', ""),
        ('<a href="jav&#x61;script:alert(1)">encoded</a>', ""),
        ("<script>alert(1)</script>", ""),
        ('<img src="x.png" onerror="alert(1)">', ""),
        ("", '<base href="https://evil.example/">'),
        ("", '<meta http-equiv="refresh" content="0;url=https://evil.example/">'),
        ("", '<script src="https://evil.example/x.js"></script>'),
        ('<iframe src="https://evil.example/"></iframe>', ""),
        ('<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>', ""),
    ],
)
def test_markup_outside_the_output_allowlist_is_unsafe_html(
    check_tree: Checker, body: str, head: str
) -> None:
    report = check_tree({f"site/{EN_PAGE}": page(body, head=head)})
    rows = [row for row in as_rows(report.findings) if row[0] == "unsafe-html"]
    assert rows, report.findings
    assert all(row[1] == EN_PAGE for row in rows)


def test_inline_scripts_the_site_policy_lists_are_allowed(check_tree: Checker) -> None:
    from kb.csp import content_security_policy, headers_file
    from kb.html_policy import script_hash

    theme = "var theme = 1;"
    policy = content_security_policy([script_hash(theme)])
    report = check_tree(
        {
            f"site/{EN_PAGE}": page(f"<script>{theme}</script><script>var other = 2;</script>"),
            "site/_headers": headers_file(policy),
        }
    )
    rows = [f.message for f in report.findings if f.rule.value == "unsafe-html"]
    assert rows == ["inline <script> that is none of the theme's own scripts"]


def test_an_allowed_embed_is_no_finding(check_tree: Checker) -> None:
    embed = '<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>'
    allowed = check_tree(
        {f"site/{EN_PAGE}": page(embed)},
        embed_allowlist=("https://www.youtube-nocookie.com/embed/",),
    )
    assert as_rows(allowed.findings) == []


@pytest.mark.parametrize(
    "body",
    [
        f'<a href="../../{JA_GLOSSARY}/#{JA_HEADING}">percent-encoded</a>',
        '<a href="../../用語集/#返金の手順">raw Japanese</a>',
        f'<a href="/ja/{JA_GLOSSARY}/">root-relative, encoded</a>',
        '<img src="../../../assets/images/logo.png">',  # shared assets are not cross-language
        '<a href="../refunds/#partial-refunds">same language</a>',
    ],
)
def test_good_japanese_links_give_no_findings(check_tree: Checker, body: str) -> None:
    report = check_tree({f"site/{JA_PAGE}": page(body, lang="ja")})
    assert as_rows(report.findings) == []


SITE_PAGE = f"site/{EN_PAGE}"


@pytest.mark.parametrize(
    ("body", "rule", "message"),
    [
        ('<a href="../nope/">x</a>', "broken-link", "payments/nope/ does not exist"),
        ('<a href="../empty/">x</a>', "broken-link", "payments/empty/ does not exist"),
        ('<a href="../refunds.md">x</a>', "broken-link", "payments/refunds.md does not exist"),
        ('<a href="/nope/">x</a>', "broken-link", "nope/ does not exist"),
        ('<a href="https://help.example.com/nope/">x</a>', "broken-link", "nope/ does not"),
        ('<a href="../../../../x/">x</a>', "broken-link", "points outside the site"),
        ('<a href="#nope">x</a>', "broken-anchor", "no id 'nope' on this page"),
        (
            '<a href="../refunds/#nope">x</a>',
            "broken-anchor",
            "no id 'nope' in payments/refunds/index.html",
        ),
        ('<a href="#__bogus">x</a>', "broken-anchor", "no id '__bogus'"),
        ('<img src="../../assets/nope.png">', "missing-asset", "image '../../assets/nope.png'"),
        (
            '<link rel="stylesheet" href="../../assets/nope.css">',
            "missing-asset",
            "assets/nope.css does not exist",
        ),
        ('<script src="../../assets/nope.js"></script>', "missing-asset", "script"),
        (
            '<img srcset="../../assets/images/logo.png 1x, ../../assets/big.png 2x">',
            "missing-asset",
            "assets/big.png does not exist",
        ),
        ('<picture><source srcset="../../a.webp"></picture>', "missing-asset", "media source"),
        ('<a href="../../downloads/nope.pdf">x</a>', "missing-asset", "downloads/nope.pdf"),
        ('<link rel="canonical" href="../nope/">', "broken-link", "payments/nope/"),
        (
            '<a href="../../ja/payments/refunds/">x</a>',
            "cross-language-link",
            "en page links to the ja page ja/payments/refunds/",
        ),
    ],
)
def test_each_broken_reference_gives_one_finding(
    check_tree: Checker, body: str, rule: str, message: str
) -> None:
    report = check_tree({SITE_PAGE: page(body)})
    assert as_rows(report.findings) == [(rule, EN_PAGE, SITE_PAGE, BODY_LINE)]
    assert message in report.findings[0].message
    assert report.findings[0].language == "en"
    assert report.findings[0].severity is Severity.ERROR


def test_decomposed_japanese_file_name_matches_a_composed_link(check_tree: Checker) -> None:
    decomposed = unicodedata.normalize("NFD", "ガイド")  # as macOS writes names
    assert decomposed != "ガイド"
    report = check_tree(
        {
            f"site/ja/{decomposed}/index.html": page("", lang="ja"),
            f"site/{JA_PAGE}": page(
                '<a href="../../%E3%82%AC%E3%82%A4%E3%83%89/">x</a>', lang="ja"
            ),
        }
    )
    assert as_rows(report.findings) == []


def test_japanese_fragment_is_percent_decoded_in_the_message(check_tree: Checker) -> None:
    missing = "%E3%81%AA%E3%81%84"  # ない
    report = check_tree(
        {f"site/{JA_PAGE}": page(f'<a href="../../{JA_GLOSSARY}/#{missing}">x</a>', lang="ja")}
    )
    assert as_rows(report.findings) == [("broken-anchor", JA_PAGE, f"site/{JA_PAGE}", BODY_LINE)]
    assert "no id 'ない' in ja/用語集/index.html" in report.findings[0].message


def test_missing_japanese_file_name(check_tree: Checker) -> None:
    report = check_tree({f"site/{JA_PAGE}": page('<a href="../../用語/">x</a>', lang="ja")})
    assert as_rows(report.findings) == [("broken-link", JA_PAGE, f"site/{JA_PAGE}", BODY_LINE)]
    assert "ja/用語/ does not exist" in report.findings[0].message


def test_line_is_the_elements_line_in_the_html(check_tree: Checker) -> None:
    body = '<p>one</p>\n<p>two</p>\n<p><a href="../nope/">x</a></p>\n<img src="../../none.png">'
    report = check_tree({SITE_PAGE: page(body)})
    assert as_rows(report.findings) == [
        ("broken-link", EN_PAGE, SITE_PAGE, BODY_LINE + 2),
        ("missing-asset", EN_PAGE, SITE_PAGE, BODY_LINE + 3),
    ]


def test_stylesheet_url_to_a_missing_font(check_tree: Checker) -> None:
    css = (
        "body { color: red }\n/* url(ignored.woff2) */\n"
        "@font-face {\n  src: url('../fonts/x.woff2');\n}\n"
    )
    report = check_tree(
        {
            "site/assets/stylesheets/kb.css": css,
            "site/assets/stylesheets/ok.css": 'a { background: url("../images/logo.png") }',
        }
    )
    assert as_rows(report.findings) == [
        ("missing-asset", "assets/stylesheets/kb.css", "site/assets/stylesheets/kb.css", 4)
    ]
    assert "assets/fonts/x.woff2 does not exist" in report.findings[0].message


class TestCrossLanguage:
    """A page of one language linking to an article of another, and the intended exceptions."""

    def test_japanese_page_linking_to_an_english_article(self, check_tree: Checker) -> None:
        report = check_tree(
            {f"site/{JA_PAGE}": page('<a href="../../../payments/refunds/">返金</a>', lang="ja")}
        )
        assert as_rows(report.findings) == [
            ("cross-language-link", JA_PAGE, f"site/{JA_PAGE}", BODY_LINE)
        ]
        finding = report.findings[0]
        assert finding.message.startswith("ja page links to the en page payments/refunds/")
        assert "ja/payments/refunds/" in finding.hint
        assert finding.language == "ja"

    @pytest.mark.parametrize(
        "body",
        [
            '<a class="md-select__link" href="../../../payments/refunds/">English</a>',
            '<div class="md-select"><a href="../../../payments/refunds/">English</a></div>',
            '<a hreflang="en" href="../../../payments/refunds/">English</a>',
            '<a lang="en" href="../../../payments/refunds/">Read in English</a>',
            '<p lang="en">See <a href="../../../payments/refunds/">the status page</a></p>',
            '<div lang="en" class="kb-fallback-content"><a href="../../../">home</a></div>',
        ],
    )
    def test_intended_links_in_the_body(self, check_tree: Checker, body: str) -> None:
        report = check_tree({f"site/{JA_PAGE}": page(body, lang="ja")})
        assert as_rows(report.findings) == []

    @pytest.mark.parametrize(
        "head",
        [
            '<link rel="alternate" hreflang="en" href="../../../payments/refunds/">',
            '<link rel="canonical" href="https://help.example.com/payments/refunds/">',
            '<link rel="alternate" href="../../../payments/refunds/">',
        ],
    )
    def test_alternate_and_canonical(self, check_tree: Checker, head: str) -> None:
        report = check_tree({f"site/{JA_PAGE}": page("", lang="ja", head=head)})
        assert as_rows(report.findings) == []

    def test_a_lang_of_the_same_language_is_no_exception(self, check_tree: Checker) -> None:
        body = '<p lang="ja-JP"><a href="../../../payments/refunds/">返金</a></p>'
        report = check_tree({f"site/{JA_PAGE}": page(body, lang="ja")})
        assert [f.rule for f in report.findings] == [Rule.CROSS_LANGUAGE_LINK]

    @pytest.mark.parametrize("prefix", ["payments/", "/payments/refunds/", "../../../payments/"])
    def test_allowlist(self, check_tree: Checker, prefix: str) -> None:
        body = '<a href="../../../payments/refunds/">English</a>'
        report = check_tree(
            {f"site/{JA_PAGE}": page(body, lang="ja")}, cross_language_allowlist=(prefix,)
        )
        assert as_rows(report.findings) == []

    def test_allowlist_does_not_cover_other_pages(self, check_tree: Checker) -> None:
        body = '<a href="../../../payments/refunds/">English</a>'
        report = check_tree(
            {f"site/{JA_PAGE}": page(body, lang="ja")}, cross_language_allowlist=("legal/",)
        )
        assert [f.rule for f in report.findings] == [Rule.CROSS_LANGUAGE_LINK]

    def test_a_link_to_the_other_languages_asset_folder_is_not_flagged(
        self, check_tree: Checker
    ) -> None:
        report = check_tree(
            {
                "site/ja/assets/diagram.svg": "<svg/>",
                SITE_PAGE: page('<img src="../../ja/assets/diagram.svg">'),
            }
        )
        assert as_rows(report.findings) == []

    def test_html_in_a_shared_folder_is_not_an_article(self, check_tree: Checker) -> None:
        report = check_tree(
            {
                "site/ja/assets/demo/index.html": page("", lang="ja"),
                SITE_PAGE: page('<a href="../../ja/assets/demo/">demo</a>'),
            }
        )
        assert as_rows(report.findings) == []

    def test_a_configured_folder_without_index_is_no_language(self, check_tree: Checker) -> None:
        report = check_tree(
            {
                "site/fr/notes/index.html": page("", lang="fr"),
                SITE_PAGE: page('<a href="../../fr/notes/">notes</a>'),
            },
            languages=("en", "ja", "fr"),
        )
        assert as_rows(report.findings) == []
        assert report.languages == ("en", "ja")

    def test_a_third_language_folder(self, check_tree: Checker) -> None:
        report = check_tree(
            {
                "site/fr/payments/refunds/index.html": page(HEADINGS_FR, lang="fr"),
                "site/fr/index.html": page("", lang="fr"),
                SITE_PAGE: page('<a href="../../fr/payments/refunds/">fr</a>'),
            },
            languages=("en", "ja", "fr"),
        )
        assert as_rows(report.findings) == [("cross-language-link", EN_PAGE, SITE_PAGE, BODY_LINE)]


HEADINGS_FR = '<h1 id="refunds">Remboursements</h1>'


class TestSourceTracing:
    """Findings name the article and line that produced the page when they can."""

    def test_japanese_page_traces_to_its_article(self, check_tree: Checker) -> None:
        markdown = "# ガイド\n\n本文。\n\n詳しくは[返金](../payouts/schedule.md)を参照。\n"
        report = check_tree(
            {
                f"site/{JA_PAGE}": page(
                    '<p>詳しくは<a href="../../payouts/schedule/">返金</a></p>'
                ),
                "docs/ja/payments/guide.md": markdown,
            }
        )
        assert as_rows(report.findings) == [
            ("broken-link", JA_PAGE, "docs/ja/payments/guide.md", 5)
        ]
        assert report.findings[0].language == "ja"

    def test_fallback_page_traces_to_the_english_article(self, check_tree: Checker) -> None:
        body = (
            '<div class="kb-notice">この記事は翻訳されていません</div>\n'
            '<div lang="en" class="kb-fallback-content">\n'
            '<p>See <a href="../../payouts/schedule/">Payout schedule</a>.</p>\n'
            "</div>"
        )
        markdown = "# Guide\n\nIntro.\n\nSee [Payout schedule](../payouts/schedule.md).\n"
        report = check_tree(
            {
                f"site/{JA_PAGE}": page(body, lang="ja"),
                "docs/en/payments/guide.md": markdown,
                "docs/ja/payments/guide.md": "# 古い翻訳\n\n[入金](../payouts/schedule.md)\n",
            }
        )
        assert as_rows(report.findings) == [
            ("broken-link", JA_PAGE, "docs/en/payments/guide.md", 5)
        ]
        assert report.findings[0].language == "en"

    def test_stock_fallback_without_the_marker_uses_the_english_article(
        self, check_tree: Checker
    ) -> None:
        report = check_tree(
            {
                f"site/{JA_PAGE}": page('<a href="../../payouts/schedule/">Payouts</a>', lang="ja"),
                "docs/en/payments/guide.md": "# Guide\n\n[Payouts](../payouts/schedule.md)\n",
            }
        )
        assert as_rows(report.findings) == [
            ("broken-link", JA_PAGE, "docs/en/payments/guide.md", 3)
        ]

    def test_fragment_is_the_needle_of_a_broken_anchor(self, check_tree: Checker) -> None:
        markdown = "# Guide\n\n[Refunds](refunds.md)\n\n[Partial](refunds.md#partial)\n"
        report = check_tree(
            {
                SITE_PAGE: page('<a href="../refunds/">R</a><a href="../refunds/#partial">P</a>'),
                "docs/en/payments/guide.md": markdown,
            }
        )
        assert as_rows(report.findings) == [
            ("broken-anchor", EN_PAGE, "docs/en/payments/guide.md", 5)
        ]

    def test_link_text_is_the_needle_when_the_path_differs(self, check_tree: Checker) -> None:
        markdown = "# Guide\n\nRead [the fee table][fees].\n\n[fees]: ../billing/t.md\n"
        report = check_tree(
            {
                SITE_PAGE: page('<a href="../../x/">the fee table</a>'),
                "docs/en/payments/guide.md": markdown,
            }
        )
        assert as_rows(report.findings) == [
            ("broken-link", EN_PAGE, "docs/en/payments/guide.md", 3)
        ]

    def test_theme_chrome_that_the_article_does_not_mention(self, check_tree: Checker) -> None:
        body = '<nav>\n<a href="../../old-section/">Old section</a>\n</nav>'
        report = check_tree(
            {SITE_PAGE: page(body), "docs/en/payments/guide.md": "# Guide\n\nNothing.\n"}
        )
        assert as_rows(report.findings) == [("broken-link", EN_PAGE, SITE_PAGE, BODY_LINE + 1)]

    def test_home_page_traces_to_index_md(self, check_tree: Checker) -> None:
        report = check_tree(
            {
                "site/ja/index.html": page('<a href="nope/">ない</a>', lang="ja"),
                "docs/ja/index.md": "# ホーム\n\n[ない](nope.md)\n",
            }
        )
        assert as_rows(report.findings) == [("broken-link", "ja/index.html", "docs/ja/index.md", 3)]

    def test_suffix_layout(self, check_tree: Checker, tmp_path: Path) -> None:
        write_tree(tmp_path, {"flat/payments/guide.ja.md": "# ガイド\n\n[x](nope.md)\n"})
        report = check_tree(
            {f"site/{JA_PAGE}": page('<a href="../nope/">x</a>', lang="ja")},
            docs_dir=tmp_path / "flat",
            layout="suffix",
        )
        assert as_rows(report.findings) == [
            ("broken-link", JA_PAGE, "flat/payments/guide.ja.md", 3)
        ]


def test_each_broken_target_is_reported_once_per_page(check_tree: Checker) -> None:
    nav = '<nav><a href="../../gone/">Gone</a>\n<a href="/gone/">Gone</a></nav>'
    body = f'{nav}\n<article><a href="../../gone/">Gone</a><a href="#x">x</a><a href="#x">x</a>'
    report = check_tree({SITE_PAGE: page(body), "site/payments/other/index.html": page(nav)})
    assert as_rows(report.findings) == [
        ("broken-link", EN_PAGE, SITE_PAGE, BODY_LINE),
        ("broken-anchor", EN_PAGE, SITE_PAGE, BODY_LINE + 2),
        ("broken-link", "payments/other/index.html", "site/payments/other/index.html", 5),
    ]


def test_base_path(check_tree: Checker) -> None:
    body = '<a href="/help/payments/refunds/">ok</a><a href="/help">ok</a>\n<a href="/x/">out</a>'
    report = check_tree({SITE_PAGE: page(body)}, base_path="/help/", site_url="https://e.com/help/")
    assert as_rows(report.findings) == [("broken-link", EN_PAGE, SITE_PAGE, BODY_LINE + 1)]
    assert "outside the base path /help/" in report.findings[0].message


def test_severity_override_and_ignore(check_tree: Checker) -> None:
    body = '<a href="../../ja/payments/refunds/">ja</a><a href="../nope/">x</a>'
    report = check_tree(
        {SITE_PAGE: page(body)},
        severities={Rule.CROSS_LANGUAGE_LINK: Severity.WARNING, Rule.BROKEN_LINK: Severity.IGNORE},
    )
    assert [(f.rule, f.severity) for f in report.findings] == [
        (Rule.CROSS_LANGUAGE_LINK, Severity.WARNING)
    ]


def test_counts(check_tree: Checker) -> None:
    body = '<a href="../refunds/">a</a><a href="mailto:x@example.com">m</a><img src="x.png">'
    report = check_tree({SITE_PAGE: page(body)})
    assert report.pages == 6
    assert report.links == 2  # the link and the image; mailto: is not checked


def test_worker_processes_give_the_same_findings(check_tree: Checker) -> None:
    files: dict[str, str | bytes] = {}
    for number in range(40):
        files[f"site/payments/p{number}/index.html"] = page(
            f'<a href="../p{number + 1}/#top">next</a><a href="../refunds/#nope{number % 3}">r</a>'
        )
    serial = check_tree(files)
    parallel = check_tree(files, jobs=2)
    assert as_rows(parallel.findings) == as_rows(serial.findings)
    assert len(serial.findings) == 41  # 40 broken anchors, and p39 -> p40 does not exist
    assert (parallel.pages, parallel.links) == (serial.pages, serial.links)


@pytest.mark.parametrize(
    ("requested", "pages", "busy", "expected"),
    [
        (3, 10, 0, 3),
        (0, 299, 0, 1),
        (0, 2000, 99, 1),
        (0, 2000, 0, min(len(os.sched_getaffinity(0)), 8)),
    ],
)
def test_worker_count(requested: int, pages: int, busy: int, expected: int) -> None:
    assert _jobs(requested, pages, busy) == expected


def test_external_links_are_collected_once_per_page(check_tree: Checker) -> None:
    body = (
        '<a href="https://example.org/a#x">A</a><a href="https://example.org/a">A again</a>'
        '<img src="https://cdn.example.org/i.png" alt="pic">'
        '<link rel="preconnect" href="https://fonts.example.org">'
    )
    report = check_tree(
        {SITE_PAGE: page(body), "site/payments/two/index.html": page(body)},
        collect_external=True,
    )
    # An image and a preconnect to another host are outside the output allowlist (the site's
    # Content-Security-Policy would block them); their URLs are still collected.
    assert {(f.rule.value, f.page) for f in report.findings} == {
        ("unsafe-html", EN_PAGE),
        ("unsafe-html", "payments/two/index.html"),
    }
    assert list(report.external) == ["https://cdn.example.org/i.png", "https://example.org/a"]
    assert "https://fonts.example.org" not in report.external  # preconnect is no link
    sources = report.external["https://example.org/a"]
    assert [(s.page, s.url, s.text) for s in sources] == [
        (EN_PAGE, "https://example.org/a#x", "A"),
        ("payments/two/index.html", "https://example.org/a#x", "A"),
    ]


class TestRobustness:
    """Bad input gives a finding or a notice, never a crash or a hang."""

    def test_malformed_html(self, check_tree: Checker) -> None:
        body = (
            '<div><p><a href="../nope/">unclosed <b>bold\n'
            "<table><tr><td></div></span></p>&bogus; <<<>>> <a href='../refunds/'>ok\n"
            '<img src="../../none.png" <b></p></p></html><a href="../nope/">again</a>'
        )
        report = check_tree({SITE_PAGE: page(body)})
        assert as_rows(report.findings) == [
            ("broken-link", EN_PAGE, SITE_PAGE, BODY_LINE),
            # `<img ... <b>` gives the image an attribute named `<b`: outside the allowlist.
            ("unsafe-html", EN_PAGE, SITE_PAGE, BODY_LINE + 2),
            ("missing-asset", EN_PAGE, SITE_PAGE, BODY_LINE + 2),
        ]

    def test_non_utf8_bytes(self, check_tree: Checker) -> None:
        html = page('<p>caf\xe9</p>\n<a href="../nope/">x</a>').replace("\xe9", "@@")
        data = html.encode("utf-8").replace(b"@@", b"\xe9")
        report = check_tree({SITE_PAGE: data})
        assert as_rows(report.findings) == [
            ("invalid-encoding", EN_PAGE, SITE_PAGE, BODY_LINE),
            ("broken-link", EN_PAGE, SITE_PAGE, BODY_LINE + 1),
        ]
        assert "byte 0xe9" in report.findings[0].message

    def test_oversized_page_is_skipped_and_reported(
        self, check_tree: Checker, tmp_path: Path
    ) -> None:
        big = tmp_path / "site/payments/big/index.html"
        big.parent.mkdir(parents=True)
        with big.open("wb") as handle:  # 50 MB, sparse: nothing is really written
            handle.write(b"<html><body>")
            handle.truncate(50 * 1024 * 1024)
        report = check_tree({SITE_PAGE: page('<a href="../big/#anything">big</a>')})
        assert as_rows(report.findings) == [
            ("unreadable-page", "payments/big/index.html", "site/payments/big/index.html", 1)
        ]
        assert "file is 50.0 MB, over the 20 MB limit" in report.findings[0].message

    def test_page_size_limit_is_an_option(self, check_tree: Checker) -> None:
        report = check_tree(
            {SITE_PAGE: page("x" * 5000), "site/assets/big.css": "a{}" * 2000},
            max_page_bytes=4096,
        )
        assert as_rows(report.findings) == [
            ("unreadable-page", "assets/big.css", "site/assets/big.css", 1),
            ("unreadable-page", EN_PAGE, SITE_PAGE, 1),
        ]

    def test_symlink_loops_are_unsafe_and_never_followed(
        self, check_tree: Checker, tmp_path: Path
    ) -> None:
        (tmp_path / "site/payments").mkdir(parents=True)
        os.symlink("..", tmp_path / "site/payments/loop")
        os.symlink(".", tmp_path / "site/self")
        report = check_tree({SITE_PAGE: page('<a href="../loop/payments/refunds/">loop</a>')})
        assert as_rows(report.findings) == [
            ("broken-link", EN_PAGE, SITE_PAGE, BODY_LINE),
            ("unsafe-symlink", "payments/loop", "site/payments/loop", 1),
            ("unsafe-symlink", "self", "site/self", 1),
        ]
        assert report.findings[1].message == (
            "symlink payments/loop -> .. loops back to a folder that holds it (the site folder):"
            " not followed"
        )
        assert report.pages == 6

    def test_symlinks_out_of_the_site_are_unsafe_and_never_read(
        self, check_tree: Checker, tmp_path: Path
    ) -> None:
        secret = tmp_path / "secret.html"
        secret.write_text(page('<a href="https://evil.example/">x</a><a href="nope/">y</a>'))
        (tmp_path / "outside").mkdir()
        (tmp_path / "site/assets").mkdir(parents=True)
        os.symlink("/proc/self/environ", tmp_path / "site/assets/env.txt")
        os.symlink(secret, tmp_path / "site/secret.html")
        os.symlink(tmp_path / "outside", tmp_path / "site/shared")
        report = check_tree({SITE_PAGE: page('<a href="../../assets/env.txt">env</a>')})
        rows = as_rows(report.findings)
        assert ("unsafe-symlink", "assets/env.txt", "site/assets/env.txt", 1) in rows
        assert ("unsafe-symlink", "secret.html", "site/secret.html", 1) in rows
        assert ("unsafe-symlink", "shared", "site/shared", 1) in rows
        assert ("missing-asset", EN_PAGE, SITE_PAGE, BODY_LINE) in rows  # never published
        assert all(
            f.page != "secret.html" or f.rule.value == "unsafe-symlink" for f in report.findings
        )
        assert report.pages == 6  # the 5 of the base site and the guide: secret.html unread

    def test_symlinks_inside_the_site_keep_working(
        self, check_tree: Checker, tmp_path: Path
    ) -> None:
        (tmp_path / "site/help").mkdir(parents=True)
        os.symlink("../payments", tmp_path / "site/help/payments")
        os.symlink("../assets/images/logo.png", tmp_path / "site/help/logo.png")
        body = (
            '<a href="../../help/payments/refunds/#partial-refunds">x</a>'
            '<img src="../../help/logo.png">'
        )
        report = check_tree({SITE_PAGE: page(body)})
        assert report.findings == []

    def test_broken_symlink_and_special_files(self, check_tree: Checker, tmp_path: Path) -> None:
        (tmp_path / "site").mkdir()
        os.symlink("nowhere.png", tmp_path / "site/dangling.png")
        os.mkfifo(tmp_path / "site/pipe.html")  # reading a FIFO would block forever
        report = check_tree({SITE_PAGE: page('<img src="../../dangling.png">')})
        assert as_rows(report.findings) == [("missing-asset", EN_PAGE, SITE_PAGE, BODY_LINE)]
        assert "dangling.png is a broken symlink: treated as missing" in report.notices
        assert "pipe.html is not a regular file: skipped" in report.notices

    def test_unreadable_page(self, check_tree: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
        import kb.links.scan

        real = kb.links.scan._read_page

        def deny(path: str) -> bytes:
            if path.endswith("refunds/index.html"):
                raise PermissionError(13, "Permission denied", path)
            return real(path)

        monkeypatch.setattr(kb.links.scan, "_read_page", deny)
        report = check_tree({SITE_PAGE: page('<a href="../refunds/#nope">x</a>')})
        assert as_rows(report.findings) == [
            (
                "unreadable-page",
                "ja/payments/refunds/index.html",
                "site/ja/payments/refunds/index.html",
                1,
            ),
            (
                "unreadable-page",
                "payments/refunds/index.html",
                "site/payments/refunds/index.html",
                1,
            ),
        ]
        assert "file cannot be read (Permission denied)" in report.findings[0].message

    @pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
    def test_unreadable_page_by_mode(self, check_tree: Checker, tmp_path: Path) -> None:
        target = tmp_path / "site/payments/secret/index.html"
        write_tree(tmp_path, {"site/payments/secret/index.html": page()})
        target.chmod(0)
        try:
            report = check_tree()
        finally:
            target.chmod(0o644)
        assert [(f.rule, f.page) for f in report.findings] == [
            (Rule.UNREADABLE_PAGE, "payments/secret/index.html")
        ]

    def test_missing_site_dir(self, tmp_path: Path) -> None:
        with pytest.raises(LinkConfigError, match="build the site first"):
            check_site(LinkOptions(site_dir=tmp_path / "nope"))


@pytest.mark.parametrize(
    ("srcset", "urls"),
    [
        ("a.png", ["a.png"]),
        ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
        ("a.png 100w,b.png 200w", ["a.png", "b.png"]),
        ("  a,b.png 1x ,  c.png  ", ["a,b.png", "c.png"]),
        ("a.png,", ["a.png"]),
        ("", []),
    ],
)
def test_parse_srcset(srcset: str, urls: list[str]) -> None:
    assert parse_srcset(srcset) == urls


@pytest.mark.parametrize(
    ("fragment", "exists"),
    [
        ("", True),
        ("top", True),
        ("TOP", True),
        ("intro", True),
        ("%E8%BF%94%E9%87%91", True),
        ("__code_3", True),
        ("__code_3_annotation_2", True),
        ("__codelineno-0-2:5", True),
        ("intro:~:text=hello", True),
        ("outro", False),
        ("__search", False),
        ("__codelineno-0-2", False),
    ],
)
def test_fragment_exists(fragment: str, exists: bool) -> None:
    assert fragment_exists(fragment, {"intro", "返金"}) is exists


class TestSiteConfig:
    """What `kb links` reads from mkdocs.yml."""

    def test_reads_languages_site_url_allowlist_and_severity(self, tmp_path: Path) -> None:
        write_tree(
            tmp_path,
            {
                "base.yml": "site_url: https://help.example.com/support/\n",
                "mkdocs.yml": (
                    "INHERIT: base.yml\n"
                    "site_dir: public\n"
                    "docs_dir: content\n"
                    "plugins:\n"
                    "  - search\n"
                    "  - i18n:\n"
                    "      docs_structure: folder\n"
                    "      languages:\n"
                    "        - {locale: ja, name: 日本語}\n"
                    "        - {locale: en, default: true, name: English}\n"
                    "  - kb:\n"
                    "      severity: {cross-language-link: warning, KB309: error}\n"
                    "      links:\n"
                    "        cross_language_allowlist: [ja/legal/]\n"
                    "markdown_extensions:\n"
                    "  - pymdownx.emoji:\n"
                    "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                ),
            },
        )
        config = read_site_config(tmp_path / "mkdocs.yml")
        assert config.site_dir == tmp_path / "public"
        assert config.docs_dir == tmp_path / "content"
        assert config.site_url == "https://help.example.com/support/"
        assert config.languages == ("en", "ja")
        assert config.layout == "folder"
        assert config.cross_language_allowlist == ("ja/legal/",)
        assert config.severities == {
            Rule.CROSS_LANGUAGE_LINK: Severity.WARNING,
            Rule.EXTERNAL_LINK: Severity.ERROR,
        }

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("site_name: [unclosed\n", r"mkdocs.yml:\d: did not find"),
            ("- a list\n", "must be a mapping"),
            ("plugins: {kb: {links: {cross_language_allowlist: 3}}}\n", "list of URL prefixes"),
            ("plugins: {kb: {severity: {nope: error}}}\n", "unknown rule 'nope'"),
            ("plugins: {kb: {severity: {broken-link: loud}}}\n", "severity 'loud'"),
            ("site_url: 3\n", "site_url must be a string"),
        ],
    )
    def test_invalid_configuration(self, tmp_path: Path, text: str, message: str) -> None:
        (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
        with pytest.raises(LinkConfigError, match=message):
            read_site_config(tmp_path / "mkdocs.yml")
