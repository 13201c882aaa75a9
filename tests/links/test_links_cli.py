"""`kb links` as a process: exit codes, output formats, mkdocs.yml, and the subcommand hook."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

import kb.cli.links
from kb.cli.links import add_links_parser, run_links

from .conftest import BASE_SITE, Server, page, write_tree

if TYPE_CHECKING:
    from pathlib import Path

BROKEN_PAGE = page('<a href="../nope/">x</a>\n<a href="../../ja/payments/refunds/">ja</a>')
MKDOCS_YML = """\
site_name: Help
site_url: https://help.example.com/
plugins:
  - search
  - i18n:
      docs_structure: folder
      languages:
        - {locale: en, default: true, name: English}
        - {locale: ja, name: 日本語}
  - kb:
      links:
        cross_language_allowlist: [ja/payments/refunds/]
"""


def kb_links(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "true", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "kb.cli.links", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_tree(tmp_path, BASE_SITE)
    return tmp_path


def test_clean_site_exits_0(site: Path) -> None:
    result = kb_links(site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("No findings in 5 pages (0 links).")
    assert result.stderr == ""


def test_errors_exit_1_with_json(site: Path) -> None:
    write_tree(site, {"site/payments/guide/index.html": BROKEN_PAGE})
    result = kb_links(site, "--format", "json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"version", "findings", "summary"}
    assert document["version"] == 1
    assert document["summary"] == {
        "pages": 6,
        "links": 2,
        "errors": 2,
        "warnings": 0,
        "infos": 0,
    }
    assert document["findings"][0] == {
        "code": "KB305",
        "rule": "broken-link",
        "severity": "error",
        "path": "site/payments/guide/index.html",
        "line": 5,
        "language": "en",
        "message": "link '../nope/': payments/nope/ does not exist in the site",
        "hint": "fix the link, or add the page it points to",
        "page": "payments/guide/index.html",
    }
    assert [f["rule"] for f in document["findings"]] == ["broken-link", "cross-language-link"]


def test_warnings_fail_only_with_strict(site: Path) -> None:
    write_tree(site, {"site/payments/guide/index.html": BROKEN_PAGE})
    lowered = ("--severity", "broken-link=warning,cross-language-link=info")
    assert kb_links(site, *lowered).returncode == 0
    assert kb_links(site, *lowered, "--strict").returncode == 1
    ignored = kb_links(site, "--severity", "KB305=ignore", "--severity", "KB307=ignore")
    assert ignored.returncode == 0
    assert ignored.stdout.startswith("No findings in 6 pages (2 links).")


def test_text_format(site: Path) -> None:
    write_tree(site, {"site/payments/guide/index.html": BROKEN_PAGE})
    result = kb_links(site)
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "site/payments/guide/index.html:5  KB305 broken-link  "
        "link '../nope/': payments/nope/ does not exist in the site",
        "    fix the link, or add the page it points to",
        "site/payments/guide/index.html:6  KB307 cross-language-link  "
        "en page links to the ja page ja/payments/refunds/ ('../../ja/payments/refunds/')",
    ]
    assert "     1  KB305 broken-link (error)" in lines
    assert "     1  KB307 cross-language-link (error)" in lines
    assert lines[-1].startswith("2 errors, 0 warnings, 0 infos in 6 pages (2 links).")


def test_github_and_markdown_formats(site: Path) -> None:
    write_tree(site, {"site/payments/guide/index.html": BROKEN_PAGE})
    github = kb_links(site, "--format", "github").stdout.splitlines()
    assert github[0] == (
        "::error file=site/payments/guide/index.html,line=5,title=KB305 broken-link::"
        "link '../nope/'%3A payments/nope/ does not exist in the site%0A"
        "fix the link, or add the page it points to".replace("%3A", ":")
    )
    markdown = kb_links(site, "--format", "markdown").stdout
    assert markdown.startswith("### kb links\n\n2 errors, 0 warnings, 0 infos in 6 pages")
    assert "| KB305 broken-link | error | 1 |" in markdown
    assert "| `site/payments/guide/index.html:5` | `payments/guide/index.html` |" in markdown


def test_output_file(site: Path) -> None:
    result = kb_links(site, "--format", "json", "--output", "reports/links.json")
    assert (result.returncode, result.stdout) == (0, "")
    assert json.loads((site / "reports/links.json").read_text())["findings"] == []


def test_mkdocs_yml_supplies_languages_allowlist_docs_and_base_path(site: Path) -> None:
    write_tree(
        site,
        {
            "mkdocs.yml": MKDOCS_YML.replace("https://help.example.com/", "https://e.com/help/"),
            "site/payments/guide/index.html": page(
                '<a href="../../ja/payments/refunds/">ja, allowlisted</a>\n'
                '<a href="/help/payments/refunds/">ok</a><a href="/payments/refunds/">outside</a>'
            ),
            "docs/en/payments/guide.md": "# Guide\n\n[ok](refunds.md)\n",
        },
    )
    result = kb_links(site, "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [
        ("broken-link", "site/payments/guide/index.html", 6)
    ]
    assert "outside the base path /help/" in findings[0]["message"]
    overridden = kb_links(site, "--base-path", "/", "--format", "json")
    messages = [f["message"] for f in json.loads(overridden.stdout)["findings"]]
    assert messages == [
        "link '/help/payments/refunds/': help/payments/refunds/ does not exist in the site"
    ]


def test_allow_cross_language_option(site: Path) -> None:
    write_tree(site, {"site/payments/guide/index.html": BROKEN_PAGE})
    result = kb_links(site, "--allow-cross-language", "/ja/payments/", "--format", "json")
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["broken-link"]


def test_languages_option(site: Path) -> None:
    write_tree(site, {"site/payments/guide/index.html": BROKEN_PAGE})
    result = kb_links(site, "--languages", "en", "--format", "json")
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["broken-link"]


def test_symlink_loop_is_an_unsafe_symlink(site: Path) -> None:
    os.symlink("..", site / "site/payments/loop")
    result = kb_links(site)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "site/payments/loop:1  KB312 unsafe-symlink  symlink payments/loop -> .. loops back to "
        "a folder that holds it (the site folder): not followed"
    )
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "files", "message"),
    [
        (["missing-site"], {}, "kb links: error: missing-site is not a directory: build the site"),
        (["--severity", "nope=error"], {}, "kb links: error: unknown rule 'nope'"),
        (["--severity", "broken-link"], {}, "kb links: error: --severity 'broken-link': write"),
        (["--languages", "english"], {}, "kb links: error: --languages: 'english' is not"),
        (["--timeout", "0"], {}, "kb links: error: --timeout 0: must be a positive number"),
        (["--per-host", "0"], {}, "kb links: error: --per-host 0: must be 1 or more"),
        (["--cache-ttl", "-1"], {}, "kb links: error: --cache-ttl -1: must be 0 or more"),
        (["--jobs", "x"], {}, "kb links: error: argument --jobs: invalid int value"),
        (["--config", "nope.yml"], {}, "kb links: error: nope.yml does not exist"),
        ([], {"mkdocs.yml": "site_name: [x\n"}, "kb links: error: mkdocs.yml:2: did not find"),
        (["--format", "xml"], {}, "kb links: error: argument --format: invalid choice"),
    ],
)
def test_usage_and_configuration_errors_exit_2_in_one_line(
    site: Path, args: list[str], files: dict[str, str], message: str
) -> None:
    write_tree(site, files)
    result = kb_links(site, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr


def test_external_links_over_the_local_server(site: Path, server: Server) -> None:
    body = f'<a href="{server.url("/ok")}">ok</a><a href="{server.url("/missing")}">gone</a>'
    write_tree(site, {"site/payments/guide/index.html": page(body)})
    plain = kb_links(site, "--format", "json")
    assert json.loads(plain.stdout)["findings"] == []
    assert sum(server.hits.values()) == 0  # no network without --external
    options = ("--external", "--retries", "0", "--timeout", "2", "--format", "json")
    checked = kb_links(site, *options)
    document = json.loads(checked.stdout)
    assert checked.returncode == 0  # warnings only
    assert [(f["rule"], f["severity"], f["line"]) for f in document["findings"]] == [
        ("external-link", "warning", 5)
    ]
    assert document["summary"]["warnings"] == 1
    assert kb_links(site, *options, "--strict").returncode == 1
    assert kb_links(site, *options, "--severity", "external-link=error").returncode == 1
    assert (site / ".cache/kb-links.json").is_file()
    assert server.hits == {"/ok": 1, "/missing": 1}  # the later runs answered from the cache
    no_cache = kb_links(site, *options, "--no-cache")
    assert no_cache.returncode == 0
    assert server.hits == {"/ok": 2, "/missing": 2}


def test_subcommand_hook(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(site)
    parser = argparse.ArgumentParser(prog="kb")
    commands = parser.add_subparsers(dest="command")
    add_links_parser(commands)
    write_tree(site, {"site/payments/guide/index.html": BROKEN_PAGE})
    args = parser.parse_args(["links", "site", "--format", "json", "--jobs", "1"])
    assert args.handler is run_links
    assert args.handler(args) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["errors"] == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_outside_ci(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(site)
    monkeypatch.delenv("CI", raising=False)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert kb.cli.links.main(["--jobs", "1"]) == 0
    assert "kb links: pages" in terminal.getvalue()
    monkeypatch.setenv("CI", "true")
    terminal.seek(0)
    terminal.truncate()
    assert kb.cli.links.main(["--jobs", "1"]) == 0
    assert terminal.getvalue() == ""
    monkeypatch.delenv("CI")
    assert kb.cli.links.main(["--jobs", "1", "--no-progress"]) == 0
    assert terminal.getvalue() == ""
    capsys.readouterr()


def test_kb_links_through_the_main_cli(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kb.cli import main

    monkeypatch.chdir(site)
    write_tree(site, {"site/payments/guide/index.html": BROKEN_PAGE})
    assert main(["links", "--format", "json", "--jobs", "1"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["errors"] == 2
    assert main(["links", "nowhere"]) == 2
    assert capsys.readouterr().err == (
        "kb links: error: nowhere is not a directory: build the site first (mkdocs build)\n"
    )


def test_the_cache_lives_next_to_mkdocs_yml(site: Path, server: Server) -> None:
    write_tree(
        site,
        {
            "mkdocs.yml": MKDOCS_YML,
            "site/payments/guide/index.html": page(f'<a href="{server.url("/ok")}">ok</a>'),
        },
    )
    elsewhere = site / "docs/en"
    run = kb_links(elsewhere, "../../site", "--config", "../../mkdocs.yml", "--external")
    assert run.returncode == 0, run.stderr
    assert (site / ".cache/kb-links.json").is_file()
    assert not (elsewhere / ".cache").exists()


def test_the_cache_is_never_written_through_a_symlink_out_of_the_project(
    site: Path, server: Server, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    os.symlink(outside, site / ".cache")
    write_tree(site, {"site/payments/guide/index.html": page(f'<a href="{server.url("/ok")}">')})
    run = kb_links(site, "--external")
    assert run.returncode == 2
    assert run.stderr.startswith("kb links: error: ")
    assert "outside the project" in run.stderr
    assert len(run.stderr.splitlines()) == 1
    assert list(outside.iterdir()) == []
    assert server.hits == {}
