"""Benchmark the site search: index size per language, bytes per query, time to first result.

    python scripts/bench_search.py                       # 1,000 pairs, 5 runs per query
    python scripts/bench_search.py --pairs 100 --runs 3 --keep /tmp/bench-search
    python scripts/bench_search.py --site DIR/site       # an already built site
    python scripts/bench_search.py --compare-lunr        # also build with Material's search

Generates a corpus with scripts/gen_corpus.py (`--pairs`), builds it with the project's
configuration (`mkdocs build -f DIR/mkdocs.yml`), then:

- **index size per language**: the bytes of Pagefind's files for each language (metadata,
  index chunks, filter chunks, page fragments) and of the runtime every language shares
  (`pagefind.js`, its worker, the WebAssembly of the language, `pagefind-entry.json`);
- **bytes for a typical query**: a fresh Chromium page (empty cache) types one query into the
  search box; the bytes of every `/pagefind/` response until the results show are added up
  (the runtime included), and the same for a second query on that page (what one more query
  costs);
- **time to first result**: from the input event to the first result in the list, on that fresh
  page, then warm (second query), as medians of `--runs` runs on loopback.

With `--compare-lunr` the same corpus is also built with Material's search plugin instead, and
the size of its one `search_index.json` is printed, split by language as a per-language lunr
index would be: what a browser would download before any query.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
QUERIES = {
    "en": ["refund", "bank account", "API key"],
    "ja": ["返金", "銀行口座", "手数料"],
}
"""Typical queries, all present in generated corpora (scripts/gen_corpus.py topics)."""
FIRST_RESULT_JS = """
(query) => new Promise((resolve) => {
  const box = document.querySelector('.kb-search');
  const input = box.querySelector('input.md-search__input');
  let start = 0;
  input.addEventListener('input', () => { if (!start) start = performance.now(); }, {once: true});
  const observer = new MutationObserver(() => {
    if (box.dataset.query === query) {
      observer.disconnect();
      const found = box.querySelectorAll('.md-search-result__item').length;
      resolve([performance.now() - start, found]);
    }
  });
  observer.observe(box, {attributes: true, attributeFilter: ['data-query']});
  input.focus();
  input.value = query;
  input.dispatchEvent(new Event('input', {bubbles: true}));
})
"""


@dataclass
class QueryRow:
    """Cold and warm figures of one query in one language."""

    language: str
    query: str
    cold_bytes: list[int] = field(default_factory=list)
    warm_bytes: list[int] = field(default_factory=list)
    cold_ms: list[float] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    results: int = 0
    """Results shown for the query (at most 10)."""


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, check=False)


def build_corpus(pairs: int, out: Path) -> Path:
    """Generate and build a corpus; return its site directory."""
    result = run(
        [sys.executable, str(REPO / "scripts" / "gen_corpus.py"), "--pairs", str(pairs)]
        + ["--out", str(out)],
        REPO,
    )
    if result.returncode != 0:
        raise SystemExit(f"gen_corpus.py failed:\n{result.stderr}")
    started = time.perf_counter()
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = run([str(mkdocs), "build", "-q", "-f", str(out / "mkdocs.yml")], out)
    if result.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{result.stderr[-2000:]}")
    print(f"built {pairs} pairs in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return out / "site"


def lunr_sizes(out: Path) -> dict[str, int]:
    """Build the corpus with Material's search instead of kb's; bytes of its index per language."""
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    lunr = config.replace("plugins:\n", "plugins:\n  - search:\n      lang: [en, ja]\n", 1)
    lunr = lunr.replace("  - kb:\n", "  - kb:\n      search:\n        enabled: false\n", 1)
    (out / "mkdocs-lunr.yml").write_text(lunr, encoding="utf-8")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    site = out / "site-lunr"
    result = run(
        [str(mkdocs), "build", "-q", "-f", str(out / "mkdocs-lunr.yml"), "-d", str(site)], out
    )
    if result.returncode != 0:
        raise SystemExit(f"mkdocs build (lunr) failed:\n{result.stderr[-2000:]}")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    sizes = {}
    for language in ("en", "ja"):
        docs = [
            doc for doc in index["docs"] if doc["location"].startswith("ja/") == (language == "ja")
        ]
        part = {"config": index["config"], "docs": docs}
        sizes[language] = len(json.dumps(part, ensure_ascii=False).encode("utf-8"))
    sizes["both"] = (site / "search" / "search_index.json").stat().st_size
    return sizes


def index_sizes(site: Path) -> dict[str, dict[str, int]]:
    """Bytes of Pagefind's files per language, and of the shared runtime per language."""
    bundle = site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    sizes: dict[str, dict[str, int]] = {}
    for language, info in entry["languages"].items():
        files = [bundle / f"pagefind.{info['hash']}.pf_meta"]
        for folder in ("index", "filter", "fragment"):
            files += sorted((bundle / folder).glob(f"{language}_*"))
        runtime = [bundle / "pagefind.js", bundle / "pagefind-entry.json"]
        runtime += (
            [bundle / "pagefind-worker.js"] if (bundle / "pagefind-worker.js").exists() else []
        )
        runtime.append(bundle / f"wasm.{info.get('wasm') or 'unknown'}.pagefind")
        sizes[language] = {
            "index": sum(f.stat().st_size for f in files),
            "fragments": sum(f.stat().st_size for f in files if f.parent.name == "fragment"),
            "chunks": sum(f.stat().st_size for f in files if f.parent.name != "fragment"),
            "pages": info["page_count"],
            "runtime": sum(f.stat().st_size for f in runtime),
        }
    return sizes


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # the stdlib's name
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def first_article(site: Path, language: str) -> str:
    """A built article page of `language`, relative to the site."""
    root = site / "ja" if language == "ja" else site
    for page in sorted(root.glob("*/*/index.html")):
        rel = page.relative_to(site).as_posix()
        if not rel.startswith(("products/", "ja/products/")) and (
            language == "ja" or not rel.startswith("ja/")
        ):
            return rel.removesuffix("index.html")
    raise SystemExit(f"no {language} article in {site}")


