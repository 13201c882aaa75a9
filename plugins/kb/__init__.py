"""kb: a bilingual help center on MkDocs, with translation parity, products and link checks.

Three pipelines share one core:

- `kb check` (`kb.cli`) -> `kb.check` runs the rules (`kb.rules`) over the articles -> findings ->
  `kb.report` renders them (text, json, github, markdown);
- the MkDocs plugin (`kb.site`, the only package that imports MkDocs) -> the same check, then the
  site's pages, contexts, generated pages and search index;
- `kb links` (`kb.cli.links`) -> `kb.links` reads the built site -> findings -> `kb.report`.

`kb.status` (translation status, its page) and `kb.insights` (the feedback collector and its
report) are two smaller pipelines of the same kind.

The modules at the top level are the core those pipelines share: the project and its options
(`project`, `options`, `layout`, `severity`), the articles (`docs_tree`, `front_matter`,
`articles`, `corpus`, `markdown_scan`, `digest`), the findings and the rules' inputs (`findings`,
`taxonomy`, `glossary`, `resolve`, `selection`, `gitinfo`, `history`), the writers (`writes`), and
the HTML output checks that both the plugin and `kb links` run (`html_policy`, `output_check`,
`csp`), and the cache store in `.cache/kb/` (`build_cache`; `check_cache` for `kb check`, and
`kb.site.render_cache` for the build). They stay at the top level rather than in a `kb.core`
package: every pipeline imports them, a package name would only lengthen each import, and
`kb.insights` (which has its own owner) imports them by these names.
"""
