"""The plugin's state across one build's events, and the look-ups every event handler shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.plugins import BasePlugin, get_plugin_logger

from kb.findings import Finding, Severity
from kb.report import log_line
from kb.site.config import KbConfig
from kb.site.i18n_adapter import I18nView, file_language, i18n_view, language_relative_path

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

    from kb.check import CheckResult
    from kb.glossary import Glossary
    from kb.insights.manifest import PageEntry
    from kb.insights.popular import PopularExport
    from kb.site.model import SiteModel
    from kb.site.render_cache import BuildCaches
    from kb.site.search_index import PreparedCopies
    from kb.status import StatusReport


log = get_plugin_logger("kb")


class PluginState(BasePlugin[KbConfig]):
    """What the plugin remembers between events: the check result, the site model, pages."""

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
        self._popular: PopularExport | None = None
        self._config: MkDocsConfig | None = None
        self.connect_origins: list[str] = []
        """Origins the site's scripts may send requests to besides its own, for the policy in
        `_headers` (e.g. the insights tracker's endpoint: `kb.csp.origin_of(endpoint)`)."""
        self._pages: list[PageEntry] = []
        self._caches: BuildCaches | None = None

    def _published(self, language: str, rel: str) -> bool:
        """True when the site shows article `rel` of `language`: it exists, is no draft, and
        its source article is no draft."""
        if self.result is None or self.result.article(language, rel) is None:
            return False
        return (language, rel) not in self._drafts and rel not in self._unpublished

    @staticmethod
    def _log(finding: Finding) -> None:
        text = log_line(finding)
        if finding.severity in (Severity.ERROR, Severity.WARNING):
            log.warning(text)
        elif finding.severity is Severity.INFO:
            log.info(text)

    @staticmethod
    def _view(config: MkDocsConfig) -> I18nView | None:
        return i18n_view(config.plugins)

    def _page_languages(self, page: Page, config: MkDocsConfig) -> tuple[I18nView, str, str] | None:
        view = self._view(config)
        if view is None or self.result is None:
            return None
        _, rel = language_relative_path(page.file.src_uri, view)
        return view, rel, file_language(page.file, view.default_language)

    @staticmethod
    def _page_key(page: Page, config: MkDocsConfig) -> str:
        view = i18n_view(config.plugins)
        language = view.current_language if view else ""
        return f"{language}:{page.file.src_uri}"
