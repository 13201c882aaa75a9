"""`kb collect` and `kb insights`: the collector service and the action-plan report."""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kb.cli import EXIT_OK, EXIT_USAGE, file_path

if TYPE_CHECKING:
    from kb.insights.report import TwinState

_COLLECT_EPILOG = """\
examples:
  kb collect --db sqlite:///insights.sqlite3 --site-dir site --origin https://help.example
  kb collect --db postgresql://kb@db/insights --site-dir site --origin https://help.example \\
      --host 0.0.0.0 --port 8787

endpoints: POST /api/event (204, 400, 403, 413, 429) and GET /healthz (JSON).
SIGTERM or SIGINT stops it after storing every buffered event.
"""
_INSIGHTS_EPILOG = """\
examples:
  kb insights --db sqlite:///insights.sqlite3
  kb insights --db postgresql://kb@db/insights --since 7d --language ja --format html \\
      --output insights.html
  kb insights --db sqlite:///insights.sqlite3 --product payouts --format json
"""
_SINCE = re.compile(r"^(\d{1,4})([dw])$")


def _origin(value: str) -> str:
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise argparse.ArgumentTypeError(f"{value!r} is not an origin such as https://help.example")
    return f"{parts.scheme}://{parts.netloc}"


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (1-65535)")
    return int(value)


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number (0 or more)")
    return int(value)


def _since(value: str) -> int:
    match = _SINCE.match(value)
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(
            f"{value!r}: write a number of days or weeks, e.g. 30d, 4w"
        )
    return int(match.group(1)) * (7 if match.group(2) == "w" else 1)


def _database(value: str) -> str:
    if not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise argparse.ArgumentTypeError(
            f"{value!r}: write sqlite:///file.sqlite3 or postgresql://user@host/db"
        )
    return value


def add_insights_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    """Add `collect` and `insights` to kb's subcommands."""
    raw = argparse.RawDescriptionHelpFormatter
    collect = commands.add_parser(
        "collect",
        formatter_class=raw,
        epilog=_COLLECT_EPILOG,
        help="run the collector of the site's feedback, searches and views",
        description="Receive the site's events (votes, searches, clicks, views), validate them "
        "against the build's page manifest, scrub personal data and store them in batches.",
    )
    collect.add_argument("--db", required=True, type=_database, metavar="URL", help="database URL")
    collect.add_argument(
        "--site-dir", required=True, type=file_path, metavar="DIR", help="the built site"
    )
    collect.add_argument(
        "--origin",
        required=True,
        action="append",
        type=_origin,
        metavar="ORIGIN",
        help="the site's origin (repeatable), e.g. https://help.example",
    )
    collect.add_argument("--host", default="127.0.0.1", help="address to listen on")
    collect.add_argument("--port", type=_port, default=8787, help="port (default: 8787)")
    collect.add_argument(
        "--rate-limit",
        type=_count,
        default=120,
        metavar="N",
        help="events per minute per client (default: 120; 0: no limit)",
    )
    collect.add_argument(
        "--retention-days",
        type=_count,
        default=90,
        metavar="DAYS",
        help="keep raw events this many days; daily counts stay (default: 90; 0: forever)",
    )
    collect.set_defaults(handler=_collect)

    insights = commands.add_parser(
        "insights",
        formatter_class=raw,
        epilog=_INSIGHTS_EPILOG,
        help="report articles to fix, failed searches, translations to do next",
        description="Read the collector's database and rank, per language: articles to fix, "
        "queries with no answer, translations to do next, contact rate per article, trends.",
    )
    insights.add_argument("--db", required=True, type=_database, metavar="URL", help="database URL")
    insights.add_argument(
        "--since",
        type=_since,
        default=30,
        metavar="AGE",
        help="window, e.g. 30d or 4w (default: 30d)",
    )
    insights.add_argument("--language", metavar="LANG", help="one language only")
    insights.add_argument("--product", metavar="ID", help="one product only")
    insights.add_argument(
        "--min-votes",
        type=_count,
        default=5,
        metavar="N",
        help="votes an article needs (default: 5)",
    )
    insights.add_argument(
        "--format",
        choices=("text", "markdown", "json", "html"),
        default="text",
        help="output format",
    )
    insights.add_argument(
        "--output", type=file_path, metavar="FILE", help="write to FILE instead of standard output"
    )
    insights.add_argument(
        "--config",
        type=file_path,
        metavar="FILE",
        help="mkdocs.yml whose articles' translation status to join (default: ./mkdocs.yml if "
        "present)",
    )
    insights.set_defaults(handler=_insights)


def _warn(text: str) -> None:
    from kb.terminal import printable

    sys.stderr.write(f"{printable(text)}\n")


def _collect(args: argparse.Namespace) -> int:
    from kb.insights.collect import CollectorError, serve
    from kb.insights.manifest import ManifestError
    from kb.insights.store import StoreError

    try:
        serve(
            args.db,
            args.site_dir,
            frozenset(args.origin),
            host=args.host,
            port=args.port,
            rate_limit=args.rate_limit,
            retention_days=args.retention_days or None,
        )
    except (CollectorError, ManifestError, StoreError) as error:
        _warn(f"kb collect: {error}")
        return EXIT_USAGE
    return EXIT_OK


def _twins(args: argparse.Namespace) -> dict[tuple[str, str], TwinState] | None:
    from pathlib import Path

    from kb.insights.report import twin_states
    from kb.project import load_project

    config = args.config
    if config is None:
        if not Path("mkdocs.yml").is_file():
            return None
        config = Path("mkdocs.yml")
    return twin_states(load_project(config))


def _insights(args: argparse.Namespace) -> int:
    from kb.insights.report import InsightsOptions, build_report
    from kb.insights.report_formats import render
    from kb.insights.store import StoreError, open_store

    try:
        store = open_store(args.db, create=False)
    except StoreError as error:
        _warn(f"kb insights: {error}")
        return EXIT_USAGE
    try:
        if store.schema_version() == 0:
            _warn("kb insights: the database holds no insights yet (start kb collect first)")
            return EXIT_USAGE
        options = InsightsOptions(
            since_days=args.since,
            language=args.language,
            product=args.product,
            min_votes=args.min_votes,
        )
        report = build_report(store, options, _twins(args))
    except StoreError as error:
        _warn(f"kb insights: {error}")
        return EXIT_USAGE
    finally:
        store.close()
    text = render(report, args.format, args.language or "en")
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