def measure(site: Path, runs: int) -> list[QueryRow]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    httpd, base = serve(site)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox"]
            )
            for language, queries in QUERIES.items():
                article = first_article(site, language)
                for number, query in enumerate(queries):
                    row = QueryRow(language, query)
                    warm_query = queries[(number + 1) % len(queries)]
                    for _ in range(runs):
                        context = browser.new_context()
                        page = context.new_page()
                        # Bodies are read after the wait: a blocking call inside a
                        # Playwright event handler would deadlock the sync API.
                        received: list[Any] = []
                        page.on(
                            "response",
                            lambda r, got=received: (
                                got.append(r) if "/pagefind/" in r.url else None
                            ),
                        )
                        page.goto(base + article, wait_until="networkidle")
                        elapsed, found = page.evaluate(FIRST_RESULT_JS, query)
                        row.cold_ms.append(elapsed)
                        row.results = found
                        page.wait_for_load_state("networkidle")
                        row.cold_bytes.append(sum(len(r.body()) for r in received))
                        received.clear()
                        row.warm_ms.append(page.evaluate(FIRST_RESULT_JS, warm_query)[0])
                        page.wait_for_load_state("networkidle")
                        row.warm_bytes.append(sum(len(r.body()) for r in received))
                        context.close()
                    rows.append(row)
            browser.close()
    finally:
        httpd.shutdown()
    return rows


def kib(size: float) -> str:
    return f"{size / 1024:,.1f} KiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=1000, help="article pairs (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per query (default 5)")
    parser.add_argument("--site", type=Path, help="an already built site to measure")
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    parser.add_argument(
        "--compare-lunr", action="store_true", help="also measure Material's lunr index"
    )
    args = parser.parse_args(argv)

    scratch = None
    out = args.keep
    if args.site is None and out is None:
        scratch = tempfile.TemporaryDirectory(prefix="kb-bench-search-")
        out = Path(scratch.name)
    try:
        site = args.site or build_corpus(args.pairs, out)  # type: ignore[arg-type]
        sizes = index_sizes(site)
        print(f"\nSearch index ({site})")
        print(
            f"{'language':<9} {'pages':>6} {'index total':>14} {'chunks':>12} "
            f"{'fragments':>12} {'runtime':>12}"
        )
        for language, size in sizes.items():
            print(
                f"{language:<9} {size['pages']:>6} {kib(size['index']):>14} "
                f"{kib(size['chunks']):>12} {kib(size['fragments']):>12} "
                f"{kib(size['runtime']):>12}"
            )
        if args.compare_lunr and out is not None and args.site is None:
            lunr = lunr_sizes(out)
            print("\nMaterial's lunr index (downloaded whole before the first query)")
            for language in ("en", "ja"):
                print(f"{language:<9} {kib(lunr[language]):>14}  (if split per language)")
            print(f"{'both':<9} {kib(lunr['both']):>14}  (stock: one index for both)")
        rows = measure(site, args.runs)
        print(f"\nPer query, fresh page then one more query (median of {args.runs} runs)")
        print(
            f"{'lang':<5} {'query':<14} {'shown':>5} {'cold bytes':>12} {'first result':>13} "
            f"{'next query':>12} {'first result':>13}"
        )
        for row in rows:
            print(
                f"{row.language:<5} {row.query:<14} {row.results:>5} "
                f"{kib(statistics.median(row.cold_bytes)):>12} "
                f"{statistics.median(row.cold_ms):>10.0f} ms "
                f"{kib(statistics.median(row.warm_bytes)):>12} "
                f"{statistics.median(row.warm_ms):>10.0f} ms"
            )
    finally:
        if scratch is not None:
            scratch.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
