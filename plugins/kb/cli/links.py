"""`kb links`: check the built site's links, anchors, assets and languages from the command line."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from kb.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Parser, file_path
from kb.findings import Severity, sort_findings
from kb.links.options import UsageError, link_options
from kb.links.report import link_report
from kb.report import FORMATS, count_severity, render
from kb.terminal import printable

_DESCRIPTION = """\
Check the built site (every language): links to pages, #anchors, images, stylesheets,
scripts and fonts, and links from one language's pages to another language's articles.
External links are checked only with --external."""


_EPILOG = """\
examples:
  kb links                                  check site/ (mkdocs.yml supplies languages, docs)
  kb links build/site --base-path /help/    a site served under https://example.com/help/
  kb links --format github --strict         annotations for CI, warnings fail too
  kb links --external --timeout 5           also check links to other sites (needs network)
  kb links --allow-cross-language ja/legal/ a Japanese page English pages may link to

a finding names the source article and line when it can trace the page back to docs/, else
the built page and the line of the element. a #fragment must be an id (or a[name]) of the
target page, except #, #top, text fragments (#:~:text=) and the ids Material's JavaScript
creates while the page runs (__code_N, __code_N_annotation_M, __codelineno-N-A:B); Material's
ids in the built HTML (__drawer, __search, __toc, __consent) are checked like any other.

exit status: 0 no errors, 1 errors (warnings too with --strict), 2 usage or configuration error.
"""


def add_links_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of `kb links` to `parser`.

    Args:
        parser: The `links` subcommand parser (or a standalone one).
    """
    parser.add_argument(
        "site_dir",
        nargs="?",
        type=file_path,
        metavar="SITE_DIR",
        help="the built site (default: site_dir of mkdocs.yml, else site/)",
    )
    project = parser.add_argument_group("project")
    project.add_argument(
        "--config",
        metavar="FILE",
        type=file_path,
        help="MkDocs configuration to read (default: ./mkdocs.yml if present)",
    )
    project.add_argument(
        "--docs-dir",
        metavar="DIR",
        type=file_path,
        help="Markdown sources, to name the article and line of a finding "
        "(default: docs_dir of mkdocs.yml, else docs/)",
    )
    project.add_argument(
        "--languages",
        metavar="LANGS",
        help="comma-separated languages, the one at the site root first "
        "(default: the i18n plugin's, else en,ja)",
    )
    project.add_argument(
        "--base-path",
        metavar="PATH",
        help="URL path the site is served under, for links starting with / "
        "(default: the path of site_url, else /)",
    )
    checks = parser.add_argument_group("checks")
    checks.add_argument(
        "--allow-cross-language",
        action="append",
        default=[],
        metavar="PREFIX",
        help="URL prefix (site path such as ja/legal/, or absolute URL) that "
        "pages of another language may link to; repeatable",
    )
    checks.add_argument(
        "--severity",
        action="append",
        default=[],
        metavar="RULE=LEVEL",
        help="override a rule's severity: error, warning, info or ignore",
    )
    checks.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    checks.add_argument(
        "--max-page-mb",
        type=float,
        default=20.0,
        metavar="MB",
        help="skip (and report) pages larger than this (default: 20)",
    )
    checks.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes (default: by site size and CPUs; 1: none)",
    )
    external = parser.add_argument_group("external links")
    external.add_argument(
        "--external", action="store_true", help="also check links to other hosts over HTTP"
    )
    external.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="per-request time-out (default: 10)",
    )
    external.add_argument(
        "--deadline",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="time one URL may take in all: connections, answers, redirects and retries "
        "(default: 30)",
    )
    external.add_argument(
        "--retries",
        type=int,
        default=2,
        metavar="N",
        help="retries after a 429, 5xx, time-out or connection error (default: 2)",
    )
    external.add_argument(
        "--per-host",
        type=int,
        default=2,
        metavar="N",
        help="requests in flight per host (default: 2)",
    )
    external.add_argument(
        "--cache-file",
        type=file_path,
        metavar="FILE",
        help="answers remembered between runs (default: .cache/kb-links.json next to "
        "mkdocs.yml, else in the current folder)",
    )
    external.add_argument(
        "--cache-ttl",
        type=float,
        default=24.0,
        metavar="HOURS",
        help="how long a remembered answer is trusted (default: 24)",
    )
    external.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the cache"
    )
    output = parser.add_argument_group("output")
    output.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    output.add_argument(
        "--output",
        metavar="FILE",
        type=file_path,
        help="write the report to FILE instead of standard output",
    )
    output.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (it only shows on a terminal, and never in CI)",
    )


def add_links_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `links` subcommand to `kb`'s subparsers; its handler is `run_links`.

    Args:
        subparsers: What `ArgumentParser.add_subparsers()` returned.

    Returns:
        The subcommand's parser (with `handler=run_links` set as a default).
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "links",
        help="check the built site's links, anchors, assets and languages",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_links_arguments(parser)
    parser.set_defaults(handler=run_links)
    return parser


def run_links(args: argparse.Namespace) -> int:
    """Run `kb links` with parsed arguments, print the report and return the exit status.

    Args:
        args: Arguments parsed by a parser that `add_links_arguments` set up.

    Returns:
        0 without errors, 1 with errors (or warnings with `--strict`), 2 on a usage or
        configuration error (one line on stderr).
    """
    from kb.links.check import check_site
    from kb.links.model import LinkConfigError
    from kb.links.trace import external_findings

    started = time.perf_counter()
    try:
        options, external_options = link_options(args)
        with _progress_bar(args) as progress:
            report = check_site(options, progress("pages"))
            findings = report.findings
            external_count = 0
            if args.external and report.external:
                from kb.links.external import check_external, failures

                results = check_external(
                    report.external, external_options, progress("external links")
                )
                external_count = len(results)
                findings = sort_findings(
                    findings + external_findings(failures(results), report, options)
                )
    except (LinkConfigError, UsageError) as error:
        return _usage_error(str(error))
    for notice in report.notices:
        sys.stderr.write(f"kb links: note: {printable(notice)}\n")
    text = render(
        link_report(
            findings,
            report,
            seconds=time.perf_counter() - started,
            external=external_count if args.external else None,
        ),
        args.format,
    )
    try:
        if args.output is not None:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except OSError as error:
        return _usage_error(f"cannot write the report: {error.strerror or error}")
    failing = count_severity(findings, Severity.ERROR)
    if args.strict:
        failing += sum(1 for f in findings if f.severity is Severity.WARNING)
    return EXIT_FINDINGS if failing else EXIT_OK


def _usage_error(message: str) -> int:
    first = message.splitlines()[0] if message else "invalid configuration"
    sys.stderr.write(f"kb links: error: {printable(first)}\n")
    return EXIT_USAGE


def _wants_progress(args: argparse.Namespace) -> bool:
    if args.no_progress or os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
        return False
    return sys.stderr.isatty()


ProgressFactory = Callable[[str], Callable[[int, int], None] | None]


@contextmanager
def _progress_bar(args: argparse.Namespace) -> Iterator[ProgressFactory]:
    if not _wants_progress(args):
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("kb links: {task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    ) as bar:

        def factory(label: str) -> Callable[[int, int], None]:
            task = bar.add_task(label, total=None)

            def update(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return update

        yield factory


def main(argv: Sequence[str] | None = None) -> int:
    """Run `kb links` on its own (`python -m kb.cli.links`) and return the exit status."""
    parser = Parser(
        prog="kb links",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_links_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run_links(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
