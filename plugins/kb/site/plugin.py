"""The MkDocs plugin: routes build events into kb's core and decorates pages for i18n."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import InclusionLevel
from mkdocs.utils import get_relative_url

from kb.articles import read_page_source
from kb.catalog import site_strings
from kb.check import TranslationStatus, run_check
from kb.cjk import NO_SPACE_LANGUAGES, join_cjk_line_breaks
from kb.findings import Rule
from kb.glossary import load_glossary
from kb.html_policy import check_fragment
from kb.insights.manifest import build_manifest, write_manifest
from kb.insights.popular import order_popular, read_popular
from kb.project import (
    ProjectError,
    project_from_options,
)
from kb.related import merge_related, take_related_section
from kb.report import log_line
from kb.site.compact_html import compact_html
from kb.site.config import FIRST_TEMPLATES_DIR, TEMPLATES_DIR
from kb.site.context import PageContexts, extend_context
from kb.site.escaping import autoescape_templates, escape_page
from kb.site.glossary_page import glossary_html
from kb.site.localize import localize_defaults
from kb.site.model import SiteModel
from kb.site.pages import GeneratedPages
from kb.site.policy import OutputPolicy
from kb.site.render_cache import open_build_caches
from kb.site.search_index import BUNDLE_DIR, PreparedCopies, SearchIndexError, build_search_index
from kb.site.state import log
from kb.site.synonyms import synonym_table
from kb.site.tables import focusable_tables
from kb.site.urls import absolute_url, alternates, page_path
from kb.slugs import heading_ids, with_heading_ids
from kb.status import translation_status
from kb.status.page import status_context
from kb.yamlio import YamlError

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

    from kb.site.i18n_adapter import I18nView


class KbPlugin(OutputPolicy, PageContexts, GeneratedPages):
    """Checks translation parity and products once per build and decorates i18n pages."""

    supports_multiple_instances = False

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
        popular_from = self.config.insights.popular_from
        self._popular = read_popular(config_file.parent / popular_from) if popular_from else None
        if self._popular is not None and self._popular.warning:
            log.warning("insights.popular_from: %s", self._popular.warning)
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
        self._caches, problem = open_build_caches(config_file.parent, enabled=self.config.cache)
        if problem:
            log.warning("%s", problem)

    def _start_search_copies(self, config: MkDocsConfig, view: I18nView | None) -> None:
        """Prepare the search index's copies of the pages while they are built (a worker
        process, `kb/site/search_index.py`); not in a live preview, which keeps its first index."""
        if self._search_copies is not None:
            self._search_copies.close()
        self._search_copies = None
        self._site_root = os.path.abspath(config.site_dir)
        if self.config.search.enabled and not self._serving:
            default = view.default_language if view else "en"
            synonyms = synonym_table(self.glossary, default) if self.glossary else None
            self._search_copies = PreparedCopies(synonyms)

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

    def _page_markdown(
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
            if self._popular is not None:
                markdown = order_popular(markdown, view.current_language, self._popular.views)
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

    @event_priority(-1000)
    def _cache_render(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> None:
        """Look for the page's conversion in the build cache (`kb/site/render_cache.py`): last,
        when every plugin has had its say on the Markdown."""
        if self.config.enabled and self._caches is not None:
            page.markdown = markdown
            self._caches.render.wrap(page, config, files, self.config)

    on_page_markdown = CombinedEvent(_page_markdown, _cache_render)

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Check the rendered body against the output allowlist (`kb/html_policy.py`): what is
        outside it is an unsafe-html finding on the source line, and is taken out."""
        if not self.config.enabled:
            return None
        caches = self._caches
        if caches is not None and caches.render.passed(page):
            return None
        checked = check_fragment(html, self._html_policy())
        if caches is not None:
            caches.render.finish(page, clean=not checked.violations)
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
        """Escape by default (`kb/site/escaping.py`): kb's templates autoescape, and every page's
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
        extend_context(context, kb_page=kb_page, kb_strings=site_strings(lang))
        extend_context(context, kb_search=self._search_box(lang))
        extend_context(context, kb_help=self._help_links(lang, view.default_language))
        state = "generated" if generated else self._state(fallback, status, lang, view)
        self._record_page(page, config, rel, lang, source_lang, state)
        extend_context(context, kb_insights=self._insights(page, rel, lang, view, generated))
        self._set_switcher(config, rel, have, view)
        return context

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext | None:
        """Give static templates (404, sitemap) their language's strings and entries."""
        if not self.config.enabled:
            return None
        view = self._view(config)
        language = view.current_language if view else "en"
        self._base_urls[f"{language}:template:{template_name}"] = str(context.get("base_url", ""))
        extend_context(
            context,
            kb_strings=site_strings(language),
            kb_page={"language": language, "alternates": [], "notice": None},
        )
        extend_context(context, kb_search=self._search_box(language))
        extend_context(
            context, kb_help=self._help_links(language, view.default_language if view else "en")
        )
        if template_name == "sitemap.xml":
            extend_context(context, kb_sitemap=self._sitemap(config))
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
        """Drop the theme's indentation (`kb/site/compact_html.py`), then check the whole built page
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
        if self._caches is not None:
            log.info(self._caches.summary())
            if not self._serving:  # a live preview renders only what changed
                self._caches.prune()
            else:
                self._caches.flush()
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
