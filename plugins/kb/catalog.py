"""Site strings per language (notices, labels), loaded from `catalog/<lang>.yml`."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml


class CatalogError(Exception):
    """A language has no catalogue, or the catalogue is not a flat mapping of strings."""


@cache
def site_strings(language: str) -> dict[str, str]:
    """Return the site strings of `language`, falling back to English for a missing file.

    Args:
        language: A language code such as `ja`.

    Returns:
        A mapping from string key to text.
    """
    package = resources.files("kb") / "catalog"
    source = package / f"{language}.yml"
    if not source.is_file():
        source = package / "en.yml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise CatalogError(f"catalogue {source.name} must map keys to strings")
    return {str(k): v for k, v in data.items()}


def available_catalogs() -> list[str]:
    """Languages that ship a catalogue."""
    package = resources.files("kb") / "catalog"
    return sorted(p.name.removesuffix(".yml") for p in package.iterdir() if p.name.endswith(".yml"))
