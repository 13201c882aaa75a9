"""`kb mark-translated`: record that translations are current with their source."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, load, say, warn

if TYPE_CHECKING:
    import argparse


def mark_command(args: argparse.Namespace) -> int:
    from kb.corpus import Corpus
    from kb.writes import WriteError, mark_translated, translations_in

    project = load(args)
    corpus = Corpus(project)
    status = EXIT_OK
    try:
        files = translations_in(project, corpus, args.paths)
    except WriteError as error:
        warn(f"kb mark-translated: {error}")
        return EXIT_USAGE
    if not files:
        warn("kb mark-translated: no translations found")
        return EXIT_FINDINGS
    for file in files:
        try:
            result = mark_translated(project, file, corpus=corpus)
        except WriteError as error:
            warn(f"kb mark-translated: {file}: {error}")
            status = max(status, EXIT_USAGE if error.usage else EXIT_FINDINGS)
            continue
        if result.changed:
            before = f" (was {result.previous})" if result.previous else ""
            say(f"{result.path}: source_digest {result.digest}{before}")
        else:
            say(f"{result.path}: already current ({result.digest})")
    return status
