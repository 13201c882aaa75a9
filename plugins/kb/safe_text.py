"""What counts as markup in a writer's text, and which names are safe in URLs, HTML and paths."""

from __future__ import annotations

import re
import string
import unicodedata
from html.entities import html5

# What an HTML tokenizer reads as the start of a tag, a comment, a doctype or a processing
# instruction: `<` then a letter, `</` then a letter, `<!` or `<?`. `3 < 5` and `<3` are text.
_TAG = re.compile(r"</?[A-Za-z]|<[!?]")
_REFERENCE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9A-Fa-f]+;?|([A-Za-z][A-Za-z0-9]*);)")
_SHOWN = 60

ICON_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*){1,2}\Z")
"""A theme icon id such as `material/bank-transfer` or `fontawesome/brands/github`: it becomes
a template path (`.icons/<id>.svg`), so no dots, no other separators, nothing relative."""

_NAME_SAFE_ASCII = frozenset(string.ascii_letters + string.digits + "-_.")
# Control and format characters (bidi overrides, zero-width joiners), surrogates, private use,
# unassigned code points and every kind of space or separator.
_NAME_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def markup_in(text: str) -> str | None:
    """The first HTML tag, comment or character reference in a piece of writer's text.

    Plain text that merely uses `<`, `>` or `&` is not markup: `Fees & statements`, `3 < 5`,
    `AT&T` and `a -> b` are text. `<b>`, `</title>`, `<!--`, `&lt;`, `&amp;` and `&#60;` are
    markup: a browser would read them as HTML, and kb shows metadata as text, so readers would
    see them literally.

    Args:
        text: A title, a description or a product name.

    Returns:
        The offending piece (a tag up to its `>`, at most 60 characters), or None.
    """
    found: list[tuple[int, str]] = []
    tag = _TAG.search(text)
    if tag is not None:
        end = text.find(">", tag.start())
        stop = end + 1 if end != -1 else len(text)
        found.append((tag.start(), text[tag.start() : min(stop, tag.start() + _SHOWN)]))
    for reference in _REFERENCE.finditer(text):
        name = reference.group(1)
        if name is None or f"{name};" in html5:
            found.append((reference.start(), reference.group(0)))
            break
    return min(found)[1] if found else None


def unsafe_name_character(name: str) -> str | None:
    """The first character of a file or folder name that is unsafe in a URL or in HTML.

    Safe: ASCII letters, digits, `-`, `_` and `.`, and any letter, mark, digit, punctuation or
    symbol outside ASCII (so `返金.md` and `振込・入金.md` are fine). Unsafe: every other ASCII
    character (spaces, `<>"'&` and `` ` `` that break HTML, `#?%:\\` that change what a URL
    means, and the rest), control and invisible formatting characters (such as the right-to-left
    override that disguises a name), and spaces or separators of any script.

    Args:
        name: One path segment.

    Returns:
        The first unsafe character, or None.
    """
    for char in name:
        if char.isascii():
            if char not in _NAME_SAFE_ASCII:
                return char
        elif unicodedata.category(char) in _NAME_UNSAFE_CATEGORIES:
            return char
    return None


def describe_character(char: str) -> str:
    """A character as a message shows it: `'<'`, or `U+202E RIGHT-TO-LEFT OVERRIDE`."""
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"
