"""The rules only `kb links` reports, on the built site: their metadata.

`kb.links.scan` reports `unreadable-page` and `kb.links.trace` `external-link` (with
`kb.links.external`); their metadata lives here, apart from the HTML parser and the network
code, because every `kb check` loads the whole rule registry.
"""

from __future__ import annotations

from kb.findings import Rule, RuleInfo, Severity

INFO: dict[Rule, RuleInfo] = {
    Rule.EXTERNAL_LINK: RuleInfo(
        "KB309",
        "content",
        Severity.WARNING,
        "external link failed (--external)",
        needs="site",
        example=(
            "with `kb links --external`, a link to another site answers 404, times out, misses its"
            " deadline or redirects off http/https"
        ),
        fix="fix or remove the link",
    ),
    Rule.UNREADABLE_PAGE: RuleInfo(
        "KB313",
        "content",
        Severity.ERROR,
        "built page kb links cannot read (too large, unreadable)",
        needs="site",
        example=(
            "with `kb links`, a built page, stylesheet or script is over `--max-page-mb` (20 MB) "
            "or cannot be read: its links and ids were not checked"
        ),
        fix=(
            "find what makes the file so large (or raise `--max-page-mb`), or make it readable and"
            " rebuild"
        ),
    ),
}
"""The rules `kb links` alone reports (`needs="site"`: `kb check` never runs them)."""
