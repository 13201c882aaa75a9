"""Take personal data out of free text (comments, queries) before anything is stored.

Removed: e-mail addresses, card-like numbers (13 to 19 digits that pass the Luhn check),
Japanese My Number (12 digits) and phone numbers (10 or 11 digits, or an international
`+` number). Text is NFKC-normalised first, so full-width digits and `＠` are caught as well.
"""

from __future__ import annotations

import re
import unicodedata

EMAIL = "[email]"
CARD = "[card]"
MY_NUMBER = "[my-number]"
PHONE = "[phone]"

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
# A run of digits with the separators people type between groups.
_NUMBER = re.compile(r"\+?\(?\d(?:[ \-.()]{0,2}\d){6,}\)?", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check (as every payment card number does)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _number(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = re.sub(r"\D", "", run)
    count = len(digits)
    if 13 <= count <= 19 and luhn_valid(digits):
        return CARD
    if count == 12:
        return MY_NUMBER
    if count in (10, 11) or (run.startswith("+") and count >= 8):
        return PHONE
    return run


def scrub(text: str) -> str:
    """Return `text` NFKC-normalised, without control characters and personal data.

    Args:
        text: A comment or a search query as the browser sent it.

    Returns:
        The text with e-mail addresses, card numbers, My Numbers and phone numbers replaced
        by `[email]`, `[card]`, `[my-number]` and `[phone]`.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text)
    text = _EMAIL.sub(EMAIL, text)
    return _NUMBER.sub(_number, text)


def query_key(query: str) -> str:
    """The form of a query that groups the ways of typing it: NFKC (full-width and half-width
    forms fold), case folding and collapsed whitespace. Dakuten and handakuten stay: NFKC
    composes `ﾊﾟ` into `パ`, and パ, バ and ハ remain three different queries."""
    return " ".join(unicodedata.normalize("NFKC", query).casefold().split())
