"""The MkDocs plugin: routes build events into kb's core and decorates pages for i18n."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import unquote, urlsplit

from babel.dates import format_date
from jinja2 import TemplateNotFound
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Link
from mkdocs.utils import get_relative_url

from kb.articles import read_page_source
from kb.catalog import site_strings
from kb.check import CheckResult, TranslationStatus, run_check
from kb.cjk import NO_SPACE_LANGUAGES, join_cjk_line_breaks
from kb.csp import PolicyError, content_security_policy, origin_of, write_headers
from kb.findings import Finding, Rule, Severity
from kb.glossary import Glossary, load_glossary
from kb.html_policy import (
    CheckedHtml,
    HtmlPolicy,
    Violation,
    check_fragment,
    check_page,
    inline_script_hashes,
)
from kb.insights.events import REASONS
from kb.insights.manifest import PageEntry, build_manifest, write_manifest
from kb.options import unknown_option
from kb.output_check import nearest_line, violation_finding
from kb.project import (
    DEFAULT_MAX_SENTENCE_LENGTH,
    DEFAULT_REVIEW_AGE_DAYS,
    ProjectError,
    project_from_options,
)
from kb.redirects import collect_redirects, redirect_page
from kb.related import merge_related, take_related_section
from kb.report import log_line
from kb.rules.metadata import HOST_CONFIGURATION_FILES, PAGE_TEMPLATES
from kb.safe_text import ICON_ID
from kb.severity import SeverityError, parse_severities
from kb.site.compact_html import compact_html
from kb.site.escaping import autoescape_templates, escape_page, text
from kb.site.glossary_page import glossary_html
from kb.site.i18n_adapter import I18nView, file_language, i18n_view, language_relative_path
from kb.site.localize import localize_defaults
from kb.site.model import ArticleEntry, SiteModel
from kb.site.search_box import search_box_settings
from kb.site.search_index import BUNDLE_DIR, PreparedCopies, SearchIndexError, build_search_index
from kb.site.synonyms import synonym_table
from kb.site.tables import focusable_tables
from kb.site.urls import absolute_url, alternates, page_path
from kb.slugs import heading_ids, with_heading_ids
from kb.status import StatusReport, translation_status
from kb.status.page import status_context
from kb.yamlio import YamlError

if TYPE_CHECKING:
    from collections.abc import MutableMapping

    from jinja2 import Environment
    from mkdocs.config.base import ConfigErrors, ConfigWarnings
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

log = get_plugin_logger("kb")

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


class KbPlugin(BasePlugin[KbConfig]):
    """Checks translation parity and products once per build and decorates i18n pages."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.result: CheckResult | None = None
        self._serving = False
        self._search_copies: PreparedCopies | None = None
        self._site_root = ""
        self.site: SiteModel | None = None
        self.glossary: Glossary | None = None
        self.status: StatusReport | None = None
        self._english_404: str | None = None
        self._drafts: set[tuple[str, str]] = set()
        self._unpublished: set[str] = set()
        self._env: Environment | None = None
        self._theme_scripts: dict[str, frozenset[str]] = {}
        self._base_urls: dict[str, str] = {}
        self._body_violations: dict[str, set[tuple[str, str, str]]] = {}
        self._inline_scripts: set[str] = set()
        self._reported: set[tuple[str, int, str]] = set()
        self._source_unsafe: set[tuple[str, int]] = set()
        self._config: MkDocsConfig | None = None
        self.connect_origins: list[str] = []
        """Origins the site's scripts may send requests to besides its own, for the policy in
        `_headers` (e.g. the insights tracker's endpoint: `kb.csp.origin_of(endpoint)`)."""
        self._pages: list[PageEntry] = []

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Remember whether this is a live preview, where rebuilds must stay fast."""
        self._serving = command == "serve"

    @event_priority(-110)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Put kb's templates just before the theme's own; after i18n (-100) reconfigures."""
        if not self.config.enabled:
            return None
        self._config = config
        dirs = config.theme.dirs
        if TEMPLATES_DIR not in dirs:
            theme_dir = next(
                (i for i, d in enumerate(dirs) if Path(d).parent.name == "material"), len(dirs) - 1
            )
            dirs.insert(theme_dir, TEMPLATES_DIR)
        # static-i18n inserts its sitemap template first on every language build: stay ahead.
        if FIRST_TEMPLATES_DIR in dirs:
            dirs.remove(FIRST_TEMPLATES_DIR)
        dirs.insert(0, FIRST_TEMPLATES_DIR)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Run every check once per build: static-i18n's nested language builds reuse it."""
        if not self.config.enabled:
            return
        view = self._view(config)
        if view is not None and view.nested_build and self.result is not None:
            return
        # Not resolved: the folder as written is the one docs_dir and symlinks are judged in.
        config_file = Path(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        root = Path.cwd()
        try:
            project = project_from_options(
                root=root,
                docs_dir=Path(config.docs_dir),
                languages=list(view.languages) if view else None,
                default_language=view.default_language if view else None,
                layout=view.layout if view else "folder",
                options=self._options(),
                config_dir=config_file.parent,
                config_file=config_file,
            )
            self.result = run_check(project)
        except ProjectError as error:
            raise PluginError(f"kb: the configuration is invalid\n{error}") from error
        for finding in self.result.findings:
            self._log(finding)
        self._source_unsafe = {
            (finding.path, finding.line)
            for finding in self.result.findings
            if finding.rule is Rule.UNSAFE_HTML
        }
        self._reported = set()
        self._inline_scripts = set()
        self._body_violations = {}
        if self.result.refused:
            # MkDocs' own walk follows every symlink and reads every file: stop before it.
            lines = "\n".join(log_line(finding) for finding in self.result.refused)
            raise PluginError(f"kb: the docs folder holds files the build must not read\n{lines}")
        self._pages = []
        self.status = None
        if self.config.status.page:
            self.status = translation_status(project, self.result)
        self.glossary = None
        if project.glossary_path is not None and project.glossary_path.is_file():
            # Problems in the file were reported by the check as invalid-glossary findings.
            self.glossary, _ = load_glossary(project.glossary_path, project.languages)
        taxonomy = self.result.taxonomy
        self._drafts = {(a.language, a.rel) for a in self.result.articles if a.draft}
        self._unpublished = {
            rel for language, rel in self._drafts if language == project.source_language
        }
        self.site = SiteModel(
            [a for a in self.result.articles if self._published(a.language, a.rel)],
            taxonomy.products if taxonomy is not None else [],
            view.languages if view else (project.source_language,),
            project.source_language,
        )
        self._start_search_copies(config, view)

    def _start_search_copies(self, config: MkDocsConfig, view: I18nView | None) -> None:
        """Prepare the search index's copies of the pages while they are built (a worker
        process, `kb/search_index.py`); not in a live preview, which keeps its first index."""
        if self._search_copies is not None:
            self._search_copies.close()
        self._search_copies = None
        self._site_root = os.path.abspath(config.site_dir)
        if self.config.search.enabled and not self._serving:
            default = view.default_language if view else "en"
            synonyms = synonym_table(self.glossary, default) if self.glossary else None
            self._search_copies = PreparedCopies(synonyms)

    def _published(self, language: str, rel: str) -> bool:
        """True when the site shows article `rel` of `language`: it exists, is no draft, and
        its source article is no draft."""
        if self.result is None or self.result.article(language, rel) is None:
            return False
        return (language, rel) not in self._drafts and rel not in self._unpublished

    @event_priority(-90)
    def _hold_back_drafts(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Drafts never reach the built site; before i18n (-100) picks each language's files,
        so that a translation draft leaves the English fallback in its place."""
        view = self._view(config)
        if not self.config.enabled or view is None or not (self._drafts or self._unpublished):
            return None
        for file in list(files):
            if not file.is_documentation_page():
                continue
            language, rel = language_relative_path(file.src_uri, view)
            if rel in self._unpublished:
                # MkDocs' own draft level: left out of `mkdocs build`, shown by `mkdocs serve`.
                file.inclusion = InclusionLevel.DRAFT
            elif (language, rel) in self._drafts and not self._serving:
                files.remove(file)
        return files

    @event_priority(-110)
    def _add_generated_pages(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Leave out the docs files kb did not vet, and add a page per product in the language
        being built; after i18n (-100) sorts files."""
        if not self.config.enabled or self.result is None:
            return None
        self._drop_unvetted(files, config)
        if not self.config.insights.endpoint:
            tracker = files.get_file_from_path(TRACKER)
            if tracker is not None:
                files.remove(tracker)
        view = self._view(config)
        if self.site is None or view is None:
            return files
        for product in self.site.products:
            name = product.name.get(view.current_language) or product.id
            files.append(
                _generated_page(
                    config,
                    _generated_src_uri(f"products/{product.id}.md", view),
                    f"title: {json.dumps(name, ensure_ascii=False)}\n"
                    f"template: kb-product.html\nkb_product: {product.id}\n",
                )
            )
        if self.status is not None:
            title = site_strings(view.current_language)["status_title"]
            files.append(
                _generated_page(
                    config,
                    _generated_src_uri("status.md", view),
                    f"title: {json.dumps(title, ensure_ascii=False)}\n"
                    "template: kb-status.html\nkb_status: true\n",
                )
            )
        return files

    on_files = CombinedEvent(_hold_back_drafts, _add_generated_pages)

    def _drop_unvetted(self, files: Files, config: MkDocsConfig) -> None:
        """Remove docs files kb's walk did not find readable (a second line behind
        `on_pre_build`: MkDocs walks through symlinked folders, kb never does)."""
        if self.result is None:
            return
        readable = self.result.corpus.index.tree.readable
        prefix = os.path.join(config.docs_dir, "")
        for file in list(files):
            source = file.abs_src_path
            if source is None or not source.startswith(prefix):
                continue
            if source[len(prefix) :].replace(os.sep, "/") not in readable:
                log.warning("%s: left out of the site: kb did not find it readable", source)
                files.remove(file)
            elif os.path.basename(source).lower() in HOST_CONFIGURATION_FILES:
                # Reported as unsafe-file-name; never published, whatever its severity.
                files.remove(file)

    def on_page_read_source(self, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Read each page as `kb check` does: no named pipes, no giant files, no YAML aliases
        (a few lines of them expand into gigabytes in the page template)."""
        source = page.file.abs_src_path
        if not self.config.enabled or source is None:
            return None
        try:
            return read_page_source(Path(source))
        except YamlError as error:
            where = f"{page.file.src_uri}:{error.line + 1}"
            raise PluginError(f"kb: {where}: front matter: {error.message}") from None
        except (OSError, UnicodeDecodeError) as error:
            problem = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise PluginError(f"kb: {page.file.src_uri}: cannot read it: {problem}") from None

    @event_priority(-110)
    def on_nav(
        self, nav: Navigation, /, *, config: MkDocsConfig, files: Files
    ) -> Navigation | None:
        """Navigation from the taxonomy: home, one entry per product, then the other pages
        (contact, glossary); after i18n (-100)."""
        view = self._view(config)
        if not self.config.enabled or self.site is None or view is None:
            return None
        items: list[Any] = []
        if nav.homepage is not None:
            # The sidebar's title is the site name already, and so is the home page's title.
            home = site_strings(view.current_language)["home"]
            items.append(_HomeEntry(home, nav.homepage))
        for product in self.site.products:
            file = files.get_file_from_path(_generated_src_uri(f"products/{product.id}.md", view))
            if file is not None and file.page is not None:
                items.append(file.page)
        if self.result is not None:
            pages = {
                article.rel
                for article in self.result.articles
                if article.kind == "page" and article.rel != "index.md"
            }
            by_rel = {
                language_relative_path(page.file.src_uri, view)[1]: page for page in nav.pages
            }
            items += [by_rel[rel] for rel in sorted(pages) if rel in by_rel]
        for page in nav.pages:
            page.parent = None
            page.previous_page = page.next_page = None
        nav.items = items
        nav.pages = [item.page if isinstance(item, _HomeEntry) else item for item in items]
        return nav

    @staticmethod
    def _log(finding: Finding) -> None:
        text = log_line(finding)
        if finding.severity in (Severity.ERROR, Severity.WARNING):
            log.warning(text)
        elif finding.severity is Severity.INFO:
            log.info(text)

    def _options(self) -> dict[str, Any]:
        return {
            "taxonomy": self.config.taxonomy,
            "glossary": self.config.glossary,
            "severity": dict(self.config.severity),
            "parity": dict(self.config.parity),
            "content": dict(self.config.content),
            "style": dict(self.config.style),
            "status": {"review_age_days": self.config.status.review_age_days},
            "redirects": dict(self.config.redirects),
        }

    @staticmethod
    def _view(config: MkDocsConfig) -> I18nView | None:
        return i18n_view(config.plugins)

    def _page_languages(self, page: Page, config: MkDocsConfig) -> tuple[I18nView, str, str] | None:
        view = self._view(config)
        if view is None or self.result is None:
            return None
        _, rel = language_relative_path(page.file.src_uri, view)
        return view, rel, file_language(page.file, view.default_language)

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Give translated headings the English ids, join Japanese soft line breaks, and keep
        fallback pages out of search."""
        if not self.config.enabled or self.result is None:
            return None
        located = self._page_languages(page, config)
        if located is None:
            return None
        view, rel, source_lang = located
        if rel == "index.md":
            page.meta.setdefault("template", "kb-home.html")
        if page.meta.get("glossary") is True and self.glossary is not None:
            markdown += glossary_html(self.glossary, view.current_language, view.default_language)
        if source_lang != view.current_language:
            page.meta.setdefault("search", {})["exclude"] = True
            return None
        if source_lang in NO_SPACE_LANGUAGES:
            markdown = join_cjk_line_breaks(markdown)
        if source_lang == view.default_language:
            return markdown
        article = self.result.article(source_lang, rel)
        english = self.result.article(view.default_language, rel)
        if article is None or english is None:
            return markdown
        return with_heading_ids(markdown, heading_ids(article, english))

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Check the rendered body against the output allowlist (`kb/html_policy.py`): what is
        outside it is an unsafe-html finding on the source line, and is taken out."""
        if not self.config.enabled:
            return None
        checked = check_fragment(html, self._html_policy())
        if not checked.violations:
            return None
        self._body_violations[self._page_key(page, config)] = {
            violation.key for violation in checked.violations
        }
        located = self._page_languages(page, config)
        fallback = located is not None and located[2] != located[0].current_language
        if not fallback:  # a fallback copy's body was reported in its own language's build
            for violation in checked.violations:
                self._report_violation(violation, page, config, built=False)
        return checked.inert

    def on_env(
        self, env: Environment, /, *, config: MkDocsConfig, files: Files
    ) -> Environment | None:
        """Escape by default (`kb/escaping.py`): kb's templates autoescape, and every page's
        title and front matter reach the theme escaped; every page is rendered by now."""
        if not self.config.enabled:
            return None
        autoescape_templates(env, (TEMPLATES_DIR, FIRST_TEMPLATES_DIR))
        self._env = env
        # Drafts too: `mkdocs serve` renders them.
        for file in files.documentation_pages(inclusion=InclusionLevel.all):
            if file.page is None:
                continue
            if file.generated_by is None:
                self._drop_theme_keys(file.page, env, config)
            escape_page(file.page)
        return env

    def _drop_theme_keys(self, page: Page, env: Environment, config: MkDocsConfig) -> None:
        """Leave out front matter that would steer the theme somewhere unsafe, so a build that
        is not strict renders the page inert (`kb check` reports both as invalid-front-matter).
        """
        template = page.meta.get("template", "main.html")
        if not (isinstance(template, str) and template in PAGE_TEMPLATES):
            del page.meta["template"]  # e.g. Material's redirect.html, which scripts `location`
        icon = page.meta.get("icon")
        if icon is None:
            return
        if isinstance(icon, str) and ICON_ID.match(icon):
            try:
                env.get_template(f".icons/{icon}.svg")
                return
            except TemplateNotFound:
                self._report_missing_icon(page, icon, config)
        del page.meta["icon"]  # Material includes it as a template: a missing one aborts

    def _report_missing_icon(self, page: Page, icon: str, config: MkDocsConfig) -> None:
        """A well-formed icon id the theme does not have (`kb check` cannot know the theme)."""
        located = self._page_languages(page, config)
        if located is None or self.result is None:
            return
        view, rel, source_lang = located
        if source_lang != view.current_language:
            return  # a fallback copy: reported in its own language's build
        article = self.result.article(source_lang, rel)
        severity = self.result.project.severity(Rule.INVALID_FRONT_MATTER)
        if article is None or severity is Severity.IGNORE:
            return
        self._log(
            Finding(
                article.path,
                article.line_of("icon"),
                Rule.INVALID_FRONT_MATTER,
                f"icon '{icon}' is not an icon of the theme: the page is shown without it",
                "use an icon the theme has (Material: material/..., fontawesome/..., "
                "octicons/..., simple/...), or remove the key",
                source_lang,
                severity,
            )
        )

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """Give templates notices, hreflang alternates and the switcher; after i18n (50)."""
        if not self.config.enabled:
            return None
        self._base_urls[self._page_key(page, config)] = str(context.get("base_url", ""))
        located = self._page_languages(page, config)
        if located is None or self.result is None:
            return None
        view, rel, source_lang = located
        lang = view.current_language
        generated = isinstance(page.meta.get("kb_product"), str) or bool(page.meta.get("kb_status"))
        have = [other for other in view.languages if generated or self._published(other, rel)]
        fallback = source_lang != lang
        if not fallback and lang != view.default_language and page.content:
            # Extensions write English defaults (`!!! note` → "Note"): the catalogue's instead.
            page.content = localize_defaults(page.content, site_strings(lang))
        if page.content:
            page.content = focusable_tables(page.content, site_strings(lang)["table_label"])
        status = self.result.status(lang, rel)
        english_path = page_path(
            rel,
            view.default_language,
            view.default_language,
            directory_urls=config.use_directory_urls,
        )
        kb_page: dict[str, Any] = {
            "language": lang,
            "alternates": alternates(
                rel,
                have,
                site_url=config.site_url or "",
                default_language=view.default_language,
                directory_urls=config.use_directory_urls,
            ),
            "notice": None,
            "content_lang": None,
            "canonical": None,
            "noindex": False,
            "source_url": get_relative_url(english_path or ".", page.url or "."),
        }
        if fallback:
            kb_page.update(
                notice="untranslated",
                content_lang=source_lang,
                noindex=True,
                canonical=absolute_url(config.site_url, english_path) if config.site_url else None,
            )
        elif status is TranslationStatus.STALE and self.config.notices:
            kb_page["notice"] = "stale"
        if not self.config.notices and kb_page["notice"] == "untranslated":
            kb_page["notice"] = None
        if (source_lang, rel) in self._drafts or rel in self._unpublished:
            kb_page.update(notice="draft", noindex=True)  # only `mkdocs serve` renders a draft
        kb_page.update(self._site_context(page, rel, view))
        if "related" in kb_page and page.content:
            # The writer's own related section joins kb's list: one section, below the article.
            page.content, written = take_related_section(page.content)
            kb_page["related"] = merge_related(written, kb_page["related"], page.url)
            if written is not None:
                kb_page.update(related_id=written.heading_id, related_note=written.note)
        if page.meta.get("kb_status") and self.status is not None:
            kb_page["status"] = status_context(self.status, lang, site_strings(lang))
            kb_page["noindex"] = True
        search_meta = page.meta.get("search")
        excluded = isinstance(search_meta, dict) and bool(search_meta.get("exclude"))
        hidden = fallback or generated or kb_page["notice"] == "draft"
        kb_page["searchable"] = not (hidden or rel == "index.md" or excluded)
        _extend(context, kb_page=kb_page, kb_strings=site_strings(lang))
        _extend(context, kb_search=self._search_box(lang))
        _extend(context, kb_help=self._help_links(lang, view.default_language))
        state = "generated" if generated else self._state(fallback, status, lang, view)
        self._record_page(page, config, rel, lang, source_lang, state)
        _extend(context, kb_insights=self._insights(page, rel, lang, view, generated))
        self._set_switcher(config, rel, have, view)
        return context

    @staticmethod
    def _state(fallback: bool, status: TranslationStatus | None, lang: str, view: I18nView) -> str:
        if fallback:
            return "missing"
        if lang == view.default_language:
            return "source"
        return status.value if status is not None else "current"

    def _record_page(
        self, page: Page, config: MkDocsConfig, rel: str, lang: str, source_lang: str, state: str
    ) -> None:
        """Remember a page for the manifest the collector validates events against."""
        article = self.result.article(source_lang, rel) if self.result else None
        base = urlsplit(config.site_url or "").path.rstrip("/")
        self._pages.append(
            PageEntry(
                f"{base}/{page.url}",
                lang,
                rel,
                tuple(article.products or ()) if article is not None else (),
                state,
            )
        )

    def _insights(
        self, page: Page, rel: str, lang: str, view: I18nView, generated: bool
    ) -> dict[str, Any] | None:
        """What the tracker and the feedback widget of a page need; None without an endpoint."""
        endpoint = self.config.insights.endpoint
        if not endpoint:
            return None
        article = self.result.article(view.default_language, rel) if self.result else None
        widget = not generated and article is not None and article.kind == "article"
        contact = self.config.insights.contact
        contact_url = None
        if self.result is not None and self.result.article(view.default_language, contact):
            target = page_path(contact, lang, view.default_language) or "./"
            contact_url = get_relative_url(target, page.url or "./")
        return {
            "config": {"endpoint": endpoint, "lang": lang},
            "widget": widget,
            "reasons": list(REASONS),
            "contact_url": contact_url,
        }

    def _site_context(self, page: Page, rel: str, view: I18nView) -> dict[str, Any]:
        """Breadcrumbs, chips, related articles, product listings and home cards of a page."""
        site = self.site
        if site is None:
            return {}
        lang = view.current_language
        here = page.url or "./"
        strings = site_strings(lang)

        def url(target_rel: str) -> str:
            return get_relative_url(
                page_path(target_rel, lang, view.default_language) or "./", here
            )

        names = {p.id: p.name.get(lang) or p.id for p in site.products}
        context: dict[str, Any] = {}
        product_id = page.meta.get("kb_product")
        if rel == "index.md":
            context["product_cards"] = [
                {
                    "id": listing.id,
                    "icon": listing.icon,
                    "name": listing.name,
                    "description": listing.description,
                    "count": len(listing.articles),
                    "url": url(f"products/{listing.id}.md"),
                }
                for listing in site.listings(lang)
            ]
            return context
        if isinstance(product_id, str):
            listing = next((x for x in site.listings(lang) if x.id == product_id), None)
            if listing is not None:
                context["product"] = {
                    "id": listing.id,
                    "icon": listing.icon,
                    "name": listing.name,
                    "description": listing.description,
                    "articles": [self._link(entry, url) for entry in listing.articles],
                }
                context["breadcrumbs"] = [{"title": strings["home"], "url": url("index.md")}]
            return context
        entry = site.entry(lang, rel)
        if entry is None:
            return context
        known = [p for p in entry.products if p in names]
        context["products"] = [
            {"id": p, "name": names[p], "url": url(f"products/{p}.md")} for p in known
        ]
        context["breadcrumbs"] = [{"title": strings["home"], "url": url("index.md")}]
        if known:
            context["breadcrumbs"].append(
                {"title": names[known[0]], "url": url(f"products/{known[0]}.md")}
            )
        context["related"] = [self._link(other, url) for other in site.related(lang, rel)]
        if entry.last_reviewed is not None:
            context["last_reviewed"] = {
                "iso": entry.last_reviewed.isoformat(),
                "text": format_date(entry.last_reviewed, "long", locale=lang),
            }
        return context

    @staticmethod
    def _link(entry: ArticleEntry, url: Any) -> dict[str, str]:
        return {"title": entry.title, "description": entry.description, "url": url(entry.rel)}

    @staticmethod
    def _set_switcher(config: MkDocsConfig, rel: str, have: list[str], view: I18nView) -> None:
        """Point the switcher at this page in each language, or say that a language lacks it."""
        # static-i18n assigns `config.extra.alternate` as an attribute, which is what Jinja reads.
        alternate = getattr(config.extra, "alternate", None)
        if not isinstance(alternate, list):
            return
        unavailable = site_strings(view.current_language)["switcher_unavailable"]
        # Material prints `name` raw (partials/alternate.html): hand it escaped text.
        for entry in alternate:
            language = entry.get("lang") if isinstance(entry, dict) else None
            if language not in view.names:
                continue
            name = view.names[language]
            if language in have:
                entry["name"] = text(name)
                entry["link"] = page_path(rel, language, view.default_language) or "./"
            else:
                entry["name"] = text(unavailable.format(name=name))
                entry["link"] = page_path("index.md", language, view.default_language) or "./"

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext | None:
        """Give static templates (404, sitemap) their language's strings and entries."""
        if not self.config.enabled:
            return None
        view = self._view(config)
        language = view.current_language if view else "en"
        self._base_urls[f"{language}:template:{template_name}"] = str(context.get("base_url", ""))
        _extend(
            context,
            kb_strings=site_strings(language),
            kb_page={"language": language, "alternates": [], "notice": None},
        )
        _extend(context, kb_search=self._search_box(language))
        _extend(
            context, kb_help=self._help_links(language, view.default_language if view else "en")
        )
        if template_name == "sitemap.xml":
            _extend(context, kb_sitemap=self._sitemap(config))
        return context

    def _sitemap(self, config: MkDocsConfig) -> list[dict[str, Any]]:
        view = self._view(config)
        if view is None or self.result is None or not config.site_url:
            return []
        languages_of: dict[str, list[str]] = {}
        for article in self.result.articles:
            if self._published(article.language, article.rel):
                languages_of.setdefault(article.rel, []).append(article.language)
        entries = []
        for rel in sorted(languages_of):
            have = [lang for lang in view.languages if lang in languages_of[rel]]
            links = alternates(
                rel,
                have,
                site_url=config.site_url,
                default_language=view.default_language,
                directory_urls=config.use_directory_urls,
            )
            for alternate in links:
                if alternate.hreflang != "x-default":
                    entries.append({"loc": alternate.href, "alternates": links})
        return entries

    def on_post_template(
        self, output_content: str, /, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        """Check the 404 page against the output allowlist, and write each language's to its
        own folder (i18n would overwrite the root one)."""
        if not self.config.enabled or template_name != "404.html":
            return None
        view = self._view(config)
        language = view.current_language if view else "en"
        prefix = "" if view is None or language == view.default_language else f"{language}/"
        output_content = self._check_built_page(
            output_content,
            config,
            key=f"{language}:template:{template_name}",
            dest=f"{prefix}404.html",
            page=None,
        )
        if view is None or view.current_language == view.default_language:
            self._english_404 = output_content
            return output_content
        target = Path(config.site_dir) / view.current_language / "404.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(output_content, encoding="utf-8")
        return self._english_404

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Drop the theme's indentation (`kb/compact_html.py`), then check the whole built page
        (theme, kb's templates, the body) against the output allowlist; remember the theme's
        inline scripts it runs for the policy; hand it to the search index's copies."""
        if not self.config.enabled:
            return None
        html = self._check_built_page(
            compact_html(output),
            config,
            key=self._page_key(page, config),
            dest=page.file.dest_uri,
            page=page,
        )
        if self._search_copies is not None:
            written = os.path.join(os.path.abspath(config.site_dir), page.file.dest_path)
            rel = os.path.relpath(written, self._site_root).replace(os.sep, "/")
            self._search_copies.add(rel, html)
        return html

    def _check_built_page(
        self, output: str, config: MkDocsConfig, *, key: str, dest: str, page: Page | None
    ) -> str:
        checked: CheckedHtml = check_page(output, self._html_policy(self._base_urls.get(key)))
        self._inline_scripts.update(checked.inline_scripts)
        if not checked.violations:
            return output
        seen = self._body_violations.get(key, set())
        for violation in checked.violations:
            if violation.key not in seen:
                self._report_violation(violation, page, config, built=True, dest=dest)
        return checked.inert

    def _html_policy(self, base_url: str | None = None) -> HtmlPolicy:
        return HtmlPolicy(
            embed_allowlist=tuple(self.config.content.embed_allowlist),
            trusted_scripts=self._trusted_scripts(base_url)
            if base_url is not None
            else frozenset(),
        )

    def _trusted_scripts(self, base_url: str) -> frozenset[str]:
        """Hashes of the theme's own inline scripts, rendered from its `partials/javascripts/`
        templates for a page at `base_url`: allowed by exact text, never by pattern."""
        known = self._theme_scripts.get(base_url)
        if known is not None:
            return known
        hashes: set[str] = set()
        env = self._env
        if env is not None:
            config = self._config
            features = list(config.theme.get("features") or []) if config is not None else []
            for name in _script_partials(env):
                try:
                    rendered = env.get_template(name).render(
                        config=config, base_url=base_url, features=features
                    )
                except Exception:  # a partial that needs more context
                    continue
                hashes.update(inline_script_hashes(rendered))
        known = self._theme_scripts[base_url] = frozenset(hashes)
        return known

    @staticmethod
    def _page_key(page: Page, config: MkDocsConfig) -> str:
        view = i18n_view(config.plugins)
        language = view.current_language if view else ""
        return f"{language}:{page.file.src_uri}"

    def _report_violation(
        self,
        violation: Violation,
        page: Page | None,
        config: MkDocsConfig,
        *,
        built: bool,
        dest: str = "",
    ) -> None:
        """Log an unsafe-html finding on the source article's nearest line (once)."""
        if self.result is None:
            return
        severity = self.result.project.severity(Rule.UNSAFE_HTML)
        if severity is Severity.IGNORE:
            return
        located = self._page_languages(page, config) if page is not None else None
        article = None
        if located is not None:
            _, rel, source_lang = located
            article = self.result.article(source_lang, rel)
        if article is not None:
            path, language = article.path, article.language
            line = nearest_line(article.text.splitlines(), violation, article.body_start_line)
        else:
            site = Path(config.site_dir) / dest
            path = _display_path(site)
            current = self._view(config)
            language = current.current_language if current else ""
            line = 1
        if (path, line, violation.message) in self._reported or (path, line) in self._source_unsafe:
            return
        self._reported.add((path, line, violation.message))
        self._log(
            violation_finding(
                violation,
                path=path,
                line=line,
                language=language,
                severity=severity,
                page=dest,
                built=built,
            )
        )

    def _connect_origins(self) -> list[str]:
        """Other origins the site's scripts send to: the insights endpoint when it is a URL of
        another site (a path of the site needs nothing beyond `'self'`)."""
        origins = list(self.connect_origins)
        endpoint = self.config.insights.endpoint
        if endpoint and urlsplit(endpoint).scheme:
            origins.append(endpoint)
        return origins

    def _write_policy(self, site_dir: Path) -> None:
        """Write `site/_headers` with the policy the pages need (kb/csp.py)."""
        frames = []
        for prefix in self.config.content.embed_allowlist:
            try:
                frames.append(origin_of(prefix))
            except PolicyError:
                log.warning("content.embed_allowlist: %r is no https URL prefix", prefix)
        try:
            policy = content_security_policy(
                self._inline_scripts, connect_origins=self._connect_origins(), frame_origins=frames
            )
            write_headers(site_dir, policy)
        except (PolicyError, OSError) as error:
            raise PluginError(
                f"kb: could not write the Content-Security-Policy\n{error}"
            ) from error

    def _help_links(self, language: str, default_language: str) -> dict[str, Any]:
        """Site-relative paths of the product pages and the contact page in `language`, for the
        no-results state and the "Still need help?" block (templates apply `| url`)."""
        products = self.site.products if self.site else []
        has_contact = self.result is not None and any(
            self.result.article(lang, "contact.md") for lang in (language, default_language)
        )
        return {
            "products": [
                {
                    "name": p.name.get(language) or p.id,
                    "path": page_path(f"products/{p.id}.md", language, default_language) or ".",
                }
                for p in products
            ],
            "contact": page_path("contact.md", language, default_language) if has_contact else None,
        }

    def _search_box(self, language: str) -> dict[str, Any] | None:
        """Settings of kb's search box on a page of `language`, or None when search is off."""
        if not self.config.search.enabled:
            return None
        return search_box_settings(language, self.site.products if self.site else [])

    def _write_redirects(self, config: MkDocsConfig, view: I18nView | None) -> None:
        """Write a redirect page at each old URL, in every language (kb/redirects.py)."""
        if self.result is None:
            return
        project = self.result.project
        languages = view.languages if view else (project.source_language,)
        default = view.default_language if view else project.source_language
        taxonomy = self.result.taxonomy
        redirects = collect_redirects(
            dict(project.redirects),
            self.result.articles,
            languages=languages,
            source_language=project.source_language,
            product_ids=[p.id for p in taxonomy.products] if taxonomy is not None else [],
        )
        site_dir = Path(config.site_dir)
        directory_urls = config.use_directory_urls
        written = 0
        for redirect in redirects:
            for language in languages:
                old = page_path(redirect.old, language, default, directory_urls=directory_urls)
                new = page_path(redirect.new, language, default, directory_urls=directory_urls)
                target = site_dir / unquote(old)
                if old.endswith("/") or not old:
                    target = target / "index.html"
                if target.exists():
                    continue  # a page MkDocs built is never replaced
                html = redirect_page(
                    language=language,
                    target_url=get_relative_url(new or ".", old or "."),
                    canonical=absolute_url(config.site_url, new) if config.site_url else None,
                    strings=site_strings(language),
                )
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(html, encoding="utf-8")
                written += 1
        if written:
            log.info("Redirect pages: %d (old URLs of moved articles and product folders)", written)

    def on_build_error(self, *, error: Exception) -> None:
        """Stop the worker preparing the search index's copies of a build that failed."""
        if self._search_copies is not None:
            self._search_copies.close()
            self._search_copies = None

    @event_priority(-150)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write redirect pages, the Content-Security-Policy and the page manifest, and index
        every language with Pagefind; after i18n (-100) has built the last language."""
        if not self.config.enabled:
            return
        view = self._view(config)
        if view is not None and view.nested_build:
            return
        self._write_redirects(config, view)
        site_dir = Path(config.site_dir)
        self._write_policy(site_dir)
        if view is not None:
            manifest = build_manifest(
                self._pages,
                source_language=view.default_language,
                contact=self.config.insights.contact,
            )
            write_manifest(manifest, site_dir)
        if not self.config.search.enabled:
            return
        if self._serving and (site_dir / BUNDLE_DIR).is_dir():
            # Re-indexing every page takes seconds; a live preview keeps the first index.
            log.info("Search index kept from the first build (mkdocs build refreshes it)")
            return
        try:
            default = view.default_language if view else "en"
            synonyms = synonym_table(self.glossary, default) if self.glossary else None
            copies, self._search_copies = self._search_copies, None
            result = build_search_index(site_dir, synonyms=synonyms, prepared=copies)
        except SearchIndexError as error:
            raise PluginError(f"kb: could not build the search index\n{error}") from error
        counts = ", ".join(f"{lang}: {count}" for lang, count in sorted(result.pages.items()))
        log.info("Search index: %s in %s/", counts or "no pages", result.bundle.name)


def _script_partials(env: Environment) -> list[str]:
    """The theme's `partials/javascripts/*.html` templates (listed from the loader's folders:
    `env.list_templates` would walk the theme's thousands of icons)."""
    names: set[str] = set()
    for folder in getattr(env.loader, "searchpath", None) or []:
        scripts = Path(folder) / "partials" / "javascripts"
        if scripts.is_dir():
            names.update(f"partials/javascripts/{file.name}" for file in scripts.glob("*.html"))
    return sorted(names)


def _display_path(path: Path) -> str:
    """`path` relative to the working directory when it is under it, POSIX."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class _HomeEntry(Link):
    """The home page in the navigation, labelled "Home" (its title is the site name)."""

    def __init__(self, title: str, page: Page) -> None:
        super().__init__(title=text(title), url=page.url)
        self.page = page

    @property
    def meta(self) -> MutableMapping[str, Any]:
        """The home page's front matter (Material shows its `subtitle`)."""
        return self.page.meta

    @property
    def active(self) -> bool:
        """Highlighted on the home page itself, like the page entry it replaces."""
        return self.page.active

    @active.setter
    def active(self, value: bool) -> None:
        pass

    def __eq__(self, other: object) -> bool:
        # Material's nav-item.html renders `nav_item == page` as the current page, with its TOC.
        return other is self or other is self.page

    def __hash__(self) -> int:
        return hash(self.page)


def _extend(context: TemplateContext, **values: Any) -> None:
    """Add kb's variables to a template context (a TypedDict that does not declare them)."""
    cast("dict[str, Any]", context).update(values)


def _generated_src_uri(rel: str, view: I18nView) -> str:
    """Source URI of a page kb generates for the language being built (`ja/products/x.md`)."""
    return page_path(rel, view.current_language, view.default_language).rstrip("/") + ".md"


def _generated_page(config: MkDocsConfig, src_uri: str, front_matter: str) -> File:
    """A page kb generates: front matter only (its template renders it), never searched."""
    content = f"---\n{front_matter}search:\n  exclude: true\n---\n"
    return File.generated(config, src_uri, content=content)
