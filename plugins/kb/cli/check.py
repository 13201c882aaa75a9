"""`kb check`: check the articles and report findings."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from kb.cli.common import EXIT_FINDINGS, EXIT_OK, load, wants_color, with_severities

if TYPE_CHECKING:
    import argparse


def check_command(args: argparse.Namespace) -> int:
    from kb.check_cache import cached_check
    from kb.findings import Severity
    from kb.report import write_report

    project = with_severities(load(args), args.severity)
    changed = args.changed is not None
    result = cached_check(
        project,
        paths=args.paths or None,
        select=args.select,
        ignore=args.ignore,
        changed_ref=args.changed or None,
        changed=changed,
        use_cache=not args.no_cache,
    )
    if args.output is not None:
        with args.output.open("w", encoding="utf-8") as handle:
            write_report(result.report(), args.format, handle)
    else:
        write_report(result.report(), args.format, sys.stdout, color=wants_color(sys.stdout))
    failing = result.count(Severity.ERROR)
    if args.strict:
        failing += result.count(Severity.WARNING)
    return EXIT_FINDINGS if failing else EXIT_OK
