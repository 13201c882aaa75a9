"""Benchmark `kb links`: recall on planted defects, false positives and run time on built sites.

For each size (article pairs) it checks two built sites:

- **kb build**: a corpus from scripts/gen_corpus.py built with the project's configuration
  (`mkdocs build`), so pages carry kb's navigation;
- **stock-size nav**: a synthetic built site whose every page carries the full navigation of its
  language, as stock Material does (about 300 KB a page at 1,000 pairs, see
  shared/notes/stock-build-and-link-check-timings.md), to measure the parse cost of big pages.

Then it plants known defects by editing built HTML (broken links, broken anchors, missing
images, cross-language links; `--plant` of each), runs `kb links` as a whole process `--runs`
times, and prints recall (planted defects found / planted), false positives (findings that are
not planted) and the median time (min-max). LinkChecker (Debian's `linkchecker`) runs once on the
same site only when it is installed.

Usage:
    python scripts/bench_links.py                        # 100 and 1000 pairs
    python scripts/bench_links.py --pairs 100 --runs 5 --keep /tmp/bench-links
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PRODUCTS = ("payments", "payouts", "invoicing", "disputes", "terminal", "account")
RULES = ("broken-link", "broken-anchor", "missing-asset", "cross-language-link")


@dataclass(frozen=True)
class Defect:
    """One planted defect: the finding kb links must report."""

    rule: str
    page: str
    token: str
    """A string the finding's message must contain."""


@dataclass
class Row:
    """One line of the result table."""

    site: str
    pairs: int
    pages: int = 0
    links: int = 0
    html_mb: float = 0.0
    planted: int = 0
    found: int = 0
    false_positives: int = 0
    times: list[float] = field(default_factory=list)
    linkchecker: str = "not installed"
    note: str = ""


def run(command: list[str], cwd: Path, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "true"}
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout, check=False
    )


def build_kb_site(pairs: int, out: Path) -> str:
    """Generate a corpus and build it with the project's configuration; '' or why not."""
    generator = REPO / "scripts" / "gen_corpus.py"
    if not generator.is_file():
        return "scripts/gen_corpus.py does not exist"
    result = run([sys.executable, str(generator), "--pairs", str(pairs), "--out", str(out)], REPO)
    if result.returncode != 0:
        return f"gen_corpus.py failed: {result.stderr.strip().splitlines()[-1:]}"
    mkdocs = Path(sys.executable).parent / "mkdocs"
    started = time.perf_counter()
    result = run([str(mkdocs), "build", "-q"], out)
    if result.returncode != 0 or not (out / "site" / "index.html").is_file():
        return f"mkdocs build failed: {result.stderr.strip().splitlines()[-1:]}"
    print(f"  built {out.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return ""


def _nav(titles: list[tuple[str, str]], depth_prefix: str) -> str:
    items = []
    for url, title in titles:
        items.append(
            '<li class="md-nav__item">\n'
            f'  <a href="{depth_prefix}{url}" class="md-nav__link">\n'
            f'    <span class="md-ellipsis">\n      {title}\n    </span>\n  </a>\n</li>'
        )
    return (
        '<nav class="md-nav md-nav--primary"><ul class="md-nav__list">\n'
        + "\n".join(items)
        + "\n</ul></nav>"
    )


def build_synthetic_site(pairs: int, out: Path, seed: int = 1) -> None:
    """A built bilingual site with Material-like chrome and the full navigation on every page."""
    rng = random.Random(seed)
    site = out / "site"
    (site / "assets/stylesheets").mkdir(parents=True)
    (site / "assets/javascripts").mkdir(parents=True)
    (site / "assets/images").mkdir(parents=True)
    (site / "assets/stylesheets/main.css").write_text(
        "body{margin:0}\n.md-logo{background:url(../images/logo.png)}\n", encoding="utf-8"
    )
    (site / "assets/javascripts/bundle.js").write_text("0;\n", encoding="utf-8")
    for name in ("logo.png", *(f"diagram-{k}.png" for k in range(10))):
        (site / "assets/images" / name).write_bytes(b"\x89PNG\r\n")
    articles = [f"{PRODUCTS[i % len(PRODUCTS)]}/article-{i}/" for i in range(pairs)]
    sections = {url: rng.randint(3, 8) for url in articles}
    for language in ("en", "ja"):
        prefix = "" if language == "en" else "ja/"
        titles = [
            (url, f"Article {i}" if language == "en" else f"記事 {i}")
            for i, url in enumerate(articles)
        ]
        for i, url in enumerate(articles):
            depth = "../../" + ("../" if prefix else "")
            count = sections[url]
            body = [f'<h1 id="article-{i}">{titles[i][1]}</h1>']
            toc = []
            for k in range(count):
                heading = f"Section {k}" if language == "en" else f"セクション {k}"
                toc.append(
                    f'<li class="md-nav__item"><a href="#section-{k}" '
                    f'class="md-nav__link">{heading}</a></li>'
                )
                body.append(
                    f'<h2 id="section-{k}">{heading}<a class="headerlink" '
                    f'href="#section-{k}">¶</a></h2>'
                )
                body.append(
                    "<p>"
                    + ("Text of the section. " if language == "en" else "本文のテキストです。") * 20
                    + "</p>"
                )
                other = articles[rng.randrange(pairs)]
                anchor = rng.randrange(sections[other])
                body.append(
                    f'<p>See <a href="../../{other}#section-{anchor}">a related article</a>.</p>'
                )
                if k == 1:
                    body.append(f'<img src="{depth}assets/images/diagram-{i % 10}.png" alt="">')
            twin_en = f"{depth}{url}"
            twin_ja = f"{depth}ja/{url}"
            page = (
                f'<!doctype html>\n<html lang="{language}">\n<head>\n'
                '<meta charset="utf-8">\n'
                f'<link rel="canonical" href="https://help.example.com/{prefix}{url}">\n'
                f'<link rel="alternate" hreflang="en" href="{twin_en}">\n'
                f'<link rel="alternate" hreflang="ja" href="{twin_ja}">\n'
                f'<link rel="stylesheet" href="{depth}assets/stylesheets/main.css">\n'
                "</head>\n<body>\n"
                '<input class="md-toggle" type="checkbox" id="__drawer">\n'
                '<input class="md-toggle" type="checkbox" id="__search">\n'
                f'<a href="#article-{i}" class="md-skip">Skip</a>\n'
                f'<header><a href="{depth}{prefix}" class="md-logo">Home</a>\n'
                '<div class="md-select"><ul>\n'
                f'<li><a href="{twin_en}" hreflang="en" class="md-select__link">English</a></li>\n'
                f'<li><a href="{twin_ja}" hreflang="ja" class="md-select__link">日本語</a></li>\n'
                "</ul></div></header>\n"
                + _nav(titles, depth + prefix)
                + '\n<nav class="md-nav md-nav--secondary"><ul>\n'
                + "\n".join(toc)
                + "</ul></nav>\n"
                '<article class="md-content__inner md-typeset">\n'
                + "\n".join(body)
                + "\n</article>\n"
                f'<script src="{depth}assets/javascripts/bundle.js"></script>\n'
                "</body>\n</html>\n"
            )
            target = site / prefix / url / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page, encoding="utf-8")
        home = site / prefix / "index.html"
        home.parent.mkdir(parents=True, exist_ok=True)
        home.write_text(
            f'<!doctype html>\n<html lang="{language}"><body><h1 id="home">Home</h1>\n'
            + _nav(titles, "")
            + "\n</body></html>\n",
            encoding="utf-8",
        )


