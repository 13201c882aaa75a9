"""Which rules run: `--select` and `--ignore` selectors, as ruff reads them."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from kb.findings import FAMILIES, Rule
from kb.project import ProjectError

if TYPE_CHECKING:
    from collections.abc import Iterable


@functools.cache
def rules_needing(needs: str) -> frozenset[Rule]:
    """The rules that need `needs`: `taxonomy` (the products rules), `glossary`, or `site` (only
    `kb links` reports them, never `kb check`)."""
    return frozenset(rule for rule in Rule if rule.info.needs == needs)


def split_selectors(values: Iterable[str]) -> list[str]:
    """Selectors from repeatable, comma-separated option values."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def rules_matching(selector: str) -> frozenset[Rule]:
    """Rules a selector names: a rule name, a code, a code prefix (`KB1`), a family, or `ALL`.

    Raises:
        ProjectError: The selector names no rule.
    """
    key = selector.strip().lower()
    if key == "all":
        return frozenset(Rule)
    if key in FAMILIES:
        return frozenset(rule for rule in Rule if rule.family == key)
    by_name = {rule.value: rule for rule in Rule}
    if key in by_name:
        return frozenset({by_name[key]})
    matched = frozenset(rule for rule in Rule if rule.code.lower().startswith(key))
    if key.startswith("kb") and matched:
        return matched
    raise ProjectError(
        f"unknown rule selector {selector!r}: use a rule name (stale-translation), a code "
        f"(KB103), a code prefix (KB1) or a family ({', '.join(FAMILIES)})"
    )


def select_rules(
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    *,
    has_taxonomy: bool = True,
    has_glossary: bool = True,
) -> frozenset[Rule]:
    """The rules a check runs.

    Args:
        select: Selectors to run (default: every rule).
        ignore: Selectors to leave out.
        has_taxonomy: Whether a product taxonomy is configured.
        has_glossary: Whether a glossary is configured.

    Returns:
        The enabled rules. Without a taxonomy the products rules are left out, and without a
        glossary the glossary rules, unless a selector names only such rules, which is an error.

    Raises:
        ProjectError: A selector is unknown, or selects only rules whose file is not configured.
    """
    unavailable: list[tuple[frozenset[Rule], str]] = []
    if not has_taxonomy:
        unavailable.append(
            (
                rules_needing("taxonomy"),
                "products rules, but no product taxonomy is configured: set 'taxonomy:' in the "
                "kb plugin options or add products.yml next to mkdocs.yml",
            )
        )
    if not has_glossary:
        unavailable.append(
            (
                rules_needing("glossary"),
                "glossary rules, but no glossary is configured: set 'glossary:' in the kb "
                "plugin options, add glossary.yml next to mkdocs.yml, or pass --glossary",
            )
        )
    selectors = split_selectors(select)
    enabled: set[Rule] = set()
    if not selectors:
        enabled = set(Rule)
    for selector in selectors:
        matched = rules_matching(selector)
        for rules, reason in unavailable:
            if matched <= rules:
                raise ProjectError(f"{selector!r} selects {reason}")
        enabled |= matched
    for selector in split_selectors(ignore):
        enabled -= rules_matching(selector)
    for rules, _ in unavailable:
        enabled -= rules
    return frozenset(enabled - rules_needing("site"))
