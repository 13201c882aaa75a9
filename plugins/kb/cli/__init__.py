"""The `kb` command: check a help center, start articles and translations, report status.

`parser` builds the argument parser; each subcommand's handler is a module of its own
(`check`, `diff`, `mark_translated`, `start_translation`, `new`, `status`, `rules`, `links`,
`insights`), importing the core lazily so `kb --help` stays fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from kb.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, file_path
from kb.cli.parser import build_parser

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "build_parser", "file_path", "main"]


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
        return fail(f"kb: error: {error}")
    except OSError as error:
        return fail(
            f"kb: error: {error.strerror or error}"
            + (f": {error.filename}" if error.filename else "")
        )
    except KeyboardInterrupt:
        return 130
    return status
