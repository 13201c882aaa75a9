"""The harness itself: a clean site passes every gate, and the crawler sees what scripts do."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from .conftest import Crawler, HostileSite

pytestmark = pytest.mark.browser


def test_the_clean_base_site_passes_every_gate(
    hostile_site: Callable[..., HostileSite], crawler: Crawler
) -> None:
    site = hostile_site({})
    check = site.check()
    assert check.exit_code == 0, check.findings
    strict = site.build(strict=True)
    assert strict.exit_code == 0, strict.output
    built = site.build(strict=False)
    assert built.exit_code == 0, built.output
    assert crawler.crawl(built.site) == []


def test_the_crawler_records_dialogs_navigations_and_offsite_requests(
    hostile_site: Callable[..., HostileSite], crawler: Crawler
) -> None:
    site = hostile_site({})
    built = site.build(strict=False)
    canaries = {
        "dialog.html": "<script>alert(1)</script>",
        "focus.html": '<input autofocus onfocus="confirm(2)">',
        "navigate.html": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        "offsite.html": '<img src="https://evil.example/pixel.gif">',
    }
    for name, html in canaries.items():
        (built.site / name).write_text(f"<!doctype html><html><body>{html}</body></html>")
    incidents = crawler.crawl(built.site, sorted(canaries))
    kinds = {(incident.page, incident.kind) for incident in incidents}
    assert ("dialog.html", "dialog") in kinds
    assert ("focus.html", "dialog") in kinds
    assert ("offsite.html", "offsite-request") in kinds
    assert any(page == "navigate.html" for page, _ in kinds), incidents
