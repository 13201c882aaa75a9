"""English defaults of Markdown extensions replaced by the catalogue's strings."""

from __future__ import annotations

import markdown
import pytest

from kb.catalog import available_catalogs, site_strings
from kb.site.localize import ADMONITION_TYPES, TYPE_OF, admonition_title_key, localize_defaults

JA = site_strings("ja")


def render(source: str) -> str:
    """Render Markdown with the extensions the site uses for admonitions and headings."""
    return markdown.markdown(
        source,
        extensions=["admonition", "pymdownx.details", "pymdownx.superfences", "toc", "attr_list"],
        extension_configs={"toc": {"permalink": True}},
    )


def test_every_catalogue_titles_every_admonition_type_material_styles() -> None:
    assert set(ADMONITION_TYPES) == {
        "note", "abstract", "info", "tip", "success", "question",
        "warning", "failure", "danger", "bug", "example", "quote",
    }  # fmt: skip
    for language in available_catalogs():
        strings = site_strings(language)
        for kind in ADMONITION_TYPES:
            assert strings[admonition_title_key(kind)].strip(), (language, kind)
    japanese = [JA[admonition_title_key(kind)] for kind in ADMONITION_TYPES]
    assert len(set(japanese)) == len(japanese)


@pytest.mark.parametrize("name", sorted(TYPE_OF))
@pytest.mark.parametrize("marker", ["!!!", "???", "???+"])
def test_an_untitled_block_of_every_type_and_alias_gets_the_catalogue_title(
    name: str, marker: str
) -> None:
    page = localize_defaults(render(f"{marker} {name}\n    本文です。\n"), JA)
    expected = JA[admonition_title_key(TYPE_OF[name])]
    assert f">{expected}</" in page
    assert f">{name.capitalize()}</" not in page


def test_titles_given_by_the_writer_stay_and_only_defaults_change() -> None:
    source = (
        '!!! tip "先に確認しましょう"\n    a\n\n'
        '!!! note ""\n    b\n\n'
        "!!! warning inline end\n    c\n\n"
        "- item\n\n    !!! tldr\n        d\n\n"
        "!!! custom-box\n    e\n\n"
        "```\n!!! note\n```\n"
    )
    page = localize_defaults(render(source), JA)
    assert ">先に確認しましょう<" in page
    assert '<p class="admonition-title">' not in page.split('class="admonition note"')[1][:40]
    assert f">{JA['admonition_warning']}</p>" in page
    assert f">{JA['admonition_abstract']}</p>" in page
    assert ">Custom-box</p>" in page  # not a type Material styles: no catalogue title
    assert "!!! note" in page  # code is text, never rewritten


def test_heading_permalinks_get_the_catalogue_title() -> None:
    page = localize_defaults(render("## 返金 {#refunds}\n\ntext\n"), JA)
    assert f'title="{JA["permalink_title"]}"' in page
    assert "Permanent link" not in page
