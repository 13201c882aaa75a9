"""`source_digest`: a short hash of what a source article says (title and body)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from kb.front_matter import split_front_matter

if TYPE_CHECKING:
    from kb.articles import Article

DIGEST_LENGTH = 12
"""Hex characters kept from the SHA-256."""

_TRAILING_SPACE = re.compile(r"(?<![ \t])[ \t]++$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")
_SPACES = re.compile(r"\s+")


def normalise_body(body: str) -> str:
    """The body as the digest sees it: NFC, `\\n` endings, no trailing spaces, one blank line."""
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", body):
        body = unicodedata.normalize("NFC", body)
    if " \n" in body or "\t\n" in body or body.endswith((" ", "\t")):
        body = _TRAILING_SPACE.sub("", body)
    if "\n\n\n" in body:
        body = _BLANK_RUNS.sub("\n\n", body)
    return body.strip("\n")


def _normalise_title(title: Any) -> str:
    if title is None:
        return ""
    text = unicodedata.normalize("NFC", str(title))
    return _SPACES.sub(" ", text).strip()


def digest_of(title: Any, body: str) -> str:
    """Digest of a title and a body.

    Args:
        title: The front matter `title` (None when absent).
        body: The Markdown body after the front matter.

    Returns:
        The first 12 hex characters of the SHA-256 of the normalised title and body.
    """
    content = f"{_normalise_title(title)}\n\n{normalise_body(body)}"
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def source_digest(article: Article) -> str:
    """The digest a translation of `article` records in its `source_digest`.

    Only the title and the body count: whitespace-only edits and other front matter keys
    (`description`, `last_reviewed`) leave it unchanged.
    """
    return digest_of(article.front_matter.get("title"), article.body)


def digest_text(text: str) -> str:
    """Digest of an article given as its whole text (front matter included).

    Args:
        text: The article file's text.

    Returns:
        The same digest `source_digest` gives once the file is loaded.
    """
    from kb.yamlio import YamlError, load_document, load_simple

    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    block = split_front_matter(text)
    title = None
    if block.yaml is not None:
        try:
            data = (load_simple(block.yaml) or load_document(block.yaml)).data
        except YamlError:
            data = None
        if isinstance(data, dict):
            title = data.get("title")
    return digest_of(title, block.body)
