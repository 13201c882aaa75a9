"""The `kb` command: check a help center, start articles and translations, report status."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from kb.report import FORMATS as REPORT_FORMATS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kb.project import Project

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

_MAIN_EPILOG = """\
examples:
  kb check                                  check every article (reads mkdocs.yml)
  kb check docs/ja/payments/                check some articles and their twins
  kb check --changed --format github        only what this branch changed, for CI
  kb new payments/refund-a-payment --title "Refund a payment"
  kb status                                 translation coverage, stale translations, reviews
  kb diff docs/ja/payments/refund-a-payment.md
  kb mark-translated docs/ja/payments/refund-a-payment.md
  kb start-translation docs/en/payouts/payout-schedule.md --language ja
  kb rules
  kb links site                             check the built site's links (after mkdocs build)
  kb collect --db sqlite:///insights.sqlite3 --site-dir site --origin https://help.example
  kb insights --db sqlite:///insights.sqlite3 --language ja --format html --output report.html

exit status: 0 no errors, 1 errors (warnings too with --strict), 2 usage or configuration error
"""
_CHECK_EPILOG = """\
examples:
  kb check
  kb check docs/en/payments/refund-a-payment.md
  kb check --select parity --ignore KB101,stale-translation
  kb check --severity stale-translation=error --strict
  kb check --changed origin/main --format markdown --output kb-summary.md
  kb check --docs-dir docs --languages en,ja --format json

