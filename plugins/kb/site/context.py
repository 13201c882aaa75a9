"""What kb's templates get in a page's context: breadcrumbs, chips, related articles, product
listings, the switcher, help links, the search box and the insights widget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from babel.dates import format_date
from mkdocs.utils import get_relative_url

from kb.catalog import site_strings
from kb.insights.events import REASONS
from kb.insights.manifest import PageEntry
from kb.site.escaping import text
from kb.site.search_box import search_box_settings
from kb.site.state import PluginState
from kb.site.urls import page_path

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

    from kb.check import TranslationStatus
    from kb.site.i18n_adapter import I18nView
    from kb.site.model import ArticleEntry


class PageContexts(PluginState):
    """The parts of `kb_page` and the other template variables, one method each."""

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


def extend_context(context: TemplateContext, **values: Any) -> None:
    """Add kb's variables to a template context (a TypedDict that does not declare them)."""
    cast("dict[str, Any]", context).update(values)
