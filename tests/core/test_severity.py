"""The one severity parser shared by the plugin, `kb check` and `kb links`."""

from __future__ import annotations

import pytest

from kb.findings import Rule, Severity
from kb.severity import SeverityError, parse_overrides, parse_severities


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, {}),
        ({"stale-translation": "error"}, {Rule.STALE_TRANSLATION: Severity.ERROR}),
        ({"KB103": " Ignore "}, {Rule.STALE_TRANSLATION: Severity.IGNORE}),
    ],
)
def test_mapping_names_only_the_given_rules(value: object, expected: dict[Rule, Severity]) -> None:
    assert parse_severities(value, where="severity") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["error"], "severity must map rule names to error, warning, info or ignore"),
        ({"nope": "error"}, "severity: unknown rule 'nope'"),
        ({"KB101": "loud"}, "severity.KB101: severity 'loud' is not one of error, warning"),
    ],
)
def test_mapping_errors_say_where(value: object, message: str) -> None:
    with pytest.raises(SeverityError, match=message):
        parse_severities(value, where="severity")


def test_overrides_split_on_commas_and_later_wins() -> None:
    assert parse_overrides(
        ["broken-link=info,KB101=ignore", "broken-link=warning"], example="x=error"
    ) == {Rule.BROKEN_LINK: Severity.WARNING, Rule.MISSING_TRANSLATION: Severity.IGNORE}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("broken-link", "--severity 'broken-link': write RULE=LEVEL, e.g. x=error"),
        ("KB999=error", "unknown rule 'KB999'"),
        ("broken-link=fatal", "--severity broken-link: severity 'fatal' is not one of"),
    ],
)
def test_override_errors(item: str, message: str) -> None:
    with pytest.raises(SeverityError, match=message):
        parse_overrides([item], example="x=error")
