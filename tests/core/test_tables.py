"""Tables in a focusable, named region each, so a keyboard can scroll them."""

from __future__ import annotations

import markdown

from kb.site.tables import focusable_tables


def test_every_table_gets_a_focusable_region_with_a_unique_name() -> None:
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    page = markdown.markdown(f"{table}\ntext\n\n{table}", extensions=["tables"])
    wrapped = focusable_tables(page, "表")
    assert wrapped.count('<div class="kb-table" tabindex="0" role="region"') == 2
    assert 'aria-label="表 1"' in wrapped
    assert 'aria-label="表 2"' in wrapped
    assert wrapped.count("<table>") == 2  # Material styles and wraps only class-less tables
    assert focusable_tables("<p>no table</p>", "Table") == "<p>no table</p>"
