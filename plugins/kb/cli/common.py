"""What every `kb` subcommand shares: exit statuses, loading the project, printing lines."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from kb.project import Project


EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def fail(message: str) -> int:
    lines = message.splitlines()
    warn(lines[0] if lines else "kb: error")
    return EXIT_USAGE


def file_path(value: str) -> Path:
    """An argparse type: a path, refused when it holds a NUL byte (no file can be named so)."""
    if "\0" in value:
        raise argparse.ArgumentTypeError(f"{value!r} is not a path: it holds a NUL byte")
    return Path(value)


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of days (1 or more)")
    return number


def load(args: argparse.Namespace) -> Project:
    from kb.project import load_project

    languages = None
    if args.languages is not None:
        languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    return load_project(
        args.config,
        docs_dir=args.docs_dir,
        languages=languages,
        taxonomy=args.taxonomy,
        glossary=args.glossary,
    )


def with_severities(project: Project, overrides: list[str]) -> Project:
    import dataclasses

    from kb.severity import parse_overrides

    if not overrides:
        return project
    named = parse_overrides(overrides, example="stale-translation=error")
    return dataclasses.replace(project, severities={**project.severities, **named})


def wants_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def say(text: str) -> None:
    from kb.terminal import printable

    sys.stdout.write(f"{printable(text)}\n")


def warn(text: str) -> None:
    """One line on standard error (paths and messages may come from hostile files)."""
    from kb.terminal import printable

    sys.stderr.write(f"{printable(text)}\n")
