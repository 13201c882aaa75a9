"""Search terms for Japanese text: one segmentation, applied to the index and to the query.

Japanese has no spaces, and a dictionary segmenter splits `2023年` into digits or `手数料` into
`手数|料` in one place and not in another. kb does not guess words: it indexes every run of Han and
kana as overlapping character bigrams (`振込手数料` gives `振込 込手 手数 数料`), keeps ASCII runs
(`2023`, `1,500`, `api`) whole, and cuts symbols such as `〜` loose. A query goes through the same
function in the browser (`assets/kb/search.js`, `segment`), so `手数料` (`手数 数料`) finds
`振込手数料` and `2023年` (`2023 年`) finds `2023年10月`. A single character (`年`) is matched as
the prefix of the bigrams that start with it. Both sides first apply NFKC, which folds full-width
digits and Latin letters and half-width katakana into the forms the articles use.
"""

from __future__ import annotations

import re
import unicodedata

# Han, hiragana and katakana (with the prolonged sound mark ー and the iteration marks), but
# not the katakana middle dot ・, which is punctuation. Kept in step with `search.js`.
_RUN = re.compile(
    "[\u3005\u3006\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
)
# Symbols and punctuation outside ASCII (〜, ・, ※, →, 「」, 、。): words on each side stay apart.
_LOOSE = re.compile("[\u2010-\u2bff\u3000-\u3004\u3007-\u303f\u30fb\uff00-\uffef]")
_SPACES = re.compile(r"\s+")


def _bigrams(match: re.Match[str]) -> str:
    run = match.group(0)
    if len(run) < 2:
        return f" {run} "
    return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "


def segment(text: str) -> str:
    """Return the search terms of Japanese text, separated by single spaces.

    Args:
        text: Text of a page, or a query, in any width.

    Returns:
        NFKC-normalised text where each Han/kana run is replaced by its bigrams, e.g.
        `segment("振込手数料は1,500円")` is `"振込 込手 手数 数料 料は 1,500 円"`.
    """
    normal = unicodedata.normalize("NFKC", text)
    loose = _LOOSE.sub(lambda match: f" {match.group(0)} ", normal)
    return _SPACES.sub(" ", _RUN.sub(_bigrams, loose)).strip()


def ends_in_run(text: str) -> bool:
    """Whether segmented text ends with Han or kana (a bigram, or a single character)."""
    stripped = text.rstrip()
    return bool(stripped) and _RUN.fullmatch(stripped[-1]) is not None


def segment_keeping_edges(text: str) -> str:
    """Segment a text node of an HTML page, keeping a leading or trailing space.

    Args:
        text: The text between two tags.

    Returns:
        `segment(text)` with one space where `text` started or ended with whitespace, so that
        words of neighbouring elements (`<td>` cells, list items) do not run together.
    """
    core = segment(text)
    if not core:
        return " " if text[:1].isspace() or text[-1:].isspace() else ""
    start = " " if text[:1].isspace() else ""
    end = " " if text[-1:].isspace() else ""
    return f"{start}{core}{end}"
