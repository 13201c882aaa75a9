"""Benchmark: `mkdocs build` of generated bilingual corpora, kb's configuration against stock.

Generates corpora of N article pairs with scripts/gen_corpus.py, then times whole
`mkdocs build` processes (start-up included) of

- the project's configuration (this repository's mkdocs.yml: kb plugin, product navigation), and
- the stock configuration (the same mkdocs.yml without kb, static-i18n's defaults),

alternating the two within one call, and prints medians (min-max). The stock build grows with the
square of the site (about 320 s at 2,000 pairs, see shared/notes), so it is only run up to
`--stock-max` pairs. With `--serve`, it also times how long `mkdocs serve --dirty` takes to show an
edited article on the largest corpus.

Every counted build of kb's configuration is cold: kb's build cache (`.cache/kb/` next to the
corpus's mkdocs.yml) is emptied first. With `--warm`, it then times warm builds: with nothing
changed, and after appending a sentence to one English article (another one each run), with the
cache the build before left; `--profile` then profiles such a warm build after an edit too.

Usage:
    python scripts/bench_build.py                       # 100, 500, 1000, 2000 pairs
    python scripts/bench_build.py --pairs 100 500 --runs 3 --serve
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, keeping `!ENV` and `!!python/...` tags as plain values."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def generate(pairs: int, out: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "gen_corpus.py"),
            "--pairs",
            str(pairs),
            "--out",
            str(out),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def write_configs(corpus: Path) -> tuple[Path, Path]:
    """The project's mkdocs.yml and a stock variant (no kb, static-i18n defaults)."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    project = corpus / "mkdocs.yml"
    project.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    stock = dict(config)
    plugins = []
    for entry in config["plugins"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name == "kb":
            continue
        if name == "i18n":
            options = dict(entry["i18n"])
            options.pop("reconfigure_search", None)
            entry = {"i18n": options}
        plugins.append(entry)
    stock["plugins"] = plugins
    stock["site_dir"] = "site-stock"
    stock_path = corpus / "mkdocs.stock.yml"
    stock_path.write_text(yaml.safe_dump(stock, allow_unicode=True), encoding="utf-8")
    return project, stock_path


CPU_SECONDS: dict[Path, list[float]] = {}
"""CPU seconds (user + system, the build and Pagefind) of each timed build, per configuration:
steadier than wall time on a machine shared with other jobs."""


def clear_cache(config: Path) -> None:
    """Empty kb's build cache of a corpus: the next build is cold."""
    shutil.rmtree(config.parent / ".cache" / "kb", ignore_errors=True)


def edit_one_article(corpus: Path, run: int) -> Path:
    """Append a sentence to an English article (another one each run)."""
    articles = sorted(p for p in (corpus / "docs" / "en").rglob("*.md") if p.name != "index.md")
    article = articles[(run * 37) % len(articles)]
    with article.open("a", encoding="utf-8") as handle:
        handle.write(f"\n\nOne more sentence for the warm build, run {run}.\n")
    return article


def time_build(
    config: Path, kb_source: Path | None = None, *, cold: bool = True, cache: bool = True
) -> float:
    if cold:
        clear_cache(config)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if not cache:
        env["KB_NO_CACHE"] = "1"
    if kb_source is not None:  # kb imported from another checkout's plugins/ (--baseline)
        env["PYTHONPATH"] = str(kb_source)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "mkdocs"), "build", "-q", "-f", str(config)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS.setdefault(config, []).append(
        after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    )
    if done.returncode != 0:
        raise SystemExit(f"build of {config} failed:\n{done.stderr[-2000:]}")
    return elapsed


