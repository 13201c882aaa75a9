"""The kb plugin's options, validated the way MkDocs does, without building."""

from __future__ import annotations

from typing import Any

import pytest
from mkdocs.plugins import get_plugins

from kb.site.plugin import KbPlugin


def load(options: dict[str, Any]) -> tuple[Any, list[Any], list[Any]]:
    plugin = KbPlugin()
    errors, warnings = plugin.load_config(options)
    return plugin, errors, warnings


def test_mkdocs_knows_the_kb_plugin() -> None:
    assert get_plugins()["kb"].load() is KbPlugin


def test_defaults() -> None:
    plugin, errors, warnings = load({})
    assert (errors, warnings) == ([], [])
    assert plugin.config.enabled is True
    assert plugin.config.notices is True
    assert plugin.config.taxonomy is None
    assert plugin.config.severity == {}
    assert plugin.config.parity.link_rewrites == {}
    assert plugin.config.content.embed_allowlist == []


def test_nested_options_are_typed() -> None:
    plugin, errors, _ = load(
        {
            "severity": {"missing-translation": "warning"},
            "parity": {
                "link_rewrites": {"https://x.example/en-us/": "https://x.example/ja-jp/"},
                "translation_only_links": ["https://www.nta.go.jp/"],
            },
            "content": {"embed_allowlist": ["https://www.youtube-nocookie.com/embed/"]},
        }
    )
    assert errors == []
    assert plugin.config.parity.translation_only_links == ["https://www.nta.go.jp/"]


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"enabled": "yes please"}, "enabled"),
        ({"parity": {"translation_only_links": "https://x"}}, "parity"),
        ({"parity": {"unknown": 1}}, "parity"),
        ({"severity": ["error"]}, "severity"),
        ({"severity": {"no-such-rule": "error"}}, "severity"),
        ({"severity": {"missing-translation": "loud"}}, "severity"),
        ({"notices": 3}, "notices"),
    ],
)
def test_invalid_options_are_rejected(options: dict[str, Any], key: str) -> None:
    _, errors, warnings = load(options)
    assert [name for name, _ in errors] == [key] or [name for name, _ in warnings] == [key]


def test_plugin_options_match_the_shared_option_list() -> None:
    from mkdocs.config import config_options as c

    from kb.options import OPTIONS
    from kb.site.config import KbConfig

    declared = {
        key: frozenset(k for k, _ in option.config_class._schema)
        if isinstance(option, c.SubConfig)
        else None
        for key, option in KbConfig._schema
    }
    assert declared == OPTIONS


@pytest.mark.parametrize(
    ("options", "key", "message"),
    [
        ({"stlye": {}}, "stlye", "unknown option 'stlye' (did you mean 'style'?)"),
        ({"taxonmy": "p.yml"}, "taxonmy", "unknown option 'taxonmy' (did you mean 'taxonomy'?)"),
        (
            {"parity": {"link_rewrtes": {}}},
            "parity",
            "unknown option 'link_rewrtes' (did you mean 'link_rewrites'?)",
        ),
    ],
)
def test_unknown_options_are_errors_naming_the_closest(
    options: dict[str, Any], key: str, message: str
) -> None:
    _, errors, warnings = load(options)
    assert [k for k, _ in errors] == [key]
    assert message in str(errors[0][1])
    assert warnings == []
