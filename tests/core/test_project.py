"""Reading the project from mkdocs.yml (real-world tags included) and validating kb's options."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.check import CheckResult
from kb.findings import Finding, Rule, Severity
from kb.project import ProjectError, load_project, project_from_options
from kb.report import render_github, render_markdown
from kb.selection import select_rules

I18N = """\
  - i18n:
      docs_structure: folder
      languages:
        - {locale: null, name: Help, fixed_link: /help/}
        - {locale: ja, name: 日本語}
        - {locale: en, default: true, name: English}
"""


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")


def test_real_world_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_DOCS", "content")
    write(
        tmp_path,
        {
            "base.yml": "theme:\n  name: material\n  features: [a]\n",
            "mkdocs.yml": (
                "INHERIT: base.yml\ndocs_dir: !ENV [KB_DOCS, docs]\nsite_url: !ENV [NOPE, x]\n"
                "hooks: [!relative $config_dir/hooks.py]\ntheme:\n  palette: {primary: indigo}\n"
                "markdown_extensions:\n  - pymdownx.emoji:\n"
                "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
                "plugins:\n  - search\n" + I18N + "  - kb:\n      severity: {KB101: error, "
                "stale-translation: ignore}\n      parity:\n        link_rewrites:\n"
                "          https://a.example/en/: https://a.example/ja/\n"
                "        translation_only_links: [https://nta.go.jp/]\n"
                "      content: {embed_allowlist: ['https://www.youtube-nocookie.com/']}\n"
            ),
            "products.yml": "products: []\n",
            "content/en/a.md": "# A\n",
        },
    )
    project = load_project(root=tmp_path)
    assert project.docs_dir == tmp_path / "content"
    assert project.languages == ("en", "ja")
    assert project.source_language == "en"
    assert project.layout == "folder"
    assert project.taxonomy_path == tmp_path / "products.yml"
    assert project.severity(Rule.MISSING_TRANSLATION) is Severity.ERROR
    assert project.severity(Rule.STALE_TRANSLATION) is Severity.IGNORE
    assert project.severity(Rule.BROKEN_LINK) is Severity.ERROR
    assert project.link_rewrites == (("https://a.example/en/", "https://a.example/ja/"),)
    assert project.translation_only_links == ("https://nta.go.jp/",)
    assert project.embed_allowlist == ("https://www.youtube-nocookie.com/",)


def test_suffix_is_static_i18n_default_and_docs_dir_mode(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "mkdocs.yml": "plugins:\n  i18n:\n    languages:\n      - locale: en\n"
            "      - locale: ja\n",
            "products.yml": "products: []\n",
            "docs/a.md": "# A\n",
        },
    )
    assert load_project(root=tmp_path).layout == "suffix"
    bare = load_project(root=tmp_path, docs_dir=Path("docs"), languages=["en", "ja"])
    # products.yml is found in the current folder with --docs-dir as without it.
    assert bare.taxonomy_path == load_project(root=tmp_path).taxonomy_path
    assert bare.taxonomy_path == tmp_path.resolve() / "products.yml"
    assert bare.layout == "suffix"
    given = load_project(
        root=tmp_path, docs_dir=Path("docs"), languages=["en", "ja"], taxonomy=Path("products.yml")
    )
    assert given.taxonomy_path == tmp_path / "products.yml"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("site_name: x\n", "has no i18n plugin"),
        ("plugins:\n  - i18n:\n      languages: [{name: x}]\n", "needs a locale"),
        ("plugins: 3\n", "plugins must be a list"),
        ("[1, 2]\n", "must be a mapping"),
        ("a: [\n", "mkdocs.yml:2:"),
        ("INHERIT: mkdocs.yml\n", "INHERIT loops"),
        ("plugins:\n" + I18N + "  - kb:\n      severity: {nope: error}\n", "unknown rule 'nope'"),
        ("plugins:\n" + I18N + "  - kb:\n      severity: {KB101: loud}\n", "is not one of"),
        ("plugins:\n" + I18N + "  - kb:\n      taxonomy: missing.yml\n", "does not exist"),
        ("plugins:\n" + I18N + "  - kb:\n      parity: {link_rewrites: [a]}\n", "link_rewrites"),
        ("plugins:\n" + I18N + "  - kb:\n      content: {embed_allowlist: x}\n", "list of URL"),
        ("docs_dir: nowhere\nplugins:\n" + I18N, "is not a directory"),
    ],
)
def test_bad_configuration(tmp_path: Path, config: str, message: str) -> None:
    write(tmp_path, {"mkdocs.yml": config, "docs/a.md": "#"})
    with pytest.raises(ProjectError, match=message):
        load_project(root=tmp_path)


def test_plugin_options_path(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "products.yml").write_text("products: []\n", encoding="utf-8")
    project = project_from_options(
        root=tmp_path,
        docs_dir=Path("docs"),
        languages=["en", "ja"],
        options={
            "taxonomy": None,
            "severity": {},
            "parity": {"link_rewrites": {}, "translation_only_links": []},
            "content": {"embed_allowlist": []},
        },
    )
    assert project.taxonomy_path == tmp_path / "products.yml"
    with pytest.raises(ProjectError, match="no languages"):
        project_from_options(root=tmp_path, docs_dir=Path("docs"), languages=None)
    with pytest.raises(ProjectError, match="configured twice"):
        project_from_options(root=tmp_path, docs_dir=Path("docs"), languages=["en", "en"])


SITE_ONLY = {Rule.EXTERNAL_LINK, Rule.UNREADABLE_PAGE}
"""Rules only `kb links` reports."""


@pytest.mark.parametrize(
    ("select", "ignore", "taxonomy", "expected"),
    [
        ((), (), True, set(Rule) - SITE_ONLY),
        ((), (), False, {r for r in Rule if r.family != "products"} - SITE_ONLY),
        (("ALL",), ("KB1", "content", "style"), False, set()),
        (
            ("kb20",),
            ("unknown-product",),
            True,
            {Rule.MISSING_PRODUCTS, Rule.PRODUCTS_MISMATCH, Rule.INVALID_TAXONOMY},
        ),
    ],
)
def test_select_rules(
    select: tuple[str, ...], ignore: tuple[str, ...], taxonomy: bool, expected: set[Rule]
) -> None:
    assert select_rules(select, ignore, has_taxonomy=taxonomy) == expected


@pytest.mark.parametrize(
    ("select", "message"),
    [
        (["products"], "no product taxonomy"),
        (["KB2"], "no product taxonomy"),
        (["KB9"], "unknown rule selector"),
        (["links"], "unknown rule selector"),
    ],
)
def test_select_errors(select: list[str], message: str) -> None:
    with pytest.raises(ProjectError, match=message):
        select_rules(select, has_taxonomy=False)


def _result(root: Path, findings: list[Finding]) -> CheckResult:
    from kb.corpus import Corpus

    (root / "docs").mkdir()
    project = project_from_options(root=root, docs_dir=Path("docs"), languages=["en", "ja"])
    return CheckResult(project, findings, {"en": 1, "ja": 0}, 0, {}, None, Corpus(project))


def test_github_escapes_properties_and_data(tmp_path: Path) -> None:
    finding = Finding(
        "docs/en/a,b:c.md",
        3,
        Rule.BROKEN_LINK,
        "100% broken\nreally",
        "fix: it",
        "en",
        Severity.WARNING,
    )
    assert render_github(_result(tmp_path, [finding]).report()).splitlines()[0] == (
        "::warning file=docs/en/a%2Cb%3Ac.md,line=3,title=KB305 broken-link::"
        "100%25 broken%0Areally%0Afix: it"
    )


def test_markdown_escapes_cells(tmp_path: Path) -> None:
    finding = Finding("docs/en/a.md", 3, Rule.UNSAFE_HTML, "<script> | pipe", "", "en")
    text = render_markdown(_result(tmp_path, [finding]).report())
    assert "| `docs/en/a.md:3` | KB304 unsafe-html | &lt;script&gt; \\| pipe |" in text