def summary(times: list[float]) -> str:
    if not times:
        return "not run"
    return f"{statistics.median(times):6.2f} s ({min(times):.2f}-{max(times):.2f})"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def time_serve_reload(corpus: Path, config: Path, timeout: float = 120.0) -> float:
    """Seconds from saving an edited article to `mkdocs serve --dirty` serving the change."""
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dirty", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    article = next(iter(sorted((corpus / "docs" / "ja").rglob("*.md"))))
    rel = article.relative_to(corpus / "docs" / "ja").with_suffix("")
    url = f"http://127.0.0.1:{port}/ja/{rel.as_posix()}/"
    try:
        deadline = time.monotonic() + timeout
        while not _fetch(url):
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("mkdocs serve did not start")
            time.sleep(0.5)
        marker = f"kb-bench-{time.time_ns()}"
        with article.open("a", encoding="utf-8") as handle:
            handle.write(f"\n\n{marker}\n")
        start = time.perf_counter()
        while marker not in _fetch(url):
            if time.perf_counter() - start > timeout:
                raise SystemExit("the edit never appeared")
            time.sleep(0.1)
        return time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # loopback only
            return str(response.read().decode("utf-8", "replace"))
    except OSError:
        return ""


def plugin_share(config: Path) -> tuple[float, float]:
    """Seconds spent in kb's event handlers, and in the whole build, under one cProfile run."""
    import pstats

    out = config.parent / "kb-build.prof"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cProfile",
            "-o",
            str(out),
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(config),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    stats = pstats.Stats(str(out))
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = stats.stats  # type: ignore[attr-defined]
    kb = sum(
        cumulative
        for (filename, _, name), (_, _, _, cumulative, _) in raw.items()
        if os.path.join("kb", "site", "") in filename and name.startswith("on_")
    )
    total = max(cumulative for (_, _, _, cumulative, _) in raw.values())
    return kb, total


PLUGIN_FILE = os.path.join("kb", "site", "plugin.py")
SEARCH_INDEX_FILE = os.path.join("kb", "site", "search_index.py")

PROFILE_PARTS = (
    # (label, file suffix, function name): cumulative time of one function of the build.
    ("whole build (mkdocs.commands.build.build)", "mkdocs/commands/build.py", "build"),
    ("kb check (on_pre_build: run_check)", PLUGIN_FILE, "on_pre_build"),
    ("Markdown conversion (Markdown.convert)", "markdown/core.py", "convert"),
    ("Jinja rendering (Template.render)", "jinja2/environment.py", "render"),
    ("kb page context (on_page_context)", PLUGIN_FILE, "on_page_context"),
    ("kb body allowlist (on_page_content)", PLUGIN_FILE, "on_page_content"),
    ("MkDocs Page.render (Markdown or kb's cache)", "mkdocs/structure/pages.py", "render"),
    (
        "kb render cache: reused pages (_restore)",
        os.path.join("kb", "site", "render_cache.py"),
        "_restore",
    ),
    (
        "kb on_post_page (output allowlist; compaction and search copies once added)",
        PLUGIN_FILE,
        "on_post_page",
    ),
    ("writing pages (mkdocs utils.write_file)", "mkdocs/utils/__init__.py", "write_file"),
    (
        "kb on_post_build (redirects, manifest, search)",
        PLUGIN_FILE,
        "on_post_build",
    ),
    (
        "Pagefind: whole step (build_search_index)",
        SEARCH_INDEX_FILE,
        "build_search_index",
    ),
    (
        "Pagefind: index copies made in the build process (index_copy)",
        SEARCH_INDEX_FILE,
        "index_copy",
    ),
    ("Pagefind: the binary (subprocess.run)", "subprocess.py", "run"),
)


