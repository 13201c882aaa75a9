"""Shared fixtures: tiny bilingual trees written into `tmp_path`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

from kb.project import Project, project_from_options

if TYPE_CHECKING:
    from pathlib import Path

Tree = Callable[..., Project]
"""`tree(files, **options) -> Project`: write `{relative path: str | bytes}` and load it."""


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write `{relative path: text or bytes}` under `root` (text as UTF-8, newlines as given)."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """Write files into `tmp_path` and return the project of `tmp_path/docs`.

    Keyword options: `languages` (default `("en", "ja")`), `layout` (`folder`), and the kb plugin
    options (`taxonomy`, `severity`, `parity`, `content`). A `products.yml` in the files is the
    taxonomy unless `taxonomy` says otherwise.
    """

    def make(
        files: Mapping[str, str | bytes],
        *,
        languages: tuple[str, ...] = ("en", "ja"),
        layout: str = "folder",
        **options: Any,
    ) -> Project:
        write_files(tmp_path, files)
        (tmp_path / "docs").mkdir(exist_ok=True)
        return project_from_options(
            root=tmp_path,
            docs_dir=tmp_path / "docs",
            languages=list(languages),
            layout=layout,
            options=options,
        )

    return make


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright, one per test session.

    Playwright's sync API runs one instance per thread: the browser tests and the hostile tests
    share this one (each starting its own would fail when both run in one session). Callers
    decide first whether a missing Chromium skips or fails.
    """
    from playwright.sync_api import sync_playwright

    from browser.conftest import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
