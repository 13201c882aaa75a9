"""The argument parser of `kb` and its subcommands (each handler lives in its own module)."""

from __future__ import annotations

import argparse

from kb.cli.check import check_command
from kb.cli.common import Parser, file_path, positive_int
from kb.cli.diff import diff_command
from kb.cli.mark_translated import mark_command
from kb.cli.new import new_command
from kb.cli.rules import rules_command
from kb.cli.start_translation import start_command
from kb.cli.status import status_command
from kb.report import FORMATS as REPORT_FORMATS
from kb.report.status import STATUS_FORMATS

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


def _project_options() -> Parser:
    parent = Parser(add_help=False)
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
    parser = Parser(
        prog="kb",
        description="Check a bilingual help center: translation parity, products, content.",
        epilog=_MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
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
        "--no-cache",
        action="store_true",
        help="check every article again instead of reusing the last run's findings when "
        "nothing changed (.cache/kb/; KB_NO_CACHE=1 does the same)",
    )
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
    check.set_defaults(handler=check_command)

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
    diff.set_defaults(handler=diff_command)

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
    mark.set_defaults(handler=mark_command)

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
    start.set_defaults(handler=start_command)

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
    new.set_defaults(handler=new_command)

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
        choices=STATUS_FORMATS,
        default="text",
        help="output format (default: text)",
    )
    status.add_argument(
        "--review-age",
        metavar="DAYS",
        type=positive_int,
        help="list articles whose last_reviewed is older than DAYS "
        "(default: status.review_age_days in mkdocs.yml, else 365)",
    )
    status.add_argument(
        "--output",
        metavar="FILE",
        type=file_path,
        help="write the report to FILE instead of standard output",
    )
    status.set_defaults(handler=status_command)

    rules = commands.add_parser(
        "rules",
        formatter_class=raw,
        help="list the rules",
        description="List every rule with its code, family and default severity.",
        epilog="example:\n  kb rules\n",
    )
    rules.set_defaults(handler=rules_command)

    from kb.cli.links import add_links_parser

    add_links_parser(commands)
    from kb.cli.insights import add_insights_parsers

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