def article_pages(site: Path) -> dict[str, list[str]]:
    """Built article pages (`<product>/<slug>/index.html`) by language."""
    pages: dict[str, list[str]] = {"en": [], "ja": []}
    for path in sorted(site.rglob("index.html")):
        relative = path.relative_to(site).as_posix()
        parts = relative.split("/")
        language = "ja" if parts[0] == "ja" else "en"
        rest = parts[1:] if language == "ja" else parts
        if len(rest) == 3 and rest[0] not in ("products", "assets", "search"):
            pages[language].append(relative)
    return pages


def plant(site: Path, count: int, seed: int = 7) -> list[Defect]:
    """Insert `count` defects of each kind into article pages; return what must be found."""
    rng = random.Random(seed)
    pages = article_pages(site)
    translated = set(pages["ja"])
    english = [page for page in pages["en"] if f"ja/{page}" in translated]
    if len(english) < 2 * count + 2:
        raise SystemExit(f"{site} has too few article pages to plant {count} defects of each kind")
    chosen = rng.sample(english, 3 * count)
    defects: list[Defect] = []
    edits: dict[str, list[str]] = {}
    for i, page in enumerate(chosen[:count]):
        token = f"no-such-page-{i}"
        edits.setdefault(page, []).append(f'<a href="../../no-such-product/{token}/">gone</a>')
        defects.append(Defect("broken-link", page, token))
    for i, page in enumerate(chosen[count : 2 * count]):
        token = f"no-such-section-{i}"
        target = rng.choice([p for p in english if p != page]).removesuffix("index.html")
        edits.setdefault(page, []).append(f'<a href="../../{target}#{token}">section</a>')
        defects.append(Defect("broken-anchor", page, token))
    for i, page in enumerate(chosen[2 * count :]):
        token = f"no-such-image-{i}.png"
        edits.setdefault(page, []).append(f'<img src="../../assets/{token}" alt="diagram">')
        defects.append(Defect("missing-asset", page, token))
    for i in range(count):
        page = f"ja/{chosen[i]}"
        target = chosen[(i + 1) % len(chosen)].removesuffix("index.html")
        edits.setdefault(page, []).append(f'<a href="../../../{target}">英語の記事</a>')
        defects.append(Defect("cross-language-link", page, f"the en page {target}"))
    for page, snippets in edits.items():
        path = site / page
        html = path.read_text(encoding="utf-8")
        insert = "\n".join(f"<p>{snippet}</p>" for snippet in snippets) + "\n"
        marker = "</article>" if "</article>" in html else "</body>"
        path.write_text(html.replace(marker, insert + marker, 1), encoding="utf-8")
    return defects


