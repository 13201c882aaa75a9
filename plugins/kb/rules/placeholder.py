"""The placeholder rule (KB314): an article still holds the template it was started from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.findings import Finding, Rule, RuleInfo, Severity
from kb.placeholders import find_placeholders

if TYPE_CHECKING:
    from kb.articles import Article
    from kb.rules import RuleContext


INFO: dict[Rule, RuleInfo] = {
    Rule.PLACEHOLDER: RuleInfo(
        "KB314",
        "content",
        Severity.ERROR,
        "TODO marker or template text left from kb new or start-translation",
        example=(
            '`TODO: The first step.`, `# TODO(ja): Refund a payment`, `description: "TODO: ..."`, '
            'or a template sentence left after deleting its `TODO:` ("What causes it, and what to '
            'do about it.") from `kb new` or `kb start-translation`; one finding per file, on the '
            "first, with the count (not in code or comments)"
        ),
        fix=(
            "write the article's own text in its place; `kb mark-translated` refuses a translation"
            " that still has one"
        ),
    ),
}
"""The rules this module declares: code, family, default severity, summary, example, fix."""

RULES = frozenset(INFO)
"""The rules this module reports."""


def check_article(article: Article, context: RuleContext) -> list[Finding]:
    """Run `placeholder` (KB314): one finding per article, on its first placeholder.

    Args:
        article: The article.
        context: The check's shared state.

    Returns:
        Findings naming `article`.
    """
    if not context.wants(Rule.PLACEHOLDER):
        return []
    found = find_placeholders(article)
    if found is None:
        return []
    where = f"{found.count} placeholders, the first" if found.count > 1 else "a placeholder"
    return [
        Finding(
            article.path,
            found.line,
            Rule.PLACEHOLDER,
            f"{where} left from the template: {found.text!r}",
            "replace every TODO and template sentence with the article's own text "
            "(kb mark-translated refuses a translation that still has them)",
            article.language,
        )
    ]
