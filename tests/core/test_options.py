"""The one reader of `mkdocs.yml` and kb's option list, shared by the plugin and the CLIs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kb.options import ConfigError, MissingConfig, check_option_keys, read_site_settings

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        ("[{locale: en, default: true}, {locale: ja}]", (["en", "ja"], "en")),
        ("[{locale: ja}, {locale: en, default: true}]", (["ja", "en"], "en")),
        ("[{locale: en, default: true}, {locale: ja, default: true}]", (["en", "ja"], "en")),
        ("[{locale: en}, {locale: fr, build: false}, {locale: null}]", (["en"], "en")),
    ],
)
def test_i18n_languages(tmp_path: Path, languages: str, expected: tuple[list[str], str]) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"plugins:\n  - i18n:\n      languages: {languages}\n", "utf-8")
    assert read_site_settings(config).i18n_languages() == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("plugins:\n  - [kb]\n", "plugins has an entry kb cannot read"),
        ("plugins: 3\n", "plugins must be a list"),
        ("plugins:\n  - kb: 3\n", "options of plugin 'kb' must be a mapping"),
        ("INHERIT: mkdocs.yml\n", "INHERIT loops back to itself"),
        ("- a\n", "must be a mapping of settings"),
    ],
)
def test_unreadable_configuration(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message):
        read_site_settings(config)


def test_missing_configuration(tmp_path: Path) -> None:
    with pytest.raises(MissingConfig):
        read_site_settings(tmp_path / "mkdocs.yml")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"glosary": "g.yml"}, "x: unknown option 'glosary' (did you mean 'glossary'?)"),
        ({"status": {"pag": False}}, "x.status: unknown option 'pag' (did you mean 'page'?)"),
        ({"qqq": 1}, "x: unknown option 'qqq'"),
    ],
)
def test_unknown_keys(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        check_option_keys(options, "x")
    assert str(raised.value) == message
