"""kb's options in `mkdocs.yml` and the one reader of that file, shared by the plugin's
validation, `kb check` and `kb links` (pure: no MkDocs import)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

OPTIONS: dict[str, frozenset[str] | None] = {
    "enabled": None,
    "taxonomy": None,
    "glossary": None,
    "severity": None,
    "parity": frozenset({"link_rewrites", "translation_only_links"}),
    "content": frozenset({"embed_allowlist"}),
    "style": frozenset({"max_sentence_length"}),
    "status": frozenset({"review_age_days", "page"}),
    "links": frozenset({"cross_language_allowlist"}),
    "search": frozenset({"enabled"}),
    "notices": None,
    "redirects": None,
    "insights": frozenset({"endpoint", "contact", "popular_from"}),
    "cache": None,
}
"""Every option of the `kb` plugin, and the keys of those that are groups of options; the
plugin's `KbConfig` declares the same (a test keeps them equal)."""


class ConfigError(Exception):
    """`mkdocs.yml` cannot be read, or kb's part of it is invalid: the message says where."""


class MissingConfig(ConfigError):
    """The configuration file does not exist."""


def unknown_option(key: str, known: Iterable[str], where: str = "") -> str:
    """`where: unknown option 'stlye' (did you mean 'style'?)`."""
    close = difflib.get_close_matches(key, sorted(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{where}: " * bool(where) + f"unknown option {key!r}{hint}"


def check_option_keys(options: Mapping[str, Any], where: str) -> None:
    """Refuse a key that is no option of the `kb` plugin, at the top or inside a group.

    Args:
        options: The `kb` plugin's options as written.
        where: Where they were written, e.g. `mkdocs.yml: plugins.kb`.

    Raises:
        ConfigError: A key is unknown; the message names it and the closest known one.
    """
    for key, value in options.items():
        if key not in OPTIONS:
            raise ConfigError(unknown_option(str(key), OPTIONS, where))
        group = OPTIONS[key]
        if group is not None and isinstance(value, Mapping):
            for inner in value:
                if inner not in group:
                    raise ConfigError(unknown_option(str(inner), group, f"{where}.{key}"))


@dataclass(frozen=True)
class SiteSettings:
    """What kb reads from `mkdocs.yml` besides its own options."""

    config_file: Path
    """The file read (its `INHERIT` parents merged in)."""
    settings: dict[str, Any]
    """Every setting, merged."""
    plugins: dict[str, Mapping[str, Any]]
    """Each plugin's options by plugin name."""

    @property
    def name(self) -> str:
        """The file's name, for messages."""
        return self.config_file.name

    def path_setting(self, key: str, default: str) -> str:
        """A setting that is a path (`docs_dir`, `site_dir`), or its default.

        Raises:
            ConfigError: The value is not a string.
        """
        value = self.settings.get(key, default)
        if not isinstance(value, str):
            raise ConfigError(f"{self.name}: {key} must be a path")
        return value

    def kb_options(self) -> dict[str, Any]:
        """The `kb` plugin's options, every key checked.

        Raises:
            ConfigError: An option is unknown.
        """
        options = dict(self.plugins.get("kb") or {})
        check_option_keys(options, f"{self.name}: plugins.kb")
        return options

    def i18n_languages(self) -> tuple[list[str], str]:
        """The built languages of the i18n plugin, and the default one (first marked, else the
        first built); `locale: null` switcher entries and `build: false` are left out.

        Raises:
            ConfigError: An entry has no locale.
        """
        raw = (self.plugins.get("i18n") or {}).get("languages")
        codes: list[str] = []
        default = None
        for entry in raw if isinstance(raw, list) else []:
            if (
                isinstance(entry, Mapping)
                and "locale" in entry
                and entry["locale"] in (None, "null")
            ):
                continue  # a switcher-only entry, never built
            if not isinstance(entry, Mapping) or not isinstance(entry.get("locale"), str):
                raise ConfigError(f"{self.name}: every plugins.i18n.languages entry needs a locale")
            if entry.get("build") is False:
                continue
            locale = str(entry["locale"])
            codes.append(locale)
            if entry.get("default") and default is None:
                default = locale
        return codes, default or (codes[0] if codes else "")


def read_site_settings(config_file: Path) -> SiteSettings:
    """Read `mkdocs.yml` (following `INHERIT`) and its plugin list.

    Raises:
        MissingConfig: The file does not exist.
        ConfigError: It cannot be read, is no mapping, or its plugin list cannot be read.
    """
    settings = _read(config_file, set())
    return SiteSettings(config_file, settings, _plugins(settings.get("plugins"), config_file.name))


def _read(path: Path, seen: set[Path]) -> dict[str, Any]:
    from kb.yamlio import YamlError, load_mkdocs_yaml, merge_config

    resolved = path.resolve()
    if resolved in seen:
        raise ConfigError(f"{path.name}: INHERIT loops back to itself")
    seen.add(resolved)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MissingConfig(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None
    try:
        config = load_mkdocs_yaml(text)
    except YamlError as error:
        raise ConfigError(f"{path.name}:{error.line}: {error.message}") from None
    config = config if config is not None else {}
    if not isinstance(config, dict):
        raise ConfigError(f"{path.name} must be a mapping of settings")
    parent = config.pop("INHERIT", None)
    if isinstance(parent, str):
        return merge_config(_read(path.parent / parent, seen), config)
    return config


def _plugins(value: Any, name: str) -> dict[str, Mapping[str, Any]]:
    items: list[tuple[Any, Any]] = []
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                items.append((item, {}))
            elif isinstance(item, Mapping) and len(item) == 1:
                items.extend(item.items())
            else:
                raise ConfigError(f"{name}: plugins has an entry kb cannot read: {item!r}")
    elif value is not None:
        raise ConfigError(f"{name}: plugins must be a list")
    entries: dict[str, Mapping[str, Any]] = {}
    for key, options in items:
        if options is not None and not isinstance(options, Mapping):
            raise ConfigError(f"{name}: options of plugin {key!r} must be a mapping")
        entries[str(key)] = options or {}
    return entries
