"""`kb start-translation`: copy a source article into a translation to fill in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, load, say, warn

if TYPE_CHECKING:
    import argparse


def start_command(args: argparse.Namespace) -> int:
    from kb.writes import WriteError, start_translation

    project = load(args)
    language = args.language or next(iter(project.translation_languages), "")
    try:
        created = start_translation(project, args.path, language)
    except WriteError as error:
        warn(f"kb start-translation: {error}")
        return EXIT_USAGE if error.usage else EXIT_FINDINGS
    shown = project.display_path(created)
    say(f"created {shown}: translate the TODO({language}) parts, then run `kb check {shown}`")
    return EXIT_OK
