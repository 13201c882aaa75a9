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
    """One line for `kb rules`."""
    needs: str = ""
    """What the rule needs besides articles: `taxonomy` (products.yml), `glossary`
    (glossary.yml), `site` (a built site: only `kb links` reports it), or nothing."""
    example: str = ""
    """When it fails, with an example (the README's rules table shows it)."""
    fix: str = ""
    """How to fix a finding (the README's rules table shows it)."""


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
    Rule.MISSING_TRANSLATION: RuleInfo(
        "KB101",
        "parity",
        _I,
        "English article has no translation",
        example=(
            "`docs/en/payouts/payout-schedule.md` has no `docs/ja/payouts/payout-schedule.md`, or "
            "only a draft of it (`draft: true`)"
        ),
        fix=(
            "`kb start-translation docs/en/payouts/payout-schedule.md`, translate, `kb "
            "mark-translated`"
        ),
    ),
    Rule.ORPHAN_TRANSLATION: RuleInfo(
        "KB102",
        "parity",
        _E,
        "translation has no English article",
        example="`docs/ja/payments/campaign.md` exists, `docs/en/payments/campaign.md` does not",
        fix="add the English article, or move/delete the Japanese one",
    ),
    Rule.STALE_TRANSLATION: RuleInfo(
        "KB103",
        "parity",
        _I,
        "English changed since the translation (source_digest differs)",
        example="the English article changed after `kb mark-translated`",
        fix=(
            "`kb diff docs/ja/<path>.md`, update the Japanese, "
            "`kb mark-translated docs/ja/<path>.md`"
        ),
    ),
    Rule.UNTRACKED_TRANSLATION: RuleInfo(
        "KB104",
        "parity",
        _W,
        "translation has no source_digest",
        example="a Japanese article that is no draft has no `source_digest`",
        fix="check it matches English, then `kb mark-translated docs/ja/<path>.md`",
    ),
    Rule.HEADING_MISMATCH: RuleInfo(
        "KB105",
        "parity",
        _E,
        "heading levels differ from English",
        example="English `## Refund timing` is an h2, the Japanese `### 返金のタイミング` an h3",
        fix="use the same heading levels in the same order",
    ),
    Rule.CODE_BLOCK_MISMATCH: RuleInfo(
        "KB106",
        "parity",
        _E,
        "code blocks differ from English",
        example=(
            "the Japanese code block says `amount=300` where English says `amount=3000`, or a "
            "block is missing"
        ),
        fix="copy the code from English; only comments may be translated",
    ),
    Rule.IMAGE_MISMATCH: RuleInfo(
        "KB107",
        "parity",
        _E,
        "images differ from English",
        example="English shows `../assets/diagrams/payouts-timeline.svg`, Japanese shows no image",
        fix="use the same images in the same order (alt text is translated)",
    ),
    Rule.LINK_MISMATCH: RuleInfo(
        "KB108",
        "parity",
        _E,
        "link targets differ from English",
        example=(
            "English links `../payouts/payout-schedule.md` in a section, Japanese links "
            "`../payouts/add-bank-account.md` there"
        ),
        fix="link the twin of what English links to, in the same section",
    ),
    Rule.ADMONITION_MISMATCH: RuleInfo(
        "KB109",
        "parity",
        _E,
        "admonitions differ from English",
        example="English has `!!! warning` in a section, Japanese has `!!! note` or none",
        fix="keep the same admonition types per section",
    ),
    Rule.TABLE_MISMATCH: RuleInfo(
        "KB110",
        "parity",
        _E,
        "tables differ from English",
        example="the English table has 4 columns, the Japanese 3",
        fix="keep the same tables and column counts",
    ),
    Rule.FRONT_MATTER_MISMATCH: RuleInfo(
        "KB111",
        "parity",
        _E,
        "front matter keys or products differ from English",
        example="English has `last_reviewed`, Japanese does not",
        fix="keep the same keys (values are translated)",
    ),
    Rule.MISSING_PRODUCTS: RuleInfo(
        "KB201",
        "products",
        _E,
        "article names no products",
        needs="taxonomy",
        example="an article has no `products:`",
        fix="add `products: [<id>]` (pages that are not articles say `kind: page`)",
    ),
    Rule.UNKNOWN_PRODUCT: RuleInfo(
        "KB202",
        "products",
        _E,
        "product id not in products.yml",
        needs="taxonomy",
        example="`products: [payout]` (did you mean `payouts`?)",
        fix="use an id from `products.yml`",
    ),
    Rule.PRODUCTS_MISMATCH: RuleInfo(
        "KB203",
        "products",
        _E,
        "translation tagged with other products than English",
        needs="taxonomy",
        example="English `[payouts]`, Japanese `[payouts, payments]`",
        fix="tag both languages the same",
    ),
    Rule.INVALID_TAXONOMY: RuleInfo(
        "KB204",
        "products",
        _E,
        "products.yml is invalid",
        needs="taxonomy",
        example=(
            "`products.yml` has a duplicate id, a language without a name, markup in a name or "
            'description (`name: {en: "<b>Cards</b>"}`), an icon that is no theme icon id (`icon: '
            "../x`), or a YAML anchor or alias"
        ),
        fix=(
            "fix `products.yml` at the reported line (plain text; icons like "
            "`material/bank-transfer`; write each value out)"
        ),
    ),
    Rule.INVALID_FRONT_MATTER: RuleInfo(
        "KB301",
        "content",
        _E,
        "front matter is not valid YAML",
        example=(
            "front matter is not valid YAML, not a mapping, repeats a key, has a `title` or "
            "`description` that is not text, uses a YAML anchor or alias (`description: *i`), or "
            "picks a theme template (`template: redirect.html`) or an `icon:` that is no icon of "
            "the theme"
        ),
        fix=(
            "fix the YAML at the reported line; write each value out; remove `template:` (only "
            "`main.html`, `kb-home.html`)"
        ),
    ),
    Rule.INVALID_ENCODING: RuleInfo(
        "KB302",
        "content",
        _E,
        "file is not UTF-8 text",
        example=(
            "the file is Shift_JIS or has binary bytes; or it cannot be read, is over 256 KB, is a"
            " named pipe or device, or sits more than 32 folders deep"
        ),
        fix="save it as UTF-8; split the article; remove the file or flatten the folders",
    ),
    Rule.MALFORMED_HEADING: RuleInfo(
        "KB303",
        "content",
        _W,
        "heading without a space after '#' or with empty text",
        example="`##料金` (no space: MkDocs renders a heading, GitHub shows text)",
        fix="write `## 料金`",
    ),
    Rule.UNSAFE_HTML: RuleInfo(
        "KB304",
        "content",
        _E,
        "markup outside the output allowlist (script, handler, URL, embed)",
        example=(
            "`<script>`, an event handler (`onclick=`, also from an attribute list: `![a](x.png){ "
            "onload=... }`), a `javascript:`, `vbscript:` or `data:text/html` URL (however "
            "encoded: `&#106;avascript:`, `java&#x09;script:`), `<base>`, `<meta http-equiv>`, "
            "`srcdoc`, SVG `<animate>`/`<set>`, a `<form>`, a `style=` attribute, an image from "
            "another host, an `<iframe>` outside the allowlist: anything outside the output "
            "allowlist (Security). `kb check` scans the Markdown; the build checks the HTML it "
            "renders (the line is the nearest one that names the markup), `kb links` the built "
            "site"
        ),
        fix="remove it, or allow the embed's URL prefix in `content.embed_allowlist`",
    ),
    Rule.BROKEN_LINK: RuleInfo(
        "KB305",
        "content",
        _E,
        "link to a page that does not exist",
        example="`[fees](../payments/fee.md)` points to no article",
        fix="fix the path",
    ),
    Rule.BROKEN_ANCHOR: RuleInfo(
        "KB306",
        "content",
        _E,
        "link to a heading that does not exist",
        example="`[partial](refund-a-payment.md#partial)` has no such heading",
        fix="use the heading's id (`#partial-refunds`)",
    ),
    Rule.CROSS_LANGUAGE_LINK: RuleInfo(
        "KB307",
        "content",
        _E,
        "link from one language's tree into another's",
        example="a Japanese article links into `docs/en/`",
        fix="link the Japanese twin, or mark an intended link with `{hreflang=en}`",
    ),
    Rule.MISSING_ASSET: RuleInfo(
        "KB308",
        "content",
        _E,
        "image or file that does not exist",
        example="`![diagram](../assets/diagrams/missing.svg)` does not exist",
        fix="add the file or fix the path (an image under `docs/en/` also serves Japanese)",
    ),
    Rule.EXTERNAL_LINK: RuleInfo(
        "KB309",
        "content",
        _W,
        "external link failed (--external)",
        needs="site",
        example=(
            "with `kb links --external`, a link to another site answers 404, times out, misses its"
            " deadline or redirects off http/https"
        ),
        fix="fix or remove the link",
    ),
    Rule.MARKUP_IN_METADATA: RuleInfo(
        "KB310",
        "content",
        _E,
        "HTML tag or character reference in a title or description",
        example=(
            "`title: Refunds <b>fast</b>`, `description: Fees &amp; charges` (tags, comments and "
            "character references; `Fees & charges` and `3 < 5` are fine)"
        ),
        fix="write plain text: `Fees & charges` (the site escapes it)",
    ),
    Rule.UNSAFE_FILE_NAME: RuleInfo(
        "KB311",
        "content",
        _E,
        "file name with characters unsafe in a URL or in HTML",
        example=(
            '`docs/en/payments/refund "fast".md`, `docs/en/assets/flow chart.svg`: anything but '
            "letters, digits, `-`, `_`, `.` in ASCII, or a control, invisible or space character "
            "(Japanese names are fine); `_headers`, `_redirects`, `.htaccess` or `_routes.json` "
            "anywhere in `docs/` (the web host would read them as its configuration)"
        ),
        fix="rename the file or folder (`refund-fast.md`) and update the links",
    ),
    Rule.UNSAFE_SYMLINK: RuleInfo(
        "KB312",
        "content",
        _E,
        "symlink that leaves the repository, loops or names a folder",
        example=(
            "`docs/en/assets/env.txt -> /proc/self/environ` (leaves the repository), `docs/en/loop"
            " -> .` (loops), a link into `.git/`, a dangling link, a symlinked folder; in `kb "
            "links`, a symlink that leaves the site or loops"
        ),
        fix="replace the symlink with the file itself, or remove it",
    ),
    Rule.UNREADABLE_PAGE: RuleInfo(
        "KB313",
        "content",
        _E,
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
    Rule.PLACEHOLDER: RuleInfo(
        "KB314",
        "content",
        _E,
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
    Rule.DUPLICATE_RELATED_SECTION: RuleInfo(
        "KB315",
        "content",
        _W,
        "a second related-articles section written by hand",
        example="an article has `## Related articles` twice (or `## 関連記事` twice)",
        fix=(
            "keep one section: the site shows the writer's links first, then kb's related "
            "articles, in one block"
        ),
    ),
    Rule.MISSING_REDIRECT: RuleInfo(
        "KB316",
        "content",
        _E,
        "article gone since the --changed ref with no redirect",
        example=(
            "with `kb check --changed`, `docs/en/payments/refunds.md` existed at the comparison "
            "ref and is gone (deleted, or renamed to `refund-a-payment.md`) with no redirect"
        ),
        fix=(
            "add `redirect_from: [payments/refunds.md]` to the new article's front matter, or "
            "`redirects: {payments/refunds.md: payments/refund-a-payment.md}` in the kb options "
            '(see "Move or rename an article")'
        ),
    ),
    Rule.GLOSSARY_TERM: RuleInfo(
        "KB501",
        "style",
        _W,
        "translation uses a forbidden variant or misses the glossary term",
        needs="glossary",
        example='the English says "payout", the Japanese says ペイアウト or never 入金',
        fix="use the approved term from `glossary.yml`",
    ),
    Rule.MIXED_POLITENESS: RuleInfo(
        "KB502",
        "style",
        _W,
        "です・ます and だ・である sentences mixed in one article",
        example="です・ます and だ・である sentences in one Japanese article",
        fix="write every sentence in です・ます調",
    ),
    Rule.HALFWIDTH_KATAKANA: RuleInfo(
        "KB503",
        "style",
        _W,
        "half-width katakana (ｶﾀｶﾅ)",
        example="`ｶｰﾄﾞ`",
        fix="write full-width katakana: カード",
    ),
    Rule.FULLWIDTH_ALPHANUMERIC: RuleInfo(
        "KB504",
        "style",
        _W,
        "full-width ASCII letters or digits (ＡＢＣ１２３)",
        example="`ＡＰＩキー`, `１，５００円`",
        fix="write half-width letters and digits: APIキー, 1,500円",
    ),
    Rule.INCONSISTENT_SPACING: RuleInfo(
        "KB505",
        "style",
        _W,
        "Japanese and ASCII spaced in some places and not in others",
        example="`TsubamePay の` in one place and `TsubamePayの` in another",
        fix="pick one style for the article (WRITING.md: no space)",
    ),
    Rule.LONG_SENTENCE: RuleInfo(
        "KB506",
        "style",
        _W,
        "sentence longer than style.max_sentence_length characters",
        example="a Japanese sentence over 120 characters (`style.max_sentence_length`)",
        fix="split it",
    ),
    Rule.INVALID_GLOSSARY: RuleInfo(
        "KB507",
        "style",
        _E,
        "glossary.yml is invalid",
        needs="glossary",
        example=(
            "`glossary.yml` is not valid YAML, uses a YAML anchor or alias, or a term lacks its "
            "Japanese or a definition"
        ),
        fix="fix `glossary.yml` at the reported line",
    ),
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
