"""The build cache (`.cache/kb/`) never changes a byte of the built site.

Every output file of a warm build (no change, one article edited, the configuration, a template,
the taxonomy or the glossary changed) is compared with a cold build of the same sources
(`KB_NO_CACHE=1`). The only files left out are Pagefind's bundle: its file names and
`pagefind-entry.json`'s hashes differ between any two runs over the same pages (README,
"Performance"), and its input, the pages, is compared byte for byte; its page counts are
compared too. `sitemap.xml.gz` is compared: its gzip time is the day of the build.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from kb.build_cache import CacheStore, cache_secret, secret_path

from .conftest import PRODUCTS_YML, site_config, write_files
from .test_drafts_site import draft_files
from .test_products_site import translated
from .test_search_build import KB_ONLY

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parents[2]
BUNDLE = "pagefind"
STALE_JA = "docs/ja/payouts/schedule.md"


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def kb_log() -> Iterator[_Counter]:
    counter = _Counter()
    logger = logging.getLogger("mkdocs")
    previous = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.INFO)
    yield counter
    logger.removeHandler(counter)
    logger.setLevel(previous)


class Builder:
    """Builds one project folder in place, with or without the cache."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch, log: _Counter) -> None:
        self.root = root
        self.monkeypatch = monkeypatch
        self.log = log

    def build(self, site: str, *, cache: bool = True) -> Path:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        self.monkeypatch.chdir(self.root)
        if cache:
            self.monkeypatch.delenv("KB_NO_CACHE", raising=False)
        else:
            self.monkeypatch.setenv("KB_NO_CACHE", "1")
        site_dir = self.root / site
        build(load_config(str(self.root / "mkdocs.yml"), site_dir=str(site_dir)))
        return site_dir

    def summary(self) -> str:
        lines = [m.removeprefix("kb: ") for m in self.log.messages if "Build cache:" in m]
        return lines[-1] if lines else ""


def output_files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and BUNDLE not in path.relative_to(site).parts
    }


def assert_same_site(warm: Path, cold: Path) -> None:
    ours, theirs = output_files(warm), output_files(cold)
    assert sorted(ours) == sorted(theirs)
    different = [name for name in ours if ours[name] != theirs[name]]
    assert different == []
    assert len(ours) > 20
    counts = [
        {
            lang: entry["page_count"]
            for lang, entry in json.loads(
                (site / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8")
            )["languages"].items()
        }
        for site in (warm, cold)
    ]
    assert counts[0] == counts[1]


def copy_demo(target: Path) -> Path:
    for name in ("docs",):
        shutil.copytree(REPO / name, target / name)
    for name in ("mkdocs.yml", "products.yml", "glossary.yml"):
        shutil.copy(REPO / name, target / name)
    return target


def test_the_demo_site_warm_and_after_an_edit_is_the_cold_site_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kb_log: _Counter
) -> None:
    builder = Builder(copy_demo(tmp_path / "demo"), monkeypatch, kb_log)
    cold = builder.build("cold")
    assert builder.summary().startswith("Build cache: 0 pages reused")
    warm = builder.build("warm")
    assert "0 converted" in builder.summary()
    assert_same_site(warm, cold)

    article = sorted((builder.root / "docs" / "en").rglob("*.md"))[3]
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nOne more sentence, *edited*.\n", encoding="utf-8")
    edited = builder.build("edited")
    summary = builder.summary()
    # The English article, and its copy in the Japanese build when it is not translated.
    assert " 1 converted" in summary or " 2 converted" in summary, summary
    assert_same_site(edited, builder.build("edited-cold", cache=False))
    assert "One more sentence" in (
        edited
        / article.relative_to(builder.root / "docs" / "en").with_suffix("").joinpath("index.html")
    ).read_text("utf-8")


def fixture_project(root: Path, **config: Any) -> Path:
    """Articles with a stale twin, a missing twin and drafts, plus a glossary page."""
    files = draft_files()
    english = files["docs/en/payouts/schedule.md"]
    assert isinstance(english, str)
    files["docs/en/payouts/schedule.md"] = english.replace("Text.", "Text, changed since.")
    files[STALE_JA] = translated(english, "入金スケジュール", "[payouts, payments]")
    files["docs/en/glossary.md"] = "---\ntitle: Glossary\nglossary: true\n---\n\n# Glossary\n"
    files["products.yml"] = PRODUCTS_YML
    files["glossary.yml"] = (
        "terms:\n  - en: payout\n    ja: 入金\n"
        "    definition: {en: Money sent to your bank., ja: 銀行口座への送金。}\n"
    )
    write_files(root, files)
    options = {"plugins": KB_ONLY, **config}
    (root / "mkdocs.yml").write_text(
        yaml.safe_dump(site_config(**options), allow_unicode=True), encoding="utf-8"
    )
    return root


