"""Search terms, the index copy of a page, Pagefind's run, and the golden query set's shape."""

from __future__ import annotations

import stat
import unicodedata
from pathlib import Path

import pytest
import yaml

from kb.site.search_box import search_box_settings
from kb.site.search_index import (
    PreparedCopies,
    SearchIndexError,
    build_search_index,
    index_copy,
    page_language,
)
from kb.site.search_text import segment, segment_keeping_edges
from kb.taxonomy import Product

REPO = Path(__file__).resolve().parents[2]
GOLDEN = yaml.safe_load((REPO / "tests" / "search_queries.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("返金", "返金"),
        ("手数料", "手数 数料"),
        ("振込手数料", "振込 込手 手数 数料"),
        ("年", "年"),
        ("2023年10月", "2023 年 10 月"),
        ("1,500円", "1,500 円"),
        ("１，５００円", "1,500 円"),
        ("３Ｄセキュア", "3D セキ キュ ュア"),
        ("ｺﾝﾋﾞﾆ", "コン ンビ ビニ"),
        ("APIキー", "API キー"),
        ("60〜75日", "60 〜 75 日"),
        ("登録・変更", "登録 ・ 変更"),
        ("「返金」する。", "「 返金 」 する 。"),
        ("TsubamePay の 請求書", "TsubamePay の 請求 求書"),
        ("Refund a payment", "Refund a payment"),
        ("  ", ""),
    ],
)
def test_segment_cuts_han_and_kana_into_bigrams_and_keeps_ascii_whole(
    text: str, terms: str
) -> None:
    assert segment(text) == terms


def test_a_compound_holds_the_terms_of_its_parts() -> None:
    compound = segment("振込手数料").split()
    assert all(term in compound for term in segment("手数料").split())


@pytest.mark.parametrize(
    ("text", "kept"),
    [(" 返金 ", " 返金 "), ("返金\n", "返金 "), ("\n", " "), ("", ""), ("a", "a")],
)
def test_text_nodes_keep_their_edges(text: str, kept: str) -> None:
    assert segment_keeping_edges(text) == kept


JA_PAGE = (
    '<html lang="ja"><head><title>返金</title><script>var q = "返金";</script></head><body>'
    '<div data-pagefind-body><h2 id="timing">返金の時期<a class="headerlink" href="#timing">¶</a>'
    "</h2><p><strong>返金</strong>する。<code>amount</code>を省略</p>"
    '<p><a class="kb-chip" data-pagefind-filter="product:payments" href="x">カード決済</a></p>'
    '<p><span id="keep">振込</span>手数料</p></div></body></html>'
)


def test_a_japanese_page_is_copied_as_bigrams_without_inline_tags() -> None:
    copy = index_copy(JA_PAGE, "ja")
    assert '<h2 id="timing">返金 金の の時 時期 </h2> 。 ' in copy
    assert "<p>返金 金す する 。 amount を省 省略 。</p>" in copy
    assert 'data-pagefind-filter="product:payments" href="x">カー ード ド決 決済</a>' in copy
    assert '<span id="keep">振込</span>手数 数料' in copy
    assert '<script>var q = "返金";</script>' in copy
    assert "<title>返金</title>" in copy


def test_a_block_ending_in_japanese_ends_with_a_full_stop_of_its_own() -> None:
    # Pagefind would end `<h1>…する</h1>` with "." glued to the last term (`する.`), which
    # excerpts show as `返金すする`: kb ends the block itself (outside a heading, whose text
    # Pagefind keeps as the section's title; inside other blocks, which may be ignored).
    page = (
        '<h1 id="r">決済を返金する</h1><p>オンラインの<strong>決済</strong></p>'
        "<ul><li><p>項目</p></li></ul><p>API</p><p>終わりです。</p><h2>Webhook</h2>"
    )
    copy = index_copy(page, "ja")
    assert copy == (
        '<h1 id="r">決済 済を を返 返金 金す する </h1> 。 '
        "<p>オン ンラ ライ イン ンの の決 決済 。</p>"
        "<ul><li><p>項目 。</p></li></ul><p>API</p><p>終わ わり りで です 。</p><h2>Webhook</h2>"
    )


def test_an_english_page_loses_only_its_permalinks() -> None:
    page = '<html lang="en"><body><h2 id="a">Refunds<a class="headerlink" href="#a">¶</a></h2>'
    assert index_copy(page + "<p><strong>Re</strong>fund</p>", "en") == (
        '<html lang="en"><body><h2 id="a">Refunds</h2><p><strong>Re</strong>fund</p>'
    )


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ('<html lang="ja">', "ja"),
        ('<html class="x" lang="en-US" dir="ltr">', "en-US"),
        ("<p>", None),
    ],
)
def test_page_language_reads_html_lang(html: str, language: str | None) -> None:
    assert page_language(html) == language


def site_with_pages(root: Path) -> Path:
    site = root / "site"
    (site / "ja" / "refunds").mkdir(parents=True)
    (site / "refunds").mkdir(parents=True)
    (site / "ja" / "refunds" / "index.html").write_text(
        '<html lang="ja"><body><main data-pagefind-body><h1>返金</h1><p>振込手数料は1,500円</p>'
        "</main></body></html>",
        encoding="utf-8",
    )
    (site / "refunds" / "index.html").write_text(
        '<html lang="en"><body><main data-pagefind-body><h1>Refunds</h1></main></body></html>',
        encoding="utf-8",
    )
    (site / "index.html").write_text('<html lang="en"><body>Home</body></html>', "utf-8")
    return site


