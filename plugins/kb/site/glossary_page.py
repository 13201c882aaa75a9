"""The glossary page's list of terms, generated from `glossary.yml` in each language."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kb.glossary import Glossary


def glossary_html(glossary: Glossary, language: str, source_language: str) -> str:
    """A definition list of every term, in the glossary's order, as an HTML block.

    Each entry shows the term in `language`, the term in the other language in parentheses, and
    the definition in `language` (falling back to the source language's). The glossary's text is
    data, never Markdown or HTML: it is escaped into a raw HTML block, which Markdown leaves
    alone, so no emphasis, link, attribute list, key (`++ctrl++`) or tag can come out of it, and
    a `<` in a definition shows as `<`.

    Args:
        glossary: The loaded glossary.
        language: Language of the page.
        source_language: The source language.

    Returns:
        Markdown to append to the page: a blank line, then one `<dl>` block.
    """
    lines = ["", "", '<dl class="kb-glossary">']
    for term in glossary.terms:
        shown = term.approved.get(language) or term.term
        other = (
            term.term
            if language != source_language
            else "、".join(
                term.approved[lang] for lang in sorted(term.approved) if lang != source_language
            )
        )
        definition = term.definition.get(language) or term.definition.get(source_language, "")
        label = f"<strong>{_text(shown)}</strong>"
        if other and other != shown:
            label += f" ({_text(other)})" if language == source_language else f"（{_text(other)}）"
        lines += [f"<dt>{label}</dt>", f"<dd>{_text(definition)}</dd>"]
    lines += ["</dl>", ""]
    return "\n".join(lines)


def _text(text: str) -> str:
    """Glossary text as HTML text: escaped, on one line (a raw HTML block ends at a blank one)."""
    return escape(" ".join(text.split()), quote=True)
