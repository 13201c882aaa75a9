"""Findings: the one shape every kb check reports in, and the names of the rules.

A rule's metadata (`RuleInfo`) is declared by the module that reports it; `rule_infos` gathers
them.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping


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
    """The stable identity of a rule, declared in the `INFO` of the module that reports it."""

    code: str
    """Stable code, e.g. `KB101`."""
    family: str
    """`parity`, `products`, `content` or `style`."""
    default: Severity
    """Severity when no configuration says otherwise."""
    summary: str
    """One line for `kb rules`."""
    needs: str = ""
    """What the rule needs besides articles: `taxonomy` (products.yml), `glossary`
    (glossary.yml), `site` (a built site: only `kb links` reports it), or nothing."""
    example: str = ""
    """When it fails, with an example (the README's rules table shows it)."""
    fix: str = ""
    """How to fix a finding (the README's rules table shows it)."""


class Rule(enum.Enum):
    """Every rule kb knows; the value is the stable kebab-case name.

    One line per rule here (mypy needs the members); the rest is in its module's `INFO`.
    """

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
    UNREADABLE_PAGE = "unreadable-page"
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
        return rule_infos()[self]

    @property
    def code(self) -> str:
        """Stable code, e.g. `KB101`."""
        return rule_infos()[self].code

    @property
    def family(self) -> str:
        """Rule family, e.g. `parity`."""
        return rule_infos()[self].family


@functools.cache
def rule_infos() -> Mapping[Rule, RuleInfo]:
    """Every rule's metadata, in `Rule` order.

    Each module that reports a rule declares its `RuleInfo` (its `INFO`), and those modules
    import this one: `kb.rules.registry` gathers them on first use, not at import time.
    """
    from kb.rules.registry import gather_rule_infos

    return gather_rule_infos()


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
        """The JSON shape of a finding (`--format json`)."""
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
