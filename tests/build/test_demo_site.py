"""The repository's own help center: a strict build, then `kb links` over what it produced."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def strict_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site built with `--strict`: any kb error or warning aborts it."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    site_dir = tmp_path_factory.mktemp("strict") / "site"
    build(load_config(str(REPO / "mkdocs.yml"), site_dir=str(site_dir), strict=True))
    return site_dir


def test_every_product_page_lists_at_least_three_articles_per_language(strict_site: Path) -> None:
    from selectolax.lexbor import LexborHTMLParser

    products = sorted(p.name for p in (strict_site / "products").iterdir() if p.is_dir())
    assert len(products) >= 8
    for prefix in ("", "ja/"):
        for product in products:
            page = strict_site / prefix / "products" / product / "index.html"
            html = LexborHTMLParser(page.read_text(encoding="utf-8"))
            assert len(html.css(".kb-article-list__item")) >= 3, f"{prefix}{product}"


def test_kb_links_finds_nothing_on_the_demo_site(strict_site: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kb.cli", "links", str(strict_site), "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CI": "true"},
    )
    report = json.loads(done.stdout)
    assert report["findings"] == []
    assert report["summary"]["pages"] >= 110  # 44 pairs, 10 product pages and a 404 per language
    assert done.returncode == 0, done.stderr


ENGLISH_UI = (
    "Permanent link",
    "Back to top",
    "Copy to clipboard",
    "Table of contents",
    "fictional company",
    ">Note<",
    ">Tip<",
    ">Warning<",
    ">Info<",
    ">Danger<",
)


def test_japanese_pages_carry_no_english_interface_strings(strict_site: Path) -> None:
    for page in sorted((strict_site / "ja").rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if 'class="kb-fallback-content"' in html:
            continue  # English content shown under a Japanese notice
        found = [s for s in ENGLISH_UI if s in html]
        assert not found, f"{page.relative_to(strict_site)}: {found}"
