"""`kb diff`: what changed in the source since a translation was last marked current."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from kb.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, load, say, warn

if TYPE_CHECKING:
    import argparse


def diff_command(args: argparse.Namespace) -> int:
    from kb.history import HistoryError, translation_diff

    project = load(args)
    try:
        diff = translation_diff(project, args.path)
    except HistoryError as error:
        warn(f"kb diff: {error}")
        return EXIT_USAGE if error.usage else EXIT_FINDINGS
    if diff.commit is None:
        say(f"{diff.source_path} has not changed since {args.path} was translated.")
    elif not diff.diff:
        say(f"{diff.source_path} changed only in whitespace since commit {diff.commit[:12]}.")
    else:
        sys.stdout.write(diff.diff)
    return EXIT_OK
