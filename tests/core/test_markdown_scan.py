"""The fence-aware scanner: structure as Python-Markdown renders it, never Markdown in code."""

from __future__ import annotations

import pytest

from kb.markdown_scan import comparable_code, scan


def headings(body: str) -> list[tuple[int, str, int]]:
    return [(h.level, h.text, h.line) for h in scan(body).headings]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("# A\n\n## B\n", [(1, "A", 1), (2, "B", 3)], id="atx"),
        pytest.param("```\n# not\n```\n## B\n", [(2, "B", 4)], id="backtick fence"),
        pytest.param("~~~\n# not\n~~~\n## B\n", [(2, "B", 4)], id="tilde fence"),
        pytest.param(
            "````md\n```\n# not\n```\n````\n## B\n",
            [(2, "B", 6)],
            id="longer fence holds a shorter one",
        ),
        pytest.param(
            "~~~~\n~~~\n# not\n~~~~~\n# A\n", [(1, "A", 5)], id="closing fence may be longer"
        ),
        pytest.param(
            "```\n# not\n~~~\n# still code\n```\n# A\n",
            [(1, "A", 6)],
            id="other fence character does not close",
        ),
        pytest.param(
            "- item\n\n    ```bash\n    # not\n    ```\n\n# A\n",
            [(1, "A", 7)],
            id="indented fence in a list",
        ),
        pytest.param(
            "!!! note\n    ```\n    # not\n    ```\n    ## Inside\n",
            [(2, "Inside", 5)],
            id="heading inside an admonition",
        ),
        pytest.param("# A\n```python\n# code\n## more code\n", [(1, "A", 1)], id="unclosed fence"),
        pytest.param("\t```\n# not\n\t```\n# A\n", [(1, "A", 4)], id="tab-indented fence"),
        pytest.param("    # indented code\n", [], id="indented line is no heading"),
        pytest.param("Title\n=====\n\nSub\n---\n", [(1, "Title", 1), (2, "Sub", 4)], id="setext"),
        pytest.param("para\ntext\n---\n", [], id="a rule under a paragraph's second line"),
        pytest.param("<!--\n# hidden\n-->\n# A\n", [(1, "A", 4)], id="html comment"),
        pytest.param("## Fees {#fees}\n", [(2, "Fees", 1)], id="attribute list"),
        pytest.param("## A ##\n", [(2, "A", 1)], id="closing hashes"),
        pytest.param("##料金\n", [(2, "料金", 1)], id="no space is still a heading"),
        pytest.param("```x```\n# A\n", [(1, "A", 2)], id="inline triple backticks are no fence"),
        pytest.param('=== "Tab"\n\n    ## In tab\n', [(2, "In tab", 3)], id="content tab"),
    ],
)
def test_headings(body: str, expected: list[tuple[int, str, int]]) -> None:
    assert headings(body) == expected


def test_explicit_id_and_malformed_flags() -> None:
    found = scan("## Fees {: #fees .x }\n\n##料金\n\n#\n\n## Fees{#x}\n").headings
    assert [(h.explicit_id, h.malformed) for h in found] == [
        ("fees", ""),
        (None, "no-space"),
        (None, "empty"),
        (None, ""),
    ]


def test_line_numbers_count_from_the_front_matter() -> None:
    structure = scan("\n# A\n\n[x](y.md)\n", first_line=7)
    assert structure.headings[0].line == 8
    assert structure.links[0].line == 10


def test_code_blocks() -> None:
    body = (
        '```python title="a.py"\nx = 1  # set\n\n# alone\n```\n\n'
        "~~~sql\nSELECT 1; -- one\n~~~\n\n```js\nf(); // call\n/* block\ncomment */ g();\n```\n"
        "```\nunclosed\n"
    )
    blocks = scan(body).code_blocks
    assert [(b.language, b.code, b.line, b.closed) for b in blocks] == [
        ("python", ("x = 1",), 1, True),
        ("sql", ("SELECT 1;",), 7, True),
        ("js", ("f();", " g();"), 11, True),
        ("", ("unclosed",), 16, False),
    ]
    assert blocks[0].info == 'python title="a.py"'


@pytest.mark.parametrize(
    ("lines", "language", "expected"),
    [
        (["curl https://x.example/a  # fetch"], "bash", ("curl https://x.example/a",)),
        (["<p>a</p> <!-- note -->"], "html", ("<p>a</p>",)),
        (["url = 'https://x.example' // c"], "js", ("url = 'https://x.example'",)),
        (["a = 1", "", "   "], "python", ("a = 1",)),
        (["SELECT 1 -- c"], "text", ("SELECT 1 -- c",)),
    ],
)
def test_comparable_code(lines: list[str], language: str, expected: tuple[str, ...]) -> None:
    assert comparable_code(lines, language) == expected


