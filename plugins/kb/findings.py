"""Findings: the one shape every kb check reports in, and the registry of rules."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.Enum):
    """How much a finding matters; the build logs and the CLI exit code follow it."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    IGNORE = "ignore"

    @property
    def rank(self) -> int:
        """Sort key: errors first."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2, Severity.IGNORE: 3}


@dataclass(frozen=True)
class RuleInfo:
    """The stable identity of a rule."""

    code: str
    """Stable code, e.g. `KB101`."""
    family: str
    """`parity`, `products`, `content` or `style`."""
    default: Severity
    """Severity when no configuration says otherwise."""
    summary: str
    """One line for `kb rules` and the README."""


class Rule(enum.Enum):
    """Every rule kb knows; the value is the stable kebab-case name."""

    MISSING_TRANSLATION = "missing-translation"
    ORPHAN_TRANSLATION = "orphan-translation"
    STALE_TRANSLATION = "stale-translation"
    UNTRACKED_TRANSLATION = "untracked-translation"
    HEADING_MISMATCH = "heading-mismatch"
    CODE_BLOCK_MISMATCH = "code-block-mismatch"
    IMAGE_MISMATCH = "image-mismatch"
    LINK_MISMATCH = "link-mismatch"
    ADMONITION_MISMATCH = "admonition-mismatch"
    TABLE_MISMATCH = "table-mismatch"
    FRONT_MATTER_MISMATCH = "front-matter-mismatch"
    MISSING_PRODUCTS = "missing-products"
    UNKNOWN_PRODUCT = "unknown-product"
    PRODUCTS_MISMATCH = "products-mismatch"
    INVALID_TAXONOMY = "invalid-taxonomy"
    INVALID_FRONT_MATTER = "invalid-front-matter"
    INVALID_ENCODING = "invalid-encoding"
    MALFORMED_HEADING = "malformed-heading"
    UNSAFE_HTML = "unsafe-html"
    BROKEN_LINK = "broken-link"
    BROKEN_ANCHOR = "broken-anchor"
    CROSS_LANGUAGE_LINK = "cross-language-link"
    MISSING_ASSET = "missing-asset"
    EXTERNAL_LINK = "external-link"
    MARKUP_IN_METADATA = "markup-in-metadata"
    UNSAFE_FILE_NAME = "unsafe-file-name"
    UNSAFE_SYMLINK = "unsafe-symlink"
    PLACEHOLDER = "placeholder"
    DUPLICATE_RELATED_SECTION = "duplicate-related-section"
    MISSING_REDIRECT = "missing-redirect"
    GLOSSARY_TERM = "glossary-term"
    MIXED_POLITENESS = "mixed-politeness"
    HALFWIDTH_KATAKANA = "halfwidth-katakana"
    FULLWIDTH_ALPHANUMERIC = "fullwidth-alphanumeric"
    INCONSISTENT_SPACING = "inconsistent-spacing"
    LONG_SENTENCE = "long-sentence"
    INVALID_GLOSSARY = "invalid-glossary"

    @property
    def info(self) -> RuleInfo:
        """Code, family, default severity and summary of this rule."""
        return RULES[self]

    @property
    def code(self) -> str:
        """Stable code, e.g. `KB101`."""
        return RULES[self].code

    @property
    def family(self) -> str:
        """Rule family, e.g. `parity`."""
        return RULES[self].family


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: dict[Rule, RuleInfo] = {
    Rule.MISSING_TRANSLATION: RuleInfo("KB101", "parity", _I, "English article has no translation"),
    Rule.ORPHAN_TRANSLATION: RuleInfo("KB102", "parity", _E, "translation has no English article"),
    Rule.STALE_TRANSLATION: RuleInfo(
        "KB103", "parity", _I, "English changed since the translation (source_digest differs)"
    ),
    Rule.UNTRACKED_TRANSLATION: RuleInfo("KB104", "parity", _W, "translation has no source_digest"),
    Rule.HEADING_MISMATCH: RuleInfo("KB105", "parity", _E, "heading levels differ from English"),
    Rule.CODE_BLOCK_MISMATCH: RuleInfo("KB106", "parity", _E, "code blocks differ from English"),
    Rule.IMAGE_MISMATCH: RuleInfo("KB107", "parity", _E, "images differ from English"),
    Rule.LINK_MISMATCH: RuleInfo("KB108", "parity", _E, "link targets differ from English"),
    Rule.ADMONITION_MISMATCH: RuleInfo("KB109", "parity", _E, "admonitions differ from English"),
    Rule.TABLE_MISMATCH: RuleInfo("KB110", "parity", _E, "tables differ from English"),
    Rule.FRONT_MATTER_MISMATCH: RuleInfo(
        "KB111", "parity", _E, "front matter keys or products differ from English"
    ),
    Rule.MISSING_PRODUCTS: RuleInfo("KB201", "products", _E, "article names no products"),
    Rule.UNKNOWN_PRODUCT: RuleInfo("KB202", "products", _E, "product id not in products.yml"),
    Rule.PRODUCTS_MISMATCH: RuleInfo(
        "KB203", "products", _E, "translation tagged with other products than English"
    ),
    Rule.INVALID_TAXONOMY: RuleInfo("KB204", "products", _E, "products.yml is invalid"),
    Rule.INVALID_FRONT_MATTER: RuleInfo("KB301", "content", _E, "front matter is not valid YAML"),
    Rule.INVALID_ENCODING: RuleInfo("KB302", "content", _E, "file is not UTF-8 text"),
    Rule.MALFORMED_HEADING: RuleInfo(
        "KB303", "content", _W, "heading without a space after '#' or with empty text"
    ),
    Rule.UNSAFE_HTML: RuleInfo(
        "KB304", "content", _E, "markup outside the output allowlist (script, handler, URL, embed)"
    ),
    Rule.BROKEN_LINK: RuleInfo("KB305", "content", _E, "link to a page that does not exist"),
    Rule.BROKEN_ANCHOR: RuleInfo("KB306", "content", _E, "link to a heading that does not exist"),
    Rule.CROSS_LANGUAGE_LINK: RuleInfo(
        "KB307", "content", _E, "link from one language's tree into another's"
    ),
    Rule.MISSING_ASSET: RuleInfo("KB308", "content", _E, "image or file that does not exist"),
    Rule.EXTERNAL_LINK: RuleInfo("KB309", "content", _W, "external link failed (--external)"),
    Rule.MARKUP_IN_METADATA: RuleInfo(
        "KB310", "content", _E, "HTML tag or character reference in a title or description"
    ),
    Rule.UNSAFE_FILE_NAME: RuleInfo(
        "KB311", "content", _E, "file name with characters unsafe in a URL or in HTML"
    ),
    Rule.UNSAFE_SYMLINK: RuleInfo(
        "KB312", "content", _E, "symlink that leaves the repository, loops or names a folder"
    ),
    Rule.PLACEHOLDER: RuleInfo(
        "KB314", "content", _E, "TODO marker or template text left from kb new or start-translation"
    ),
    Rule.DUPLICATE_RELATED_SECTION: RuleInfo(
        "KB315", "content", _W, "a second related-articles section written by hand"
    ),
    Rule.MISSING_REDIRECT: RuleInfo(
        "KB316", "content", _E, "article gone since the --changed ref with no redirect"
    ),
    Rule.GLOSSARY_TERM: RuleInfo(
        "KB501", "style", _W, "translation uses a forbidden variant or misses the glossary term"
    ),
    Rule.MIXED_POLITENESS: RuleInfo(
        "KB502", "style", _W, "です・ます and だ・である sentences mixed in one article"
    ),
    Rule.HALFWIDTH_KATAKANA: RuleInfo("KB503", "style", _W, "half-width katakana (ｶﾀｶﾅ)"),
    Rule.FULLWIDTH_ALPHANUMERIC: RuleInfo(
        "KB504", "style", _W, "full-width ASCII letters or digits (ＡＢＣ１２３)"
    ),
    Rule.INCONSISTENT_SPACING: RuleInfo(
        "KB505", "style", _W, "Japanese and ASCII spaced in some places and not in others"
    ),
    Rule.LONG_SENTENCE: RuleInfo(
        "KB506", "style", _W, "sentence longer than style.max_sentence_length characters"
    ),
    Rule.INVALID_GLOSSARY: RuleInfo("KB507", "style", _E, "glossary.yml is invalid"),
}

FAMILIES: tuple[str, ...] = ("parity", "products", "content", "style")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem, at one place, with a hint for the fix."""

    path: str
    """POSIX path relative to the working directory (the source article where known)."""
    line: int
    """1-based line; 1 for whole-file findings."""
    rule: Rule = field(compare=False)
    """What is wrong."""
    message: str = field(compare=False)
    """What is wrong, in one sentence, naming the specific thing."""
    hint: str = field(default="", compare=False)
    """How to fix it: a command or an edit."""
    language: str = field(default="", compare=False)
    """Language of the file the finding names (`en`, `ja`), or empty."""
    severity: Severity = field(default=Severity.ERROR, compare=False)
    """Effective severity, set from configuration by the check."""
    page: str = field(default="", compare=False)
    """Built HTML page relative to the site directory (`kb links` only)."""

    @property
    def code(self) -> str:
        """Stable code of the rule."""
        return self.rule.code

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of DESIGN.md."""
        data: dict[str, Any] = {
            "code": self.rule.code,
            "rule": self.rule.value,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "language": self.language,
            "message": self.message,
            "hint": self.hint,
        }
        if self.page:
            data["page"] = self.page
        return data


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Sort by path, line, then rule code, the order every output uses."""
    return sorted(findings, key=lambda f: (f.path, f.line, f.rule.code, f.message))
