"""Fixtures of the insights tests: a small page manifest, stores on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from kb.insights.manifest import PageEntry, PageManifest, build_manifest, write_manifest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

ORIGIN = "https://help.example"

PAGES = [
    PageEntry("/", "en", "index.md", (), "source"),
    PageEntry("/ja/", "ja", "index.md", (), "current"),
    PageEntry("/payments/refunds/", "en", "payments/refunds.md", ("payments",), "source"),
    PageEntry("/ja/payments/refunds/", "ja", "payments/refunds.md", ("payments",), "current"),
    PageEntry("/payouts/schedule/", "en", "payouts/schedule.md", ("payouts",), "source"),
    PageEntry("/ja/payouts/schedule/", "ja", "payouts/schedule.md", ("payouts",), "stale"),
    PageEntry("/payouts/fees/", "en", "payouts/fees.md", ("payouts",), "source"),
    PageEntry("/ja/payouts/fees/", "ja", "payouts/fees.md", ("payouts",), "missing"),
    PageEntry("/contact/", "en", "contact.md", (), "source"),
    PageEntry("/ja/contact/", "ja", "contact.md", (), "current"),
]


@pytest.fixture
def manifest() -> PageManifest:
    """Ten pages: home, two payout articles, a refund article and contact, in en and ja."""
    return build_manifest(PAGES, source_language="en", contact="contact.md")


@pytest.fixture
def site_dir(tmp_path: Path, manifest: PageManifest) -> Path:
    """A built site as far as the collector cares: its `kb-pages.json`."""
    site = tmp_path / "site"
    site.mkdir()
    write_manifest(manifest, site)
    return site


def postgres_admin_url() -> str | None:
    """The server of the PostgreSQL tests (`.ci/postgres` prints it), or None."""
    return os.environ.get("KB_TEST_POSTGRES_URL") or None


def require_postgres() -> str:
    """Skip without a server locally; in CI (CI=true) its absence is a failure."""
    url = postgres_admin_url()
    if url is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but KB_TEST_POSTGRES_URL is not set: .ci/run starts PostgreSQL")
        pytest.skip("PostgreSQL tests need KB_TEST_POSTGRES_URL (run .ci/postgres to get one)")
    return url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose tables live in a fresh schema of the test database (dropped afterwards)."""
    import psycopg

    url = require_postgres()
    schema = f"kb_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL of each kind kb supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'insights.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
