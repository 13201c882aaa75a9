"""`kb status`: the translation status of every language."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from kb.cli.common import EXIT_OK, load, wants_color

if TYPE_CHECKING:
    import argparse


def status_command(args: argparse.Namespace) -> int:
    from kb.report.status import write_status
    from kb.status import translation_status

    project = load(args)
    report = translation_status(project, review_age_days=args.review_age)
    if args.output is not None:
        with args.output.open("w", encoding="utf-8") as handle:
            write_status(report, args.format, handle)
    else:
        write_status(report, args.format, sys.stdout, color=wants_color(sys.stdout))
    return EXIT_OK