def profile_build(config: Path, top: int = 25, *, warm: bool = False) -> None:
    """Profile one `mkdocs build` under cProfile and print where its time goes: a cold one, or
    (`warm`) one after editing an article, with the cache of a build just before.

    cProfile slows Python code (not Pagefind's binary) by about a third: shares, not seconds.
    """
    import pstats

    if warm:
        time_build(config, cold=False)
        edit_one_article(config.parent, 999)
    else:
        clear_cache(config)

    out = config.parent / "kb-build.prof"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "mkdocs", "build", "-q"]
        + ["-f", str(config)],
        env=env,
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    stats = pstats.Stats(str(out))
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = stats.stats  # type: ignore[attr-defined]
    total = max(cumulative for (_, _, _, cumulative, _) in raw.values())
    kind = "warm build after editing one article" if warm else "cold build"
    print(f"\nprofile of one {kind}: {wall:.2f} s wall under cProfile, {total:.2f} s profiled")
    print("| part | cumulative s | share |")
    print("|---|---|---|")
    for label, suffix, function in PROFILE_PARTS:
        seconds = sum(
            # a function that calls itself (Jinja's render) counts once: its top-level calls
            cumulative
            for (filename, _, name), (_, _, _, cumulative, _) in raw.items()
            if filename.endswith(suffix) and name == function
        )
        print(f"| {label} | {seconds:.2f} | {100 * seconds / total:.1f}% |")
    print(f"\ntop {top} by cumulative time:")
    ranked = sorted(raw.items(), key=lambda item: item[1][3], reverse=True)
    for (filename, line, name), (_, calls, _, cumulative, _) in ranked[:top]:
        where = "/".join(Path(filename).parts[-2:]) if filename != "~" else "~"
        print(f"{cumulative:8.2f} s {calls:>9} calls  {where}:{line}({name})")


