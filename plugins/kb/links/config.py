"""The part of `mkdocs.yml` that `kb links` reads: languages, layout, site URL, kb's options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kb.links.model import LinkConfigError
from kb.options import ConfigError, read_site_settings
from kb.severity import SeverityError, parse_severities

if TYPE_CHECKING:
    from pathlib import Path

    from kb.findings import Rule, Severity
    from kb.layout import Layout


@dataclass(frozen=True)
class SiteConfig:
    """What `kb links` takes from `mkdocs.yml`."""

    config_file: Path
    site_dir: Path
    docs_dir: Path
    site_url: str = ""
    languages: tuple[str, ...] = ()
    layout: Layout = "folder"
    cross_language_allowlist: tuple[str, ...] = ()
    severities: dict[Rule, Severity] = field(default_factory=dict)
    embed_allowlist: tuple[str, ...] = ()


def read_site_config(config_file: Path) -> SiteConfig:
    """Read the settings `kb links` needs from an `mkdocs.yml` (following `INHERIT`).

    Args:
        config_file: The configuration file.

    Returns:
        Site and docs folders (absolute), `site_url`, the i18n languages (source first), the
        docs layout, and the `kb` plugin's `links.cross_language_allowlist` and `severity`.

    Raises:
        LinkConfigError: The file cannot be read or a value has the wrong type.
    """
    try:
        site = read_site_settings(config_file)
        codes, default = site.i18n_languages()
        kb = site.kb_options()
    except ConfigError as error:
        raise LinkConfigError(str(error)) from None
    name = site.name
    base = config_file.parent
    config = site.settings
    i18n = site.plugins.get("i18n") or {}
    languages = sorted(codes, key=lambda code: code != default)
    links = kb.get("links") or {}
    if not isinstance(links, Mapping):
        raise LinkConfigError(f"{name}: plugins.kb.links.scan must be a mapping")
    allowlist = links.get("cross_language_allowlist") or []
    if not isinstance(allowlist, list) or not all(isinstance(p, str) and p for p in allowlist):
        raise LinkConfigError(
            f"{name}: plugins.kb.links.scan.cross_language_allowlist must be a list of URL prefixes"
        )
    try:
        severities = parse_severities(kb.get("severity"), where=f"{name}: plugins.kb.severity")
    except SeverityError as error:
        raise LinkConfigError(str(error)) from None
    content = kb.get("content") or {}
    embeds = content.get("embed_allowlist") or [] if isinstance(content, Mapping) else None
    if not isinstance(embeds, list) or not all(isinstance(p, str) and p for p in embeds):
        raise LinkConfigError(
            f"{name}: plugins.kb.content.embed_allowlist must be a list of URL prefixes"
        )
    layout = i18n.get("docs_structure", "suffix")
    site_url = config.get("site_url") or ""
    for key, value in (
        ("site_dir", config.get("site_dir", "site")),
        ("docs_dir", config.get("docs_dir", "docs")),
        ("site_url", site_url),
    ):
        if not isinstance(value, str):
            raise LinkConfigError(f"{name}: {key} must be a string")
    return SiteConfig(
        config_file=config_file,
        site_dir=base / str(config.get("site_dir", "site")),
        docs_dir=base / str(config.get("docs_dir", "docs")),
        site_url=str(site_url),
        languages=tuple(languages),
        layout="suffix" if layout == "suffix" else "folder",
        cross_language_allowlist=tuple(allowlist),
        severities=severities,
        embed_allowlist=tuple(embeds),
    )
