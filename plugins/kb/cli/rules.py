"""`kb rules`: list every rule with its code, family and default severity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.cli.common import EXIT_OK, say

if TYPE_CHECKING:
    import argparse


def rules_command(args: argparse.Namespace) -> int:
    from kb.findings import rule_infos

    rows = [
        (info.code, rule.value, info.family, info.default.value, info.summary)
        for rule, info in rule_infos().items()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("code", "rule", "family", "default", "summary")
    for row in [header, *rows]:
        cells = [cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(row)]
        say("  ".join(cells))
    return EXIT_OK
