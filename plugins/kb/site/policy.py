"""The output allowlist on built pages (`kb/html_policy.py`), unsafe theme keys in front matter,
and the Content-Security-Policy written to `_headers` (`kb/csp.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from jinja2 import TemplateNotFound
from mkdocs.exceptions import PluginError

from kb.csp import PolicyError, content_security_policy, origin_of, write_headers
from kb.findings import Finding, Rule, Severity
from kb.html_allowlist import CheckedHtml, HtmlPolicy, Violation
from kb.html_policy import check_page, inline_script_hashes
from kb.output_check import nearest_line, violation_finding
from kb.rules.metadata import PAGE_TEMPLATES
from kb.safe_text import ICON_ID
from kb.site.state import PluginState, log

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page


class OutputPolicy(PluginState):
    """Check each built page against the allowlist and report unsafe-html on its source."""

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

    def _check_built_page(
        self, output: str, config: MkDocsConfig, *, key: str, dest: str, page: Page | None
    ) -> str:
        policy = self._html_policy(self._base_urls.get(key))
        checked: CheckedHtml = (
            self._caches.pages.check(output, policy)
            if self._caches is not None
            else check_page(output, policy)
        )
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