selectors (--select, --ignore): rule names (link-mismatch), codes (KB108), code prefixes (KB1,
KB10) and families (parity, products, content, style); comma-separated and repeatable.
silence one line with <!-- kb: ignore[rule-name] --> on it or on the line above.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _project_options() -> _Parser:
    parent = _Parser(add_help=False)
    group = parent.add_argument_group("project")
    group.add_argument(
        "--config",
        metavar="FILE",
        type=file_path,
        help="MkDocs configuration to read (default: ./mkdocs.yml)",
    )
    group.add_argument(
        "--docs-dir",
        metavar="DIR",
        type=file_path,
        help="articles directory, instead of mkdocs.yml (needs --languages)",
    )
    group.add_argument(
        "--languages",
        metavar="LANGS",
        help="comma-separated languages, source first (e.g. en,ja), with --docs-dir",
    )
    group.add_argument(
        "--taxonomy",
        metavar="FILE",
        type=file_path,
        help="product taxonomy to use (default: the configured one, or "
        "products.yml next to mkdocs.yml)",
    )
    group.add_argument(
        "--glossary",
        metavar="FILE",
        type=file_path,
        help="terminology glossary to use (default: the configured one, or "
        "glossary.yml next to mkdocs.yml)",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `kb` and its subcommands."""
    parser = _Parser(
        prog="kb",
        description="Check a bilingual help center: translation parity, products, content.",
        epilog=_MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = _project_options()
    raw = argparse.RawDescriptionHelpFormatter

    check = commands.add_parser(
        "check",
        parents=[common],
        formatter_class=raw,
        epilog=_CHECK_EPILOG,
        help="check articles and report findings",
        description="Check the articles (all, or the given files and folders with their twins).",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        type=file_path,
        help="articles or folders to check (default: all)",
    )
    check.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="text",
        help="output format (default: text)",
    )
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.add_argument(
        "--select", action="append", default=[], metavar="RULES", help="run only these rules"
    )
    check.add_argument(
        "--ignore", action="append", default=[], metavar="RULES", help="leave these rules out"
    )
    check.add_argument(
        "--severity",
        action="append",
        default=[],
        metavar="RULE=LEVEL",
        help="override a rule's severity: error, warning, info or ignore",
    )
    check.add_argument(
        "--changed",
        nargs="?",
        const="",
        default=None,
        metavar="REF",
        help="only articles changed since REF (default: the merge base with "
        "origin/main, else HEAD), their twins and the articles linking "
        "to them",
    )
    check.add_argument(
        "--output",
        metavar="FILE",
        type=file_path,
        help="write the report to FILE instead of standard output",
    )
    check.set_defaults(handler=_check)

    diff = commands.add_parser(
        "diff",
        parents=[common],
        formatter_class=raw,
        help="show what changed in English since a translation was made",
        description="Show the source article's changes since the version a translation "
        "records in source_digest (needs git).",
        epilog="example:\n  kb diff docs/ja/payments/refund-a-payment.md\n",
    )
    diff.add_argument("path", metavar="PATH", type=file_path, help="the translation")
    diff.set_defaults(handler=_diff)

    mark = commands.add_parser(
        "mark-translated",
        parents=[common],
        formatter_class=raw,
        help="record that translations match their source articles",
        description="Set source_digest in each translation to the current digest of its "
        "source article and remove its 'draft: true'; nothing else in the file changes. A "
        "translation that still holds a TODO is refused (exit status 1).",
        epilog="examples:\n  kb mark-translated docs/ja/payments/refund-a-payment.md\n"
        "  kb mark-translated docs/ja/payouts/\n",
    )
    mark.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        type=file_path,
        help="translations, or folders of translations",
    )
    mark.set_defaults(handler=_mark)

    start = commands.add_parser(
        "start-translation",
        parents=[common],
        formatter_class=raw,
        help="create the draft of a translation",
        description="Create a translation draft (draft: true, no source_digest: the site "
        "serves the source article until kb mark-translated) with the source article's "
        "structure and TODO markers for the prose; an existing file is never overwritten.",
        epilog="example:\n  kb start-translation docs/en/payouts/payout-schedule.md "
        "--language ja\n",
    )
    start.add_argument("path", metavar="PATH", type=file_path, help="the source article")
    start.add_argument(
        "--language",
        metavar="LANG",
        help="translation language (default: the first one configured)",
    )
    start.set_defaults(handler=_start)

    new = commands.add_parser(
        "new",
        parents=[common],
        formatter_class=raw,
        help="create an English article from the help-article template",
        description="Create docs/<source language>/<product>/<slug>.md with complete front "
        "matter (title, description, products, last_reviewed) and the sections of a help "
        "article, each with a TODO to replace; an existing file is never overwritten.",
        epilog='examples:\n  kb new payments/refund-a-payment --title "Refund a payment"\n'
        '  kb new payouts/payout-schedule --title "Choose your payout schedule"\n\n'
        "exit status: 0 created, 1 the article exists, 2 unknown product, bad slug or title\n",
    )
    new.add_argument(
        "target",
        metavar="PRODUCT/SLUG",
        help="a product id from products.yml and a kebab-case slug, e.g. payments/refund-a-payment",
    )
    new.add_argument("--title", required=True, help="the article's title")
    new.set_defaults(handler=_new)

    status = commands.add_parser(
        "status",
        parents=[common],
        formatter_class=raw,
        help="show translation coverage, stale translations and overdue reviews",
        description="Translation coverage per product and language (articles, translated, "
        "stale, untracked, missing, draft, coverage), the stale translations ordered by how long "
        "they have been stale (dated from git history when available), and the articles whose "
        "last_reviewed is older than the review age.",
        epilog="examples:\n  kb status\n  kb status --format markdown >> "
        '"$GITHUB_STEP_SUMMARY"\n  kb status --review-age 180 --format json\n',
    )
    status.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="output format (default: text)",
    )
    status.add_argument(
        "--review-age",
        metavar="DAYS",
        type=_positive_int,
        help="list articles whose last_reviewed is older than DAYS "
        "(default: status.review_age_days in mkdocs.yml, else 365)",
    )
    status.add_argument(
        "--output",
        metavar="FILE",
        type=file_path,
        help="write the report to FILE instead of standard output",
    )
    status.set_defaults(handler=_status)

    rules = commands.add_parser(
        "rules",
        formatter_class=raw,
        help="list the rules",
        description="List every rule with its code, family and default severity.",
        epilog="example:\n  kb rules\n",
    )
    rules.set_defaults(handler=_rules)

    from kb.cli.links import add_links_parser

    add_links_parser(commands)
    from kb.insights_cli import add_insights_parsers

    add_insights_parsers(commands)
    return parser


class _VersionAction(argparse.Action):
    """`--version`, reading the installed version only when asked (it costs a metadata scan)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help=str(kwargs.get("help", "")))

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        parser.exit(0, f"kb {_version()}\n")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("kb")
    except Exception:  # an uninstalled checkout has no metadata
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Run `kb` with `argv` (default: the process arguments) and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from kb.project import ProjectError
    from kb.severity import SeverityError

    try:
        status: int = args.handler(args)
    except (ProjectError, SeverityError) as error:
        return _fail(f"kb: error: {error}")
    except OSError as error:
        return _fail(
            f"kb: error: {error.strerror or error}"
            + (f": {error.filename}" if error.filename else "")
        )
    except KeyboardInterrupt:
        return 130
    return status


def _fail(message: str) -> int:
    lines = message.splitlines()
    _warn(lines[0] if lines else "kb: error")
    return EXIT_USAGE


def file_path(value: str) -> Path:
    """An argparse type: a path, refused when it holds a NUL byte (no file can be named so)."""
    if "\0" in value:
        raise argparse.ArgumentTypeError(f"{value!r} is not a path: it holds a NUL byte")
    return Path(value)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of days (1 or more)")
    return number


def _load(args: argparse.Namespace) -> Project:
    from kb.project import load_project

    languages = None
    if args.languages is not None:
        languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    return load_project(
        args.config,
        docs_dir=args.docs_dir,
        languages=languages,
        taxonomy=args.taxonomy,
        glossary=args.glossary,
    )


