"""Built pages lose the theme's indentation and nothing that renders."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from kb.site.compact_html import compact_html


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # whitespace-only text between tags, holding a newline: one newline
        ("<ul>\n    \n      <li>a</li>\n  \n</ul>", "<ul>\n<li>a</li>\n</ul>"),
        ("<div>  \t\r\n\n   <p>x</p></div>", "<div>\n<p>x</p></div>"),
        # no newline in the run: spaces between inline elements stay as they are
        ("<b>a</b>   <i>b</i>", "<b>a</b>   <i>b</i>"),
        # text with words keeps its whitespace, leading and trailing
        ("<span>\n   Help center\n  </span>", "<span>\n   Help center\n  </span>"),
        # attribute values are not text nodes
        ('<a title="a\n   \n  b">x</a>', '<a title="a\n   \n  b">x</a>'),
        # verbatim elements and comments keep every byte
        ("<pre>\n  <span>a</span>\n\n  <span>b</span>\n</pre>", None),
        ("<code>\n   <span>a</span>\n   <span>b</span></code>", None),
        ("<textarea>\n   </textarea>", None),
        ("<script>\n  if (a) {\n  }\n  </script>", None),
        ("<STYLE>\n  a {}\n  </STYLE>", None),
        ("<!--\n   <p>\n   -->", None),
    ],
)
def test_compact_html(html: str, expected: str | None) -> None:
    assert compact_html(html) == (html if expected is None else expected)


def test_verbatim_kept_between_compacted_parts() -> None:
    page = (
        "<body>\n    \n  <div>\n    <pre>\n    <b>x</b>\n    </pre>\n  </div>\n"
        "  <script>\n  1\n  </script>\n\n   <p>y</p>\n</body>"
    )
    compact = compact_html(page)
    assert compact == (
        "<body>\n<div>\n<pre>\n    <b>x</b>\n    </pre>\n</div>\n"
        "<script>\n  1\n  </script>\n<p>y</p>\n</body>"
    )
    assert len(compact) < len(page)


def test_rendered_text_is_unchanged() -> None:
    page = (
        "<!doctype html>\n<html>\n  <body>\n    <nav>\n      <ul>\n        \n"
        "        <li><a href='/'>Home</a></li>\n        \n        <li>Refunds  and fees</li>\n"
        "      </ul>\n    </nav>\n    <pre>  keep\n    this</pre>\n  </body>\n</html>\n"
    )

    def words(html: str) -> list[str]:
        body = LexborHTMLParser(html).body
        assert body is not None
        return body.text(deep=True).split()

    assert words(compact_html(page)) == words(page)
    pre = LexborHTMLParser(compact_html(page)).css_first("pre")
    assert pre is not None
    assert pre.text() == "  keep\n    this"
