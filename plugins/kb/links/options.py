"""`kb links`' options from its arguments and `mkdocs.yml` (command line over file)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from kb.layout import LOCALE, guess_layout

if TYPE_CHECKING:
    import argparse

    from kb.links.external import ExternalOptions
    from kb.links.model import LinkOptions


class UsageError(Exception):
    """A bad option value: one line on stderr and exit status 2."""


def link_options(args: argparse.Namespace) -> tuple[LinkOptions, ExternalOptions]:
    from kb.links.check import base_path_from_site_url, normalise_base_path
    from kb.links.config import SiteConfig, read_site_config
    from kb.links.external import ExternalOptions
    from kb.links.model import LinkOptions
    from kb.severity import SeverityError, parse_overrides

    config: SiteConfig | None = None
    project_dir = Path.cwd()
    if args.config is not None:
        if not args.config.is_file():
            raise UsageError(f"{args.config} does not exist")
        config = read_site_config(args.config)
        project_dir = args.config.absolute().parent
    elif Path("mkdocs.yml").is_file():
        config = read_site_config(Path("mkdocs.yml"))
    site_dir: Path = args.site_dir or (config.site_dir if config else Path("site"))
    if not site_dir.is_dir():
        raise UsageError(f"{site_dir} is not a directory: build the site first (mkdocs build)")
    if args.languages is not None:
        languages = tuple(code.strip() for code in args.languages.split(",") if code.strip())
    else:
        languages = config.languages if config and config.languages else ("en", "ja")
    for code in languages:
        if not LOCALE.match(code):
            raise UsageError(f"--languages: {code!r} is not a language code such as en or ja")
    if not languages or len(set(languages)) != len(languages):
        raise UsageError("--languages: give each language once, the site root's first")
    docs_dir: Path | None = args.docs_dir or (config.docs_dir if config else Path("docs"))
    if docs_dir is not None and not docs_dir.is_dir():
        if args.docs_dir is not None:
            raise UsageError(f"--docs-dir {args.docs_dir} is not a directory")
        docs_dir = None
    layout = config.layout if config else "folder"
    if config is None and docs_dir is not None:
        layout = guess_layout(docs_dir, languages[0])
    if args.base_path is not None:
        base_path = normalise_base_path(args.base_path)
    else:
        base_path = base_path_from_site_url(config.site_url) if config else "/"
    severities = dict(config.severities) if config else {}
    try:
        severities |= parse_overrides(args.severity, example="external-link=error")
    except SeverityError as error:
        raise UsageError(str(error)) from None
    for name, value, valid, wanted in (
        ("--max-page-mb", args.max_page_mb, args.max_page_mb > 0, "a positive number"),
        ("--timeout", args.timeout, args.timeout > 0, "a positive number"),
        ("--deadline", args.deadline, args.deadline > 0, "a positive number"),
        ("--cache-ttl", args.cache_ttl, args.cache_ttl >= 0, "0 or more"),
        ("--retries", args.retries, args.retries >= 0, "0 or more"),
        ("--per-host", args.per_host, args.per_host >= 1, "1 or more"),
        ("--jobs", args.jobs, args.jobs >= 0, "0 (automatic) or more"),
    ):
        if not valid:
            raise UsageError(f"{name} {value:g}: must be {wanted}")
    options = LinkOptions(
        site_dir=site_dir,
        languages=languages,
        base_path=base_path,
        site_url=config.site_url if config else "",
        root=Path.cwd(),
        docs_dir=docs_dir,
        layout=layout,
        cross_language_allowlist=(
            *(config.cross_language_allowlist if config else ()),
            *args.allow_cross_language,
        ),
        severities=severities,
        max_page_bytes=int(args.max_page_mb * 1024 * 1024),
        collect_external=bool(args.external),
        jobs=args.jobs,
        embed_allowlist=config.embed_allowlist if config else (),
    )
    external = ExternalOptions(
        timeout=args.timeout,
        deadline=args.deadline,
        retries=args.retries,
        per_host=args.per_host,
        cache_file=None if args.no_cache else args.cache_file or _default_cache(project_dir),
        cache_ttl_hours=args.cache_ttl,
    )
    return options, external


def _default_cache(project_dir: Path) -> Path:
    """`.cache/kb-links.json` in the project's folder, wherever kb runs from.

    Raises:
        UsageError: `.cache` is a symlink leading out of the project's folder.
    """
    cache = project_dir / ".cache" / "kb-links.json"
    real = Path(os.path.realpath(cache.parent))
    if not real.is_relative_to(project_dir.resolve()):
        raise UsageError(
            f"{cache.parent} is a symlink to {real}, outside the project: kb does not write "
            "there (pass --cache-file FILE or --no-cache)"
        )
    return cache