def kb_links(project: Path, site: Path) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    result = run(
        [sys.executable, "-m", "kb.cli.links", str(site), "--format", "json", "--no-progress"],
        project,
    )
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"kb links failed ({result.returncode}): {result.stderr.strip()}")
    document: dict[str, object] = json.loads(result.stdout)
    return elapsed, document


def score(defects: list[Defect], findings: list[dict[str, object]]) -> tuple[int, int]:
    """(planted defects found, findings that match no planted defect)."""
    matched: set[int] = set()
    found = 0
    for defect in defects:
        hit = next(
            (
                index
                for index, finding in enumerate(findings)
                if finding["rule"] == defect.rule
                and finding["page"] == defect.page
                and defect.token in str(finding["message"])
            ),
            None,
        )
        if hit is not None:
            found += 1
            matched.add(hit)
    return found, len(findings) - len(matched)


def linkchecker(site: Path) -> str:
    binary = shutil.which("linkchecker")
    if binary is None:
        return "not installed"
    for path in [site, *site.rglob("*")]:  # it drops to `nobody` when run as root
        path.chmod(0o755 if path.is_dir() else 0o644)
    for parent in site.parents:
        if parent == Path(tempfile.gettempdir()):
            break
        parent.chmod(parent.stat().st_mode | 0o005)
    started = time.perf_counter()
    try:
        run([binary, "--no-status", "--no-warnings", str(site / "index.html")], site, 1800)
    except subprocess.TimeoutExpired:
        return "> 1800 s"
    return f"{time.perf_counter() - started:.1f} s"


def measure(row: Row, project: Path, runs: int, count: int) -> None:
    site = project / "site"
    row.html_mb = sum(p.stat().st_size for p in site.rglob("*.html")) / 1e6
    defects = plant(site, count)
    row.planted = len(defects)
    for _ in range(runs):
        elapsed, document = kb_links(project, site)
        row.times.append(elapsed)
    findings = document["findings"]
    assert isinstance(findings, list)
    summary = document["summary"]
    assert isinstance(summary, dict)
    row.pages, row.links = int(summary["pages"]), int(summary["links"])
    row.found, row.false_positives = score(defects, findings)
    row.linkchecker = linkchecker(site)


def table(rows: list[Row]) -> str:
    lines = [
        "| site | pairs | pages | HTML MB | links | planted | recall | false positives "
        "| kb links median (min-max) | linkchecker |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        if row.note:
            lines.append(f"| {row.site} | {row.pairs:,} | — | — | — | — | — | — | {row.note} | |")
            continue
        recall = row.found / row.planted if row.planted else 0.0
        timing = f"{statistics.median(row.times):.2f} s ({min(row.times):.2f}-{max(row.times):.2f})"
        lines.append(
            f"| {row.site} | {row.pairs:,} | {row.pages:,} | {row.html_mb:.1f} | {row.links:,} | "
            f"{row.planted} | {row.found}/{row.planted} = {recall:.0%} | {row.false_positives} | "
            f"{timing} | {row.linkchecker} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per site (default 3)")
    parser.add_argument("--plant", type=int, default=6, help="defects of each kind (default 6)")
    parser.add_argument("--keep", type=Path, help="build the sites here and keep them")
    parser.add_argument(
        "--sites",
        nargs="+",
        default=["kb", "stock-nav"],
        choices=["kb", "stock-nav"],
        help="which sites to check",
    )
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-links-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    try:
        for pairs in args.pairs:
            if "kb" in args.sites:
                project = work / f"kb-n{pairs}"
                shutil.rmtree(project, ignore_errors=True)
                print(f"kb build, {pairs} pairs", file=sys.stderr)
                row = Row("kb build", pairs)
                problem = build_kb_site(pairs, project)
                if problem:
                    row.note = f"not measured: {problem}"
                else:
                    measure(row, project, args.runs, args.plant)
                rows.append(row)
            if "stock-nav" in args.sites:
                project = work / f"stock-nav-n{pairs}"
                shutil.rmtree(project, ignore_errors=True)
                print(f"stock-size nav, {pairs} pairs", file=sys.stderr)
                started = time.perf_counter()
                build_synthetic_site(pairs, project)
                print(f"  wrote it in {time.perf_counter() - started:.1f} s", file=sys.stderr)
                row = Row("stock-size nav", pairs)
                measure(row, project, args.runs, args.plant)
                rows.append(row)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"kb links on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; "
        f"whole-process wall time over {args.runs} runs"
    )
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
