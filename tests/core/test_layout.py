"""The one place that knows static-i18n's folder and suffix layouts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kb.layout import guess_layout, language_path, split_language

if TYPE_CHECKING:
    from pathlib import Path

LANGUAGES = ("en", "ja")


@pytest.mark.parametrize(
    ("layout", "path", "expected"),
    [
        ("folder", "ja/payments/refunds.md", ("ja", "payments/refunds.md")),
        ("folder", "en/index.md", ("en", "index.md")),
        ("folder", "assets/logo.png", None),
        ("folder", "ja", None),
        ("suffix", "payments/refunds.ja.md", ("ja", "payments/refunds.md")),
        ("suffix", "payments/refunds.md", ("en", "payments/refunds.md")),
        ("suffix", "index.en.md", ("en", "index.md")),
        ("suffix", "payments/refunds.fr.md", None),
        ("suffix", "v1.2/notes.md", ("en", "v1.2/notes.md")),
        ("suffix", "README", ("en", "README")),
    ],
)
def test_split_language(layout: str, path: str, expected: tuple[str, str] | None) -> None:
    assert split_language(path, layout=layout, languages=LANGUAGES, default="en") == expected


@pytest.mark.parametrize(
    ("layout", "expected"),
    [("folder", "ja/payments/refunds.md"), ("suffix", "payments/refunds.ja.md")],
)
def test_language_path_inverts_split(layout: str, expected: str) -> None:
    assert language_path("payments/refunds.md", "ja", layout=layout) == expected
    assert split_language(expected, layout=layout, languages=LANGUAGES, default="en") == (
        "ja",
        "payments/refunds.md",
    )


def test_guess_layout(tmp_path: Path) -> None:
    assert guess_layout(tmp_path, "en") == "suffix"
    (tmp_path / "en").mkdir()
    assert guess_layout(tmp_path, "en") == "folder"
