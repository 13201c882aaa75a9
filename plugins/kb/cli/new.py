"""`kb new`: start a new article from the template."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, load, say, warn

if TYPE_CHECKING:
    import argparse


def new_command(args: argparse.Namespace) -> int:
    from kb.writes import WriteError
    from kb.writes.new import new_article

    project = load(args)
    try:
        created = new_article(project, args.target, args.title)
    except WriteError as error:
        warn(f"kb new: {error}")
        return EXIT_USAGE if error.usage else EXIT_FINDINGS
    shown = project.display_path(created)
    say(f"created {shown}")
    say("next steps:")
    say("  1. write the article: replace every TODO (WRITING.md says what each section holds)")
    say(f"  2. kb check {shown}")
    language = next(iter(project.translation_languages), None)
    if language is not None:
        translation = shown.replace(f"/{project.source_language}/", f"/{language}/", 1)
        say(f"  3. kb start-translation {shown} --language {language}")
        say(f"  4. translate it, then kb mark-translated {translation}")
    return EXIT_OK
