"""Build tiny bilingual fixture sites with mkdocs for real, capturing kb's log records."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser as HTMLParser

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

PRODUCTS_YML = """\
products:
  - id: payments
    icon: material/credit-card-outline
    name: {en: Card payments, ja: カード決済}
    description: {en: Accept cards., ja: カード決済を受け付けます。}
  - id: payouts
    icon: material/bank-transfer
    name: {en: Payouts, ja: 入金}
    description: {en: Get paid., ja: 売上を入金します。}
"""


def site_config(**overrides: Any) -> dict[str, Any]:
    """A minimal bilingual Material + static-i18n + kb configuration."""
    config: dict[str, Any] = {
        "site_name": "Fixture Help",
        "site_url": "https://help.example.com/",
        "docs_dir": "docs",
        "site_dir": "site",
        "theme": {"name": "material", "language": "en", "font": False},
        "plugins": [
            {"search": {"lang": ["en", "ja"]}},
            {
                "i18n": {
                    "docs_structure": "folder",
                    "fallback_to_default": True,
                    "languages": [
                        {"locale": "en", "default": True, "name": "English", "build": True},
                        {"locale": "ja", "name": "日本語", "build": True},
                    ],
                }
            },
            {"kb": {"taxonomy": "products.yml"}},
        ],
        "markdown_extensions": ["admonition", "attr_list", {"toc": {"permalink": True}}, "tables"],
    }
    config.update(overrides)
    return config


@dataclass
class BuiltSite:
    """A fixture site after `mkdocs build`."""

    root: Path
    records: list[logging.LogRecord] = field(default_factory=list)

    @property
    def site(self) -> Path:
        """The built site directory."""
        return self.root / "site"

    def html(self, path: str) -> HTMLParser:
        """Parse one built page, e.g. `ja/payments/refunds/index.html`."""
        return HTMLParser((self.site / path).read_text(encoding="utf-8"))

    def kb_messages(self, levelno: int | None = None) -> list[str]:
        """Messages kb logged (at one level, or all)."""
        return [
            r.getMessage()
            for r in self.records
            if r.name == "mkdocs.plugins.kb" and (levelno is None or r.levelno == levelno)
        ]


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def allowed_warnings() -> list[str]:
    """Substrings of warnings a test expects; any other warning fails the test."""
    return []


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write `{relative path: text or bytes}` under `root` (text as UTF-8)."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


@pytest.fixture
def build_site(
    tmp_path: Path, allowed_warnings: list[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., BuiltSite]]:
    """Return a function that writes `{path: text}` files plus mkdocs.yml and builds them there.

    The build runs from the site's directory, as a writer would run `mkdocs build`.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    recorder = _Recorder()
    mkdocs_logger = logging.getLogger("mkdocs")
    mkdocs_logger.addHandler(recorder)
    previous_level = mkdocs_logger.level
    mkdocs_logger.setLevel(logging.DEBUG)
    built: list[BuiltSite] = []

    def _build(
        files: dict[str, str | bytes],
        *,
        strict: bool = False,
        products: str | None = PRODUCTS_YML,
        serve_url: str | None = None,
        **config: Any,
    ) -> BuiltSite:
        root = tmp_path / f"site{len(built)}"
        write_files(root, files)
        if products is not None:
            (root / "products.yml").write_text(products, encoding="utf-8")
        (root / "mkdocs.yml").write_text(
            yaml.safe_dump(site_config(**config), allow_unicode=True), encoding="utf-8"
        )
        result = BuiltSite(root)
        built.append(result)
        monkeypatch.chdir(root)
        start = len(recorder.records)
        try:
            loaded = load_config(str(root / "mkdocs.yml"), strict=strict)
            if serve_url is not None:
                # Build as `mkdocs serve` does (drafts included), without a server.
                loaded.plugins.on_startup(command="serve", dirty=False)
            build(loaded, serve_url=serve_url)
        finally:
            result.records = recorder.records[start:]
        return result

    yield _build

    mkdocs_logger.removeHandler(recorder)
    mkdocs_logger.setLevel(previous_level)
    unexpected = [
        r.getMessage()
        for r in recorder.records
        if r.levelno >= logging.WARNING
        and not any(allowed in r.getMessage() for allowed in allowed_warnings)
    ]
    assert not unexpected, f"unexpected warnings during the build: {unexpected}"
