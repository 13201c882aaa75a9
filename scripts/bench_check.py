"""Time `kb check` as a whole process on a generated corpus: all articles, and `--changed`.

    python scripts/bench_check.py [--pairs 1000] [--runs 5]

Generates the corpus with `scripts/gen_corpus.py` in a temporary directory, runs `kb check` once
to warm the file cache and then `--runs` times, and prints the median (min-max) wall time: cold
(`--no-cache`: every article parsed and checked) and warm (kb's cache in `.cache/kb/` holds the
findings of the unchanged corpus), then after editing one article each run (a cold run and the
cache write: the cache is of whole runs). Then
it commits the corpus to a fresh git repository, edits 3 English articles and times
`kb check --changed` the same way, then commits the edits and times `kb status` (whose stale
translations are dated from that history).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
KB = Path(sys.executable).with_name("kb")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def timed(command: list[str], cwd: Path, runs: int) -> tuple[list[float], str]:
    """Wall seconds of `runs` runs after one warm-up run, and the last run's last output line."""
    env = {**os.environ, "NO_COLOR": "1"}
    last = ""
    times = []
    for attempt in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, env=env, check=False
        )
        elapsed = time.perf_counter() - start
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
        last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        if attempt:
            times.append(elapsed)
    return times, last


def report(label: str, times: list[float], last: str) -> None:
    print(
        f"{label}: median {statistics.median(times):.3f} s "
        f"({min(times):.3f}-{max(times):.3f}) over {len(times)} runs; {last}"
    )


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **GIT_ENV}
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=1000, help="article pairs (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="counted runs (default 5)")
    args = parser.parse_args(argv)
    if not KB.exists():
        sys.exit(f"no kb command next to {sys.executable}: install the project first")
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as directory:
        root = Path(directory)
        subprocess.run(
            [
                sys.executable,
                str(SCRIPTS / "gen_corpus.py"),
                "--pairs",
                str(args.pairs),
                "--out",
                str(root),
            ],
            check=True,
            capture_output=True,
        )
        articles = sorted((root / "docs/en").rglob("*.md"))
        size = sum(p.stat().st_size for p in (root / "docs").rglob("*.md"))
        print(
            f"corpus: {args.pairs} pairs, {len(articles) * 2} articles, "
            f"{size / 1e6:.1f} MB of Markdown; {os.cpu_count()} CPUs; "
            f"Python {sys.version.split()[0]}"
        )
        report(
            "kb check, cold (--no-cache)", *timed([str(KB), "check", "--no-cache"], root, args.runs)
        )
        report("kb check, warm cache", *timed([str(KB), "check"], root, args.runs))
        edited = []
        last = ""
        for run in range(args.runs):
            article = articles[(run * 37 + 1) % len(articles)]
            article.write_text(article.read_text("utf-8") + f"\nEdit {run}.\n", "utf-8")
            begin = time.perf_counter()
            done = subprocess.run(
                [str(KB), "check"], cwd=root, capture_output=True, text=True, check=False
            )
            edited.append(time.perf_counter() - begin)
            last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        report("kb check, one article edited since the cached run", edited, last)
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "corpus")
        for article in [p for p in articles if p.name != "index.md"][:3]:
            article.write_text(article.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
        report(
            "kb check --changed (3 English articles edited)",
            *timed([str(KB), "check", "--changed"], root, args.runs),
        )
        git(root, "commit", "-qam", "edits")
        report(
            "kb status (3 stale translations dated from git)",
            *timed([str(KB), "status"], root, args.runs),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
