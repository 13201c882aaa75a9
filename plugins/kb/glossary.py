"""The terminology glossary (`glossary.yml`): loading and validating it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeGuard

from kb.docs_tree import MAX_DATA_BYTES, read_regular_file
from kb.findings import Finding, Rule, RuleInfo, Severity
from kb.yamlio import YamlDocument, YamlError, load_document

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

INFO: dict[Rule, RuleInfo] = {
    Rule.INVALID_GLOSSARY: RuleInfo(
        "KB507",
        "style",
        Severity.ERROR,
        "glossary.yml is invalid",
        needs="glossary",
        example=(
            "`glossary.yml` is not valid YAML, uses a YAML anchor or alias, or a term lacks its "
            "Japanese or a definition"
        ),
        fix="fix `glossary.yml` at the reported line",
    ),
}
"""The rule `load_glossary` reports."""

_TERM_KEYS = ("forbidden", "match", "definition")
_HINT = "see the comments at the top of glossary.yml for the shape of a term"


@dataclass(frozen=True, eq=False)
class Term:
    """One English term, its approved translations and the variants a translation must avoid."""

    term: str
    """The term in the source language, e.g. `payout`."""
    approved: dict[str, str]
    """The approved term per translation language, e.g. `{"ja": "入金"}`."""
    forbidden: dict[str, tuple[str, ...]]
    """Variants a translation must not use, per translation language."""
    match: tuple[str, ...]
    """Source-language forms that mean the source article uses the term (case-insensitive,
    whole words); the term itself when the file lists none."""
    definition: dict[str, str]
    """A one- or two-sentence definition per language, for the glossary page."""
    line: int = 1
    """Line of the entry in `glossary.yml`."""


@dataclass(frozen=True)
class Glossary:
    """The terms, in the file's order."""

    path: Path
    """The file it was read from."""
    terms: tuple[Term, ...] = ()
    """Valid terms, in the file's order."""
    by_term: dict[str, Term] = field(default_factory=dict)
    """Terms by their source-language term, lowercased."""

    def get(self, term: str) -> Term | None:
        """The entry of a source-language term (case-insensitive), or None."""
        return self.by_term.get(term.lower())


def load_glossary(
    path: Path,
    languages: Sequence[str] = ("en", "ja"),
    *,
    display_path: str | None = None,
) -> tuple[Glossary, list[Finding]]:
    """Read and validate `glossary.yml`.

    A term is a mapping with the source-language term under the source language's code, the
    approved term under each translation language's code, and optional `forbidden` (a list, or
    a mapping of language to list), `match` (a list of source-language forms) and `definition`
    (a mapping of language to text, needed in every language).

    Args:
        path: The glossary file.
        languages: The project's languages, the source language first.
        display_path: The path as findings report it (default: `path` as given).

    Returns:
        The glossary of the valid terms, and an `invalid-glossary` finding per problem, each
        with its line in the file.
    """
    shown = display_path or path.as_posix()
    findings: list[Finding] = []

    def report(line: int, message: str, hint: str = _HINT) -> None:
        findings.append(Finding(shown, line, Rule.INVALID_GLOSSARY, message, hint))

    try:
        text = read_regular_file(path, MAX_DATA_BYTES).decode("utf-8-sig").replace("\r\n", "\n")
    except OSError as error:
        report(1, f"cannot read the glossary: {error.strerror or error}", "check the file")
        return Glossary(path), findings
    except UnicodeDecodeError as error:
        line = path.read_bytes().count(b"\n", 0, error.start) + 1
        report(line, f"the glossary is not UTF-8 text (line {line})", "save glossary.yml as UTF-8")
        return Glossary(path), findings
    try:
        document = load_document(text)
    except YamlError as error:
        report(error.line, f"glossary.yml is not valid YAML: {error.message}", "fix the YAML")
        return Glossary(path), findings
    for where, line in document.duplicates:
        key = ".".join(str(part) for part in where)
        report(line, f"key '{key}' is given twice", "keep one of the two values")
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        report(1, "glossary.yml must have a 'terms:' list", "start the file with 'terms:'")
        return Glossary(path), findings
    for key in data:
        if key != "terms":
            report(document.line(str(key)), f"unknown top-level key '{key}'")
    source, *translations = languages
    terms: list[Term] = []
    by_term: dict[str, Term] = {}
    for index, entry in enumerate(data["terms"]):
        term = _term(entry, index, document, source, translations, report)
        if term is None:
            continue
        first = by_term.get(term.term.lower())
        if first is not None:
            report(
                term.line,
                f"term '{term.term}' is given twice (first on line {first.line})",
                "merge the two entries",
            )
            continue
        terms.append(term)
        by_term[term.term.lower()] = term
    _check_forbidden_parts(terms, report)
    return Glossary(path, tuple(terms), by_term), findings