def test_markdown_inside_code_is_never_structure() -> None:
    body = (
        "```markdown\n# H\n[l](x.md)\n![i](i.svg)\n!!! note\n| a | b |\n|---|---|\n"
        "<script>x</script>\n```\n\nText `[no](link.md)` and `<script>` here.\n"
    )
    structure = scan(body)
    assert structure.headings == ()
    assert structure.links == ()
    assert structure.images == ()
    assert structure.admonitions == ()
    assert structure.tables == ()
    assert structure.html_tags == ()


def test_links() -> None:
    body = (
        '# A\n\nSee [one](one.md#x "title") and [two\nlines](two.md).\n\n'
        "Ref [three][r] and [r] and [four][].\n\n"
        '<https://auto.example/> and <a href="five.md" hreflang="en">5</a>\n\n'
        "[English](../../en/x.md){hreflang=en} [Lang](y.md){: lang=en }\n\n"
        "[r]: https://r.example/\n[four]: <four.md>\n\n- [ ] task\n"
    )
    links = scan(body).links
    assert [(link.target, link.line, link.section, link.lang, link.kind) for link in links] == [
        ("one.md#x", 3, 1, None, "inline"),
        ("two.md", 3, 1, None, "inline"),
        ("https://r.example/", 6, 1, None, "reference"),
        ("https://r.example/", 6, 1, None, "reference"),
        ("four.md", 6, 1, None, "reference"),
        ("https://auto.example/", 8, 1, None, "autolink"),
        ("five.md", 8, 1, "en", "html"),
        ("../../en/x.md", 10, 1, "en", "inline"),
        ("y.md", 10, 1, "en", "inline"),
    ]


def test_links_do_not_span_paragraphs() -> None:
    assert scan("[a\n\nb](x.md)\n").links == ()


def test_images() -> None:
    body = '![Alt *text*](a.svg "t")\n\n[![inner](b.svg)](page.md)\n\n<img src="c.svg" alt="C">\n'
    structure = scan(body)
    assert [(i.target, i.alt, i.line, i.kind) for i in structure.images] == [
        ("a.svg", "Alt *text*", 1, "inline"),
        ("b.svg", "inner", 3, "inline"),
        ("c.svg", "C", 5, "html"),
    ]
    assert [link.target for link in structure.links] == ["page.md"]


def test_admonitions_and_tables_by_section() -> None:
    body = (
        '!!! note\n    text\n\n# A\n\n??? tip "T"\n    x\n\n???+ warning\n    y\n\n'
        "| a | b | c |\n|:--|--:|---|\n| 1 | 2 | 3 |\n\n## B\n\ntext\n| x |\n|---|\n\n"
        "a | b\n--- | ---\n"
    )
    structure = scan(body)
    assert [(a.kind, a.line, a.section) for a in structure.admonitions] == [
        ("note", 1, 0),
        ("tip", 6, 1),
        ("warning", 9, 1),
    ]
    assert [(t.columns, t.line, t.section) for t in structure.tables] == [(3, 12, 1), (2, 22, 2)]


def test_html_tags() -> None:
    body = (
        '<div id="top" class="x">\n<a name="old"\n   href="y.md">y</a>\n'
        "<img src=x onerror=alert(1)>\n<SCRIPT\n"
    )
    structure = scan(body)
    assert [(t.name, t.line) for t in structure.html_tags] == [
        ("div", 1),
        ("a", 2),
        ("img", 4),
        ("script", 5),
    ]
    assert structure.html_tags[2].attrs == (("src", "x"), ("onerror", "alert(1)"))
    assert structure.anchors == {"top", "old"}


def test_attribute_list_ids_are_anchors() -> None:
    assert scan("Text.\n{: #para }\n\n## H {#h}\n").anchors == {"para"}


def test_suppressions() -> None:
    structure = scan("a\n<!-- kb: ignore[broken-link, KB306] -->\nb <!--kb:ignore[x]-->\n", 5)
    assert structure.suppressions == {6: {"broken-link", "kb306"}, 7: {"x"}}
    assert structure.is_suppressed(7, "broken-link")
    assert structure.is_suppressed(6, "KB306")
    assert not structure.is_suppressed(8, "broken-link")
    assert structure.is_suppressed(8, "x")


def test_sections() -> None:
    structure = scan("intro [a](a.md)\n\n# One\n\n[b](b.md)\n\n## Two\n\n[c](c.md)\n")
    assert [
        [link.target for link in section] for section in structure.by_section(structure.links)
    ] == [["a.md"], ["b.md"], ["c.md"]]
    assert [structure.section_line(i) for i in range(3)] == [1, 3, 7]


def test_line_kinds() -> None:
    body = "# A\n\ntext\n```\ncode\n```\n!!! note\n| a |\n|---|\n\n[r]: x\nT\n=\n"
    assert scan(body, keep_kinds=True).line_kinds == (
        "heading",
        "blank",
        "text",
        "fence",
        "code",
        "fence",
        "admonition",
        "table",
        "table",
        "blank",
        "refdef",
        "heading",
        "setext",
        "blank",
    )