def edit_yaml(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _markdown_option(config: dict[str, Any]) -> None:
    config["markdown_extensions"] = [
        "admonition",
        "attr_list",
        {"toc": {"permalink": "¶"}},
        "tables",
    ]


def _kb_option(config: dict[str, Any]) -> None:
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "kb" in entry:
            entry["kb"]["notices"] = False


def _template(config: dict[str, Any]) -> None:
    config["theme"]["custom_dir"] = "overrides"


def _taxonomy(data: dict[str, Any]) -> None:
    data["products"][0]["name"] = {"en": "Cards", "ja": "カード"}


def _glossary(data: dict[str, Any]) -> None:
    data["terms"][0]["definition"]["en"] = "Money we send to your bank account."


CHANGES = {
    "markdown-extension-option": ("mkdocs.yml", _markdown_option),
    "kb-option": ("mkdocs.yml", _kb_option),
    "template": ("mkdocs.yml", _template),
    "taxonomy": ("products.yml", _taxonomy),
    "glossary": ("glossary.yml", _glossary),
}


@pytest.fixture
def fixture_builder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kb_log: _Counter) -> Builder:
    builder = Builder(fixture_project(tmp_path / "project"), monkeypatch, kb_log)
    overrides = builder.root / "overrides" / "partials" / "copyright.html"
    overrides.parent.mkdir(parents=True)
    overrides.write_text('<div class="md-copyright">Custom footer</div>\n', encoding="utf-8")
    return builder


def test_a_fixture_with_a_stale_twin_a_missing_twin_and_drafts_builds_the_same_warm(
    fixture_builder: Builder,
) -> None:
    cold = fixture_builder.build("cold")
    warm = fixture_builder.build("warm")
    assert "0 converted" in fixture_builder.summary()
    assert_same_site(warm, cold)
    stale = (warm / "ja/payouts/schedule/index.html").read_text(encoding="utf-8")
    assert "kb-notice" in stale
    assert (warm / "ja/payments/fees/index.html").is_file()  # the missing twin's fallback
    assert not (warm / "payouts/secret").exists()  # the English draft


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_changed_input_gives_the_cold_build_s_output(
    fixture_builder: Builder, change: str
) -> None:
    fixture_builder.build("before")
    name, edit = CHANGES[change]
    edit_yaml(fixture_builder.root / name, edit)
    warm = fixture_builder.build("warm")
    cold = fixture_builder.build("cold", cache=False)
    assert_same_site(warm, cold)
    before = output_files(fixture_builder.root / "before")
    assert output_files(warm) != before  # the change shows: the old pages were not reused


def test_the_kb_option_cache_false_turns_it_off(fixture_builder: Builder) -> None:
    edit_yaml(
        fixture_builder.root / "mkdocs.yml",
        lambda config: [
            entry["kb"].update(cache=False)
            for entry in config["plugins"]
            if isinstance(entry, dict) and "kb" in entry
        ],
    )
    fixture_builder.build("first")
    fixture_builder.build("second")
    assert fixture_builder.summary() == ""
    assert not (fixture_builder.root / ".cache").exists()


def test_what_the_conversion_logged_is_logged_again_by_a_warm_build(
    fixture_builder: Builder,
) -> None:
    """MkDocs' own link warnings come from the conversion: a cached page replays them, so a
    `--strict` build fails warm as it did cold."""
    article = fixture_builder.root / "docs/en/payments/refunds.md"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nSee [the old page](gone.md).\n", "utf-8"
    )

    def link_warnings() -> list[str]:
        return [m for m in fixture_builder.log.messages if "gone.md" in m and "kb" not in m]

    fixture_builder.build("cold")
    cold = link_warnings()
    assert cold
    fixture_builder.log.messages.clear()
    fixture_builder.build("warm")
    assert "0 converted" in fixture_builder.summary()
    assert link_warnings() == cold


def test_a_cache_committed_in_a_pull_request_is_never_trusted(
    fixture_builder: Builder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`.cache/kb/` planted in the project: whole entries of this kb under the right keys, whose
    bodies carry a script and say they passed the allowlist, sealed on another machine."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "attacker"))
    fixture_builder.build("attacker")
    root = fixture_builder.root / ".cache" / "kb"
    store = CacheStore(root, "render", secret=cache_secret(secret_path()))
    planted = 0
    for entry in store.folder.glob("*/*"):
        key = entry.parent.name + entry.name
        value = store.get(key)
        assert isinstance(value, dict)
        value["content"] += '<script>alert("planted")</script>'
        value["clean"] = True
        store.put(key, value)
        planted += 1
    assert planted > 5

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "ci"))
    built = fixture_builder.build("ci")
    assert fixture_builder.summary().startswith("Build cache: 0 pages reused")
    assert not [name for name, data in output_files(built).items() if b"planted" in data]
    assert_same_site(built, fixture_builder.build("cold", cache=False))
