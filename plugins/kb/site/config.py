"""The `kb` plugin's options in `mkdocs.yml` (MkDocs config classes); unknown keys are errors."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from kb.options import unknown_option
from kb.project import (
    DEFAULT_MAX_SENTENCE_LENGTH,
    DEFAULT_REVIEW_AGE_DAYS,
)
from kb.severity import SeverityError, parse_severities

if TYPE_CHECKING:
    from mkdocs.config.base import ConfigErrors, ConfigWarnings


TRACKER = "assets/kb/insights.js"
"""The tracker script: left out of the site when no insights endpoint is configured."""


TEMPLATES_DIR = str(resources.files("kb.site") / "templates")


# Searched before static-i18n's own sitemap template, which it puts first in theme.dirs.
FIRST_TEMPLATES_DIR = str(resources.files("kb.site") / "templates_first")


class _SeverityMap(c.Type[dict[str, str]]):
    """A mapping of rule names or codes to `error | warning | info | ignore`."""

    def __init__(self) -> None:
        super().__init__(dict, default={})

    def run_validation(self, value: object) -> dict[str, str]:
        mapping = super().run_validation(value)
        try:
            parse_severities(mapping, where="severity")
        except SeverityError as error:
            raise ValidationError(str(error)) from error
        return mapping


class _StrictConfig(base.Config):
    """Options whose unknown keys are errors, naming the closest known key, as in `kb check`."""

    def _validate(self) -> tuple[ConfigErrors, ConfigWarnings]:
        failed, warnings = super()._validate()
        unknown = sorted(set(self.keys()) - self._schema_keys)
        failed += [
            (key, ValidationError(unknown_option(key, self._schema_keys))) for key in unknown
        ]
        return failed, [(key, message) for key, message in warnings if key not in unknown]


class _ParityOptions(_StrictConfig):
    link_rewrites = c.Type(dict, default={})
    """External URL prefixes that a translation rewrites, e.g. `/en-us/: /ja-jp/`."""
    translation_only_links = c.ListOfItems(c.Type(str), default=[])
    """URL prefixes a translation may link to although English does not."""


class _ContentOptions(_StrictConfig):
    embed_allowlist = c.ListOfItems(c.Type(str), default=[])
    """URL prefixes allowed in `<iframe>`, `<object>` and `<embed>`."""


class _StyleOptions(_StrictConfig):
    max_sentence_length = c.Type(int, default=DEFAULT_MAX_SENTENCE_LENGTH)
    """`long-sentence` reports sentences longer than this many characters."""


class _StatusOptions(_StrictConfig):
    review_age_days = c.Type(int, default=DEFAULT_REVIEW_AGE_DAYS)
    """`kb status` lists articles whose `last_reviewed` is older than this many days."""
    page = c.Type(bool, default=True)
    """Publish the status as `/status/` in every language (not in the navigation, noindex)."""


class _SearchOptions(_StrictConfig):
    enabled = c.Type(bool, default=True)
    """Index each language with Pagefind after the build and show kb's search box (in place of
    Material's, whose `search` plugin can then be left out)."""


def _endpoint(value: object) -> None:
    """An insights endpoint is a path of the site or an http(s) URL."""
    if value is None:
        return
    parts = urlsplit(str(value))
    if str(value).startswith("/") and not str(value).startswith("//"):
        return
    if parts.scheme in ("http", "https") and parts.netloc:
        return
    raise ValidationError(
        f"insights.endpoint {value!r} must be a path (/api/event) or an http(s) URL"
    )


class _Endpoint(base.BaseConfigOption[str]):
    """Where the tracker sends events: a path of the site or an http(s) URL."""

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"insights.endpoint must be text, not {type(value).__name__}")
        _endpoint(value)
        return value


class _InsightsOptions(_StrictConfig):
    endpoint = c.Optional(_Endpoint())
    """Where the site's tracker sends feedback, searches and views (`kb collect`'s
    `/api/event`, a path of the site or a URL). None (the default): no widget, no script, no
    request."""
    contact = c.Type(str, default="contact.md")
    """The contact page, language-relative: linked after "No" and counted in the contact rate."""
    popular_from = c.Optional(c.Type(str))
    """A `kb insights --format json` export (relative to `mkdocs.yml`) whose views order the
    home page's popular articles; None (the default): the writers' order."""


class _LinksOptions(_StrictConfig):
    cross_language_allowlist = c.ListOfItems(c.Type(str), default=[])
    """URL prefixes that pages of one language may link to in another (`kb links`)."""


class KbConfig(_StrictConfig):
    """Options of the `kb` plugin in `mkdocs.yml`."""

    enabled = c.Type(bool, default=True)
    """Turn every kb check and page decoration off (e.g. to time a stock build)."""
    taxonomy = c.Optional(c.Type(str))
    """Path to the product taxonomy, relative to `mkdocs.yml`; `products.yml` when present."""
    glossary = c.Optional(c.Type(str))
    """Path to the terminology glossary, relative to `mkdocs.yml`; `glossary.yml` when present."""
    severity = _SeverityMap()
    """Severity per rule name or code: `error`, `warning`, `info` or `ignore`."""
    parity = c.SubConfig(_ParityOptions)
    """Options of the translation parity rules."""
    content = c.SubConfig(_ContentOptions)
    """Options of the content rules."""
    style = c.SubConfig(_StyleOptions)
    """Options of the Japanese style rules."""
    status = c.SubConfig(_StatusOptions)
    """Options of `kb status` and the status page."""
    links = c.SubConfig(_LinksOptions)
    """Options of `kb links`, the built-site link checker."""
    search = c.SubConfig(_SearchOptions)
    """Options of the site search."""
    notices = c.Type(bool, default=True)
    """Show notices on untranslated and outdated translations."""
    redirects = c.Type(dict, default={})
    """Old paths of moved or renamed articles and their new paths (`old.md: new.md`), in every
    language; articles may also list theirs in front matter (`redirect_from:`/`aliases:`)."""
    insights = c.SubConfig(_InsightsOptions)
    """The feedback widget and tracker (`kb collect`, `kb insights`)."""
    cache = c.Type(bool, default=True)
    """Reuse each page's conversion and checks from the last build (`.cache/kb/`, next to
    `mkdocs.yml`); `KB_NO_CACHE=1` turns it off too."""
