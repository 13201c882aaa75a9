"""Text from files, git and the network, made safe to print on a terminal or in a CI log."""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(value: str) -> str:
    """`value` with every control character written as an escape (`\\x1b`, `\\n`).

    A file name or product name may hold ANSI escape sequences that would drive the reader's
    terminal, or a newline that starts a line CI reads as a workflow command (`::error::`).

    Args:
        value: Text that came from data (a path, a finding's message, a product name).

    Returns:
        The text on one line, with nothing a terminal interprets.
    """
    if not _CONTROL.search(value):
        return value
    return _CONTROL.sub(_escape, value)


def _escape(match: re.Match[str]) -> str:
    return match.group(0).encode("unicode_escape").decode("ascii")
