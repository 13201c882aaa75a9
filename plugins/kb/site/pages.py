"""Pages kb adds to or takes out of the site: drafts, product and status pages, the navigation,
redirect pages at old URLs."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Link
from mkdocs.utils import get_relative_url

from kb.catalog import site_strings
from kb.redirects import collect_redirects, redirect_page
from kb.rules.metadata import HOST_CONFIGURATION_FILES
from kb.site.config import TRACKER
from kb.site.escaping import text
from kb.site.i18n_adapter import I18nView, language_relative_path
from kb.site.state import PluginState, log
from kb.site.urls import absolute_url, page_path

if TYPE_CHECKING:
    from collections.abc import MutableMapping

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page


class GeneratedPages(PluginState):
    """Files, navigation and redirect pages: which pages the site has."""

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


def _generated_src_uri(rel: str, view: I18nView) -> str:
    """Source URI of a page kb generates for the language being built (`ja/products/x.md`)."""
    return page_path(rel, view.current_language, view.default_language).rstrip("/") + ".md"


def _generated_page(config: MkDocsConfig, src_uri: str, front_matter: str) -> File:
    """A page kb generates: front matter only (its template renders it), never searched."""
    content = f"---\n{front_matter}search:\n  exclude: true\n---\n"
    return File.generated(config, src_uri, content=content)
