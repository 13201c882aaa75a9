"""Reading severities as users write them: `rule-or-code: error | warning | info | ignore`."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from kb.findings import Rule, Severity


@functools.cache
def _rules_by_key() -> dict[str, Rule]:
    # Built on first use, not at import: the codes come from the rule modules (`rule_infos`).
    return {
        **{rule.value: rule for rule in Rule},
        **{rule.code.lower(): rule for rule in Rule},
    }


class SeverityError(ValueError):
    """A rule or severity that kb does not know: the message says which and where."""


def rule_from_key(key: str) -> Rule:
    """The rule named by a rule name (`stale-translation`) or code (`KB103`).

    Raises:
        SeverityError: No rule has that name or code.
    """
    rule = _rules_by_key().get(key.strip().lower())
    if rule is None:
        raise SeverityError(f"unknown rule {key!r}: run `kb rules` to list the rules")
    return rule


def parse_severity(value: object, *, where: str) -> Severity:
    """A severity from its configuration spelling (`error`, `warning`, `info`, `ignore`).

    Raises:
        SeverityError: The value is not a severity.
    """
    try:
        return Severity(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in Severity)
        raise SeverityError(f"{where}: severity {value!r} is not one of {allowed}") from None


def parse_severities(value: object, *, where: str) -> dict[Rule, Severity]:
    """The rules a `{rule-or-code: level}` mapping names, with their severity.

    Args:
        value: The mapping as read from YAML; `None` names no rule.
        where: Where the mapping was written, e.g. `severity`, for the messages.

    Raises:
        SeverityError: The value is not a mapping, or names an unknown rule or level.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SeverityError(f"{where} must map rule names to error, warning, info or ignore")
    severities: dict[Rule, Severity] = {}
    for key, level in value.items():
        try:
            rule = rule_from_key(str(key))
        except SeverityError as error:
            raise SeverityError(f"{where}: {error}") from None
        severities[rule] = parse_severity(level, where=f"{where}.{key}")
    return severities


def parse_overrides(overrides: Iterable[str], *, example: str) -> dict[Rule, Severity]:
    """The rules named by `--severity RULE=LEVEL[,RULE=LEVEL…]` options, with their severity.

    Args:
        overrides: The option values, each one or more comma-separated `RULE=LEVEL`.
        example: A `RULE=LEVEL` shown when an item has no `=`.

    Raises:
        SeverityError: An item is not `RULE=LEVEL`, or names an unknown rule or level.
    """
    severities: dict[Rule, Severity] = {}
    for override in overrides:
        for item in override.split(","):
            name, equals, level = item.partition("=")
            if not equals:
                raise SeverityError(f"--severity {item!r}: write RULE=LEVEL, e.g. {example}")
            severities[rule_from_key(name)] = parse_severity(level, where=f"--severity {name}")
    return severities