def site_size(site: Path) -> tuple[int, int, int]:
    """Bytes of the built site, of its HTML and of its search bundle."""
    files = [path for path in site.rglob("*") if path.is_file()]
    total = sum(path.stat().st_size for path in files)
    html = sum(path.stat().st_size for path in files if path.suffix == ".html")
    bundle = sum(path.stat().st_size for path in files if "pagefind" in path.parts)
    return total, html, bundle


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[100, 500, 1000, 2000])
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="counted runs per configuration (0: one uncounted build, e.g. before --serve)",
    )
    parser.add_argument("--stock-max", type=int, default=500, help="largest corpus built stock")
    parser.add_argument("--serve", action="store_true", help="also time a serve reload")
    parser.add_argument("--keep", type=Path, help="keep corpora in this directory")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also time kb imported from this folder (another checkout's plugins/, e.g. from "
        "`git archive main plugins`), alternating with this checkout's, under the same load",
    )
    parser.add_argument(
        "--no-cache-pair",
        action="store_true",
        help="also time cold builds with KB_NO_CACHE=1, alternating with the counted ones (what "
        "writing the cache costs a cold build)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile one build of the largest corpus"
    )
    parser.add_argument(
        "--plugin-share", action="store_true", help="profile kb's own share of each build"
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="also time warm builds (kb's cache): unchanged, and after editing one article",
    )
    args = parser.parse_args()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-build-"))
    rows = []
    try:
        for pairs in args.pairs:
            corpus = workdir / f"n{pairs}"
            if not (corpus / "docs").is_dir():
                generate(pairs, corpus)
            project, stock = write_configs(corpus)
            ours: list[float] = []
            theirs: list[float] = []
            run_stock = pairs <= args.stock_max
            base: list[float] = []
            baseline = corpus / "mkdocs.baseline.yml"
            if args.baseline is not None:
                config = yaml.safe_load(project.read_text(encoding="utf-8"))
                config["site_dir"] = "site-baseline"
                baseline.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
                time_build(baseline, args.baseline)
                CPU_SECONDS.pop(baseline, None)
            uncached: list[float] = []
            no_cache = corpus / "mkdocs.no-cache.yml"
            if args.no_cache_pair:
                config = yaml.safe_load(project.read_text(encoding="utf-8"))
                config["site_dir"] = "site-no-cache"
                no_cache.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
            time_build(project)  # warm-up: imports and file cache
            CPU_SECONDS.pop(project, None)
            for _ in range(args.runs):
                if args.baseline is not None:
                    base.append(time_build(baseline, args.baseline))
                if args.no_cache_pair:
                    uncached.append(time_build(no_cache, cache=False))
                ours.append(time_build(project))
                if run_stock:
                    theirs.append(time_build(stock))
            pages = sum(1 for _ in (corpus / "site").rglob("index.html"))
            rows.append((pairs, pages, summary(ours), summary(theirs), ours, theirs))
            print(f"{pairs:>6} pairs  kb {summary(ours)}  stock {summary(theirs)}", flush=True)
            cpu = list(CPU_SECONDS.get(project, []))
            print(f"{pairs:>6} pairs  kb CPU time (user + system) {summary(cpu)}", flush=True)
            if uncached:
                print(
                    f"{pairs:>6} pairs  kb cold, KB_NO_CACHE=1 (alternating) {summary(uncached)}, "
                    f"CPU time {summary(CPU_SECONDS.get(no_cache, []))}; with the cache / without "
                    f"{statistics.median(ours) / statistics.median(uncached):.2f}x wall; {load()}",
                    flush=True,
                )
            if base:
                print(
                    f"{pairs:>6} pairs  baseline {summary(base)}, CPU time "
                    f"{summary(CPU_SECONDS.get(baseline, []))}; this checkout / baseline "
                    f"{statistics.median(ours) / statistics.median(base):.2f}x wall",
                    flush=True,
                )
                total, html, bundle = site_size(corpus / "site-baseline")
                print(
                    f"{pairs:>6} pairs  baseline site {total / 1e6:.1f} MB "
                    f"(HTML {html / 1e6:.1f} MB)"
                )
            if args.warm:
                time_build(project, cold=False)  # the cache of the sources as they are
                done = len(CPU_SECONDS[project])
                unchanged = [time_build(project, cold=False) for _ in range(max(args.runs, 1))]
                print(
                    f"{pairs:>6} pairs  kb warm, nothing changed {summary(unchanged)}, CPU time "
                    f"{summary(CPU_SECONDS[project][done:])}"
                )
                done = len(CPU_SECONDS[project])
                edited = []
                for run in range(max(args.runs, 1)):
                    edit_one_article(corpus, run)
                    edited.append(time_build(project, cold=False))
                print(
                    f"{pairs:>6} pairs  kb warm, one article edited {summary(edited)}, CPU time "
                    f"{summary(CPU_SECONDS[project][done:])}; {load()}",
                    flush=True,
                )
            total, html, bundle = site_size(corpus / "site")
            print(
                f"{pairs:>6} pairs  site {total / 1e6:.1f} MB (HTML {html / 1e6:.1f} MB in "
                f"{pages} pages, {html / max(pages, 1) / 1e3:.1f} KB a page; search bundle "
                f"{bundle / 1e6:.1f} MB); {load()}",
                flush=True,
            )
            if args.plugin_share:
                kb_seconds, total = plugin_share(project)
                print(
                    f"{pairs:>6} pairs  kb's event handlers: {kb_seconds:.2f} s of "
                    f"{total:.2f} s profiled ({100 * kb_seconds / total:.1f}%)",
                    flush=True,
                )
        print()
        print("| pairs | pages written | kb build (median, min-max) | stock build | stock / kb |")
        print("|---|---|---|---|---|")
        for pairs, pages, ours_text, theirs_text, ours, theirs in rows:
            ratio = (
                f"{statistics.median(theirs) / statistics.median(ours):.1f}x"
                if theirs
                else "see notes"
            )
            print(f"| {pairs} | {pages} | {ours_text} | {theirs_text} | {ratio} |")
        medians = {pairs: statistics.median(ours) for pairs, _, _, _, ours, _ in rows if ours}
        if 1000 in medians and 2000 in medians:
            print(f"\n2,000 / 1,000 pairs: {medians[2000] / medians[1000]:.2f}x (linear is 2.0x)")
        if args.profile:
            project, _ = write_configs(workdir / f"n{max(args.pairs)}")
            profile_build(project)
            print(load())
            if args.warm:
                profile_build(project, warm=True)
                print(load())
        if args.serve:
            largest = max(args.pairs)
            corpus = workdir / f"n{largest}"
            project, _ = write_configs(corpus)
            reloads = [time_serve_reload(corpus, project) for _ in range(3)]
            print(f"\nmkdocs serve --dirty, {largest} pairs: edit visible after {summary(reloads)}")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
