"""Benchmark: the output allowlist's share of a build (kb/html_policy.py), on a built site.

Reads every page of a built site (default `site/`) and times, per page, what the build adds:
`check_page` on the whole page (on_post_page) and `check_fragment` on its article body
(on_page_content, approximated by the `<article>` element without kb's breadcrumbs, chips
and related list). Prints the total and the
median per page, so the cost can be set against a build's time (scripts/bench_build.py).

Usage:
    python scripts/bench_output_check.py [SITE_DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from kb.csp import read_policy, script_hashes_of
from kb.html_allowlist import HtmlPolicy
from kb.html_policy import check_fragment, check_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=Path("site"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    policy = HtmlPolicy(trusted_scripts=script_hashes_of(read_policy(args.site) or ""))
    pages = []
    for path in sorted(args.site.rglob("*.html")):
        if "pagefind" in path.relative_to(args.site).parts:
            continue
        html = path.read_text(encoding="utf-8")
        tree = LexborHTMLParser(html)
        for chrome in tree.css("article nav, article .kb-chips, article .kb-related, .kb-notice"):
            chrome.decompose()  # kb's template parts around the body
        article = tree.css_first("article")
        pages.append((html, article.inner_html or "" if article is not None else ""))
    totals = []
    per_page: list[float] = []
    violations = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        for html, body in pages:
            began = time.perf_counter()
            violations += len(check_fragment(body, policy).violations)
            violations += len(check_page(html, policy).violations)
            per_page.append(time.perf_counter() - began)
        totals.append(time.perf_counter() - start)
    print(
        f"{len(pages)} pages: {statistics.median(totals):.2f} s in all (median of {args.runs}), "
        f"{1000 * statistics.median(per_page):.2f} ms per page (median), "
        f"{violations // args.runs} violations"
    )


if __name__ == "__main__":
    main()
