"""Drop the theme's indentation from built pages: whitespace between tags becomes a newline.

Material's templates indent every line and leave the blank lines of their `{% if %}` blocks; on a
1,000-pair site that is about 15 % of every page's bytes. A run of whitespace that holds a
newline and sits between two tags renders exactly like a single newline (HTML collapses it to one
space, or to nothing between blocks), so it is replaced by one. Nothing else is touched: text
with words in it, attribute values, comments, and the content of `pre`, `code`, `textarea`,
`script` and `style`, where whitespace can matter (and where the output allowlist hashes the
theme's inline scripts by exact text).
"""

from __future__ import annotations

import re

# Verbatim content is matched whole, and kept; otherwise a run of whitespace holding a newline
# between `>` and `<` (a text node of whitespace only) becomes one newline.
_RUN = re.compile(
    r"(<(pre|code|textarea|script|style)\b.*?</\2\s*>|<!--.*?-->)|(?<=>)[ \t\r\f]*\n\s*(?=<)",
    re.DOTALL | re.IGNORECASE,
)


def _keep_verbatim(match: re.Match[str]) -> str:
    return match.group(1) or "\n"


def compact_html(html: str) -> str:
    """Return `html` with every whitespace-only text node that holds a newline made one newline.

    Args:
        html: A built page.

    Returns:
        The page, rendering the same, shorter by the theme's indentation and blank lines.
    """
    return _RUN.sub(_keep_verbatim, html)