def _with_severities(project: Project, overrides: list[str]) -> Project:
    import dataclasses

    from kb.severity import parse_overrides

    if not overrides:
        return project
    named = parse_overrides(overrides, example="stale-translation=error")
    return dataclasses.replace(project, severities={**project.severities, **named})


def _check(args: argparse.Namespace) -> int:
    from kb.check import run_check
    from kb.findings import Severity
    from kb.report import write_report

    project = _with_severities(_load(args), args.severity)
    changed = args.changed is not None
    result = run_check(
        project,
        paths=args.paths or None,
        select=args.select,
        ignore=args.ignore,
        changed_ref=args.changed or None,
        changed=changed,
    )
    if args.output is not None:
        with args.output.open("w", encoding="utf-8") as handle:
            write_report(result.report(), args.format, handle)
    else:
        write_report(result.report(), args.format, sys.stdout, color=_wants_color(sys.stdout))
    failing = result.count(Severity.ERROR)
    if args.strict:
        failing += result.count(Severity.WARNING)
    return EXIT_FINDINGS if failing else EXIT_OK


def _wants_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def _diff(args: argparse.Namespace) -> int:
    from kb.history import HistoryError, translation_diff

    project = _load(args)
    try:
        diff = translation_diff(project, args.path)
    except HistoryError as error:
        _warn(f"kb diff: {error}")
        return EXIT_USAGE if error.usage else EXIT_FINDINGS
    if diff.commit is None:
        _say(f"{diff.source_path} has not changed since {args.path} was translated.")
    elif not diff.diff:
        _say(f"{diff.source_path} changed only in whitespace since commit {diff.commit[:12]}.")
    else:
        sys.stdout.write(diff.diff)
    return EXIT_OK


def _mark(args: argparse.Namespace) -> int:
    from kb.articles import Corpus
    from kb.writes import WriteError, mark_translated, translations_in

    project = _load(args)
    corpus = Corpus(project)
    status = EXIT_OK
    try:
        files = translations_in(project, corpus, args.paths)
    except WriteError as error:
        _warn(f"kb mark-translated: {error}")
        return EXIT_USAGE
    if not files:
        _warn("kb mark-translated: no translations found")
        return EXIT_FINDINGS
    for file in files:
        try:
            result = mark_translated(project, file, corpus=corpus)
        except WriteError as error:
            _warn(f"kb mark-translated: {file}: {error}")
            status = max(status, EXIT_USAGE if error.usage else EXIT_FINDINGS)
            continue
        if result.changed:
            before = f" (was {result.previous})" if result.previous else ""
            _say(f"{result.path}: source_digest {result.digest}{before}")
        else:
            _say(f"{result.path}: already current ({result.digest})")
    return status


def _start(args: argparse.Namespace) -> int:
    from kb.writes import WriteError, start_translation

    project = _load(args)
    language = args.language or next(iter(project.translation_languages), "")
    try:
        created = start_translation(project, args.path, language)
    except WriteError as error:
        _warn(f"kb start-translation: {error}")
        return EXIT_USAGE if error.usage else EXIT_FINDINGS
    shown = project.display_path(created)
    _say(f"created {shown}: translate the TODO({language}) parts, then run `kb check {shown}`")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from kb.writes import WriteError, new_article

    project = _load(args)
    try:
        created = new_article(project, args.target, args.title)
    except WriteError as error:
        _warn(f"kb new: {error}")
        return EXIT_USAGE if error.usage else EXIT_FINDINGS
    shown = project.display_path(created)
    _say(f"created {shown}")
    _say("next steps:")
    _say("  1. write the article: replace every TODO (WRITING.md says what each section holds)")
    _say(f"  2. kb check {shown}")
    language = next(iter(project.translation_languages), None)
    if language is not None:
        translation = shown.replace(f"/{project.source_language}/", f"/{language}/", 1)
        _say(f"  3. kb start-translation {shown} --language {language}")
        _say(f"  4. translate it, then kb mark-translated {translation}")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from kb.report.status import write_status
    from kb.status import translation_status

    project = _load(args)
    report = translation_status(project, review_age_days=args.review_age)
    if args.output is not None:
        with args.output.open("w", encoding="utf-8") as handle:
            write_status(report, args.format, handle)
    else:
        write_status(report, args.format, sys.stdout, color=_wants_color(sys.stdout))
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from kb.findings import RULES

    rows = [
        (info.code, rule.value, info.family, info.default.value, info.summary)
        for rule, info in RULES.items()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("code", "rule", "family", "default", "summary")
    for row in [header, *rows]:
        cells = [cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(row)]
        _say("  ".join(cells))
    return EXIT_OK


def _say(text: str) -> None:
    from kb.terminal import printable

    sys.stdout.write(f"{printable(text)}\n")


def _warn(text: str) -> None:
    """One line on standard error (paths and messages may come from hostile files)."""
    from kb.terminal import printable

    sys.stderr.write(f"{printable(text)}\n")