def test_build_search_index_writes_one_index_per_language(tmp_path: Path) -> None:
    site = site_with_pages(tmp_path)
    result = build_search_index(site)
    assert result.pages == {"en": 1, "ja": 1}
    assert result.bundle == site / "pagefind"
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert len(list((site / "pagefind").glob("pagefind.ja_*.pf_meta"))) == 1
    assert len(list((site / "pagefind").glob("pagefind.en_*.pf_meta"))) == 1
    assert "振込手数料" in (site / "ja" / "refunds" / "index.html").read_text(encoding="utf-8")


def copying_pagefind(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A stand-in for Pagefind that keeps the copies it was given (`--site`) in `seen`."""
    seen = tmp_path / f"seen-{name}"
    fake = tmp_path / f"pagefind-{name}"
    fake.write_text(f'#!/bin/sh\ncp -r "$2" "{seen}"\nmkdir -p "$4"\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    return fake, seen


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_copies_prepared_during_the_build_are_the_copies_of_one_pass(tmp_path: Path) -> None:
    site = site_with_pages(tmp_path)
    one_pass, seen_one_pass = copying_pagefind(tmp_path, "one-pass")
    expected = build_search_index(site, binary=one_pass)

    copies = PreparedCopies(None)
    ja = "ja/refunds/index.html"
    copies.add(ja, (site / ja).read_text(encoding="utf-8"))
    # written again after it was handed over: the copy is made again from the page on disk
    copies.add("refunds/index.html", '<html lang="en"><main data-pagefind-body>Old</main></html>')
    # handed over, then gone from the site: no copy
    copies.add("gone/index.html", '<html lang="en"><main data-pagefind-body>Gone</main></html>')
    copies.add("index.html", (site / "index.html").read_text(encoding="utf-8"))  # not indexed
    copies.wait()
    assert set(copies.languages) == {ja, "refunds/index.html", "gone/index.html"}
    assert copies.languages[ja] == "ja"
    overlapped, seen_overlapped = copying_pagefind(tmp_path, "overlapped")
    result = build_search_index(site, binary=overlapped, prepared=copies)

    assert result.pages == expected.pages == {"en": 1, "ja": 1}
    assert files_under(seen_overlapped) == files_under(seen_one_pass)
    assert set(files_under(seen_one_pass)) == {ja, "refunds/index.html"}
    assert not copies.root.exists()  # closed: the worker stopped, the copies removed


def test_a_site_without_marked_pages_gets_no_bundle(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "pagefind").mkdir(parents=True)
    (site / "index.html").write_text('<html lang="en"><body>Home</body></html>', "utf-8")
    assert build_search_index(site).pages == {}
    assert not (site / "pagefind").exists()


def test_a_failing_pagefind_is_reported_with_its_output(tmp_path: Path) -> None:
    site = site_with_pages(tmp_path)
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: could not parse' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(SearchIndexError, match=r"exit code 3\ncould not parse|exit code 3\nError"):
        build_search_index(site, binary=fake)


def test_a_missing_pagefind_is_reported(tmp_path: Path) -> None:
    site = site_with_pages(tmp_path)
    with pytest.raises(SearchIndexError, match="could not run Pagefind"):
        build_search_index(site, binary=tmp_path / "missing")


def test_search_box_settings_name_products_in_the_page_language() -> None:
    products = [Product("payouts", "material/bank", {"en": "Payouts", "ja": "入金"}, {})]
    japanese = search_box_settings("ja", products)
    assert japanese["segment"] is True
    assert japanese["products"] == [{"id": "payouts", "name": "入金"}]
    assert japanese["strings"]["other"] == "{count}件の記事が見つかりました"
    english = search_box_settings("en", products)
    assert english["segment"] is False
    assert english["products"] == [{"id": "payouts", "name": "Payouts"}]


KINDS = {"noun", "verb", "compound", "katakana", "number", "mixed", "width", "phrase"}


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_golden_set_has_forty_queries_that_each_name_a_real_article(language: str) -> None:
    queries = GOLDEN[language]
    assert len(queries) >= 40
    assert len({q["q"] for q in queries}) == len(queries)
    for query in queries:
        assert isinstance(query["q"], str)
        article = REPO / "docs" / language / f"{query['expect']}.md"
        assert article.is_file(), query
        text = unicodedata.normalize("NFKC", article.read_text(encoding="utf-8")).lower()
        if query["kind"] == "synonym":
            continue  # found through glossary.yml (test_synonyms.py), not the article's words
        for word in unicodedata.normalize("NFKC", query["q"]).lower().split():
            assert word in text, (query, word)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_no_result_queries_name_nothing_the_articles_say(language: str) -> None:
    queries = GOLDEN["no_results"][language]
    assert len(queries) >= 3
    texts = [
        unicodedata.normalize("NFKC", path.read_text(encoding="utf-8")).lower()
        for path in (REPO / "docs" / language).rglob("*.md")
    ]
    for query in queries:
        # The longest typed word must be spelled in a result: none of them holds it.
        word = max(unicodedata.normalize("NFKC", query).lower().split(), key=len)
        assert not any(word in text for text in texts), query


def test_the_golden_set_covers_every_kind_of_japanese_query() -> None:
    kinds = {query["kind"] for query in GOLDEN["ja"]}
    assert kinds >= KINDS
    assert {"english", "number"} <= {query["kind"] for query in GOLDEN["en"]}
    width = [q["q"] for q in GOLDEN["ja"] if q["kind"] == "width"]
    assert all(unicodedata.normalize("NFKC", q) != q for q in width)