def _term(
    entry: Any,
    index: int,
    document: YamlDocument,
    source: str,
    translations: Sequence[str],
    report: Callable[..., None],
) -> Term | None:
    line = document.line("terms", index)
    if not isinstance(entry, dict):
        report(line, f"term {index + 1} must be a mapping with '{source}' and its translations")
        return None

    def line_of(*keys: str | int) -> int:
        return document.line("terms", index, *keys, default=line)

    name = entry.get(source)
    if not _text(name):
        report(line, f"term {index + 1} has no '{source}' term", f"add '{source}: <term>'")
        return None
    for key in entry:
        if key not in (source, *translations, *_TERM_KEYS):
            report(line_of(str(key)), f"unknown key '{key}' in term '{name}'")
    valid = True
    approved: dict[str, str] = {}
    for language in translations:
        value = entry.get(language)
        if _text(value):
            approved[language] = value.strip()
        else:
            report(
                line_of(language) if language in entry else line,
                f"term '{name}' has no approved '{language}' term",
                f"add '{language}: <approved term>'",
            )
            valid = False
    forbidden = _forbidden(entry.get("forbidden"), name, translations, line_of, report)
    match = _strings(entry.get("match"), f"match of term '{name}'", line_of("match"), report)
    definition = entry.get("definition")
    texts: dict[str, str] = {}
    if not isinstance(definition, dict):
        report(
            line_of("definition") if "definition" in entry else line,
            f"term '{name}' needs a definition in every language",
            "add 'definition: {"
            + ", ".join(f"{lang}: ..." for lang in (source, *translations))
            + "}'",
        )
    else:
        texts = {str(lang): text.strip() for lang, text in definition.items() if _text(text)}
        for language in (source, *translations):
            if language not in texts:
                report(
                    line_of("definition"),
                    f"term '{name}' has no definition in '{language}'",
                    f"add '{language}: ...' to its definition",
                )
    if not valid:
        return None
    return Term(
        term=name.strip(),
        approved=approved,
        forbidden=forbidden,
        match=match or (name.strip(),),
        definition=texts,
        line=line,
    )


def _text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def _strings(value: Any, what: str, line: int, report: Callable[..., None]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(_text(item) for item in value):
        report(line, f"{what} must be a list of words", "write e.g. '[payout, payouts]'")
        return ()
    return tuple(item.strip() for item in value)


def _forbidden(
    value: Any,
    name: str,
    translations: Sequence[str],
    line_of: Callable[..., int],
    report: Callable[..., None],
) -> dict[str, tuple[str, ...]]:
    """`forbidden:` as a list (every translation language) or a mapping per language."""
    line = line_of("forbidden")
    if isinstance(value, dict):
        forbidden: dict[str, tuple[str, ...]] = {}
        for language, variants in value.items():
            if language not in translations:
                report(
                    line,
                    f"forbidden variants of term '{name}' name no translation language "
                    f"'{language}'",
                )
                continue
            where = f"forbidden variants of term '{name}' in '{language}'"
            forbidden[str(language)] = _strings(variants, where, line, report)
        return forbidden
    variants = _strings(value, f"forbidden variants of term '{name}'", line, report)
    return {language: variants for language in translations} if variants else {}


def _check_forbidden_parts(terms: list[Term], report: Callable[..., None]) -> None:
    """A forbidden variant inside an approved term would flag correct text."""
    for term in terms:
        for language, variants in term.forbidden.items():
            for variant in variants:
                for other in terms:
                    approved = other.approved.get(language, "")
                    if variant in approved:
                        report(
                            term.line,
                            f"forbidden variant '{variant}' of term '{term.term}' is part of the "
                            f"approved term '{approved}' ('{other.term}'), so correct text "
                            "would be reported",
                            f"remove '{variant}' from the forbidden variants",
                        )
