"""The glossary page's Markdown, generated from `glossary.yml` in each language."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kb.glossary import Glossary


def glossary_markdown(glossary: Glossary, language: str, source_language: str) -> str:
    """A definition list of every term, in the glossary's order.

    Each entry shows the term in `language`, the term in the other language in parentheses, and
    the definition in `language` (falling back to the source language's).

    Args:
        glossary: The loaded glossary.
        language: Language of the page.
        source_language: The source language.

    Returns:
        Markdown for the `def_list` extension, starting after a blank line.
    """
    lines = ["", ""]
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
        label = f"**{_escape(shown)}**"
        if other and other != shown:
            label += (
                f" ({_escape(other)})" if language == source_language else f"（{_escape(other)}）"
            )
        lines += [label, f":   {_escape(definition)}", ""]
    return "\n".join(lines)


def _escape(text: str) -> str:
    """Keep glossary text literal in Markdown (no emphasis, links or HTML)."""
    for char in "\\`*_[]<>":
        text = text.replace(char, f"\\{char}")
    return " ".join(text.split())
