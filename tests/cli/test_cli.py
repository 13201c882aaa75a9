"""The `kb` command as a subprocess: exit codes, formats, selection, git, and the write commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from core.bilingual import (
    EN,
    EN_BODY,
    EN_FRONT,
    JA,
    JA_BODY,
    JA_FRONT,
    center,
    en_replacing,
    varied,
)
from kb.digest import digest_text
from kb.project import Project

if TYPE_CHECKING:
    from pathlib import Path

Tree = Callable[..., Project]

MKDOCS_YML = """\
site_name: Test
docs_dir: docs
theme:
  name: material
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
plugins:
  - search
  - i18n:
      docs_structure: folder
      languages:
        - {locale: en, default: true, name: English}
        - {locale: ja, name: 日本語}
  - kb:
      severity:
        untracked-translation: warning
"""
BROKEN = en_replacing("../payouts/schedule.md#holidays", "../payouts/missing.md")
FINDING_KEYS = {"code", "rule", "severity", "path", "line", "language", "message", "hint"}


def kb(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kb.cli", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


@pytest.fixture
def site(tree: Tree) -> Callable[..., Path]:
    def make(files: dict[str, str | bytes] | None = None, config: str = MKDOCS_YML) -> Path:
        project = tree({**(files if files is not None else center()), "mkdocs.yml": config})
        return project.root

    return make


def test_clean_site_exits_0(site: Callable[..., Path]) -> None:
    run = kb(site(), "check")
    assert run.returncode == 0, run.stderr
    assert run.stdout == "No findings in 4 articles (2 pairs).\n"


def test_errors_exit_1_with_grouped_plain_text(site: Callable[..., Path]) -> None:
    run = kb(site(varied({EN: BROKEN})), "check")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0] == (
        f"{EN}:10  KB305 broken-link  link to ../payouts/missing.md: no article "
        "at docs/en/payouts/missing.md"
    )
    assert lines[1] == "    create docs/en/payouts/missing.md or fix the path"
    assert "     1  KB305 broken-link (error)" in lines
    assert "     1  KB108 link-mismatch (error)" in lines
    assert lines[-1] == "2 errors, 0 warnings, 1 info in 4 articles (2 pairs)."


def test_warnings_fail_only_with_strict(site: Callable[..., Path]) -> None:
    root = site(varied({JA: JA_FRONT.replace("source_digest: {digest}\n", "") + JA_BODY}))
    assert kb(root, "check").returncode == 0
    assert kb(root, "check", "--strict").returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--select", "nonsense"], "unknown rule selector 'nonsense'"),
        (["check", "--severity", "broken-link=fatal"], "is not one of error, warning"),
        (["check", "--severity", "KB999=error"], "unknown rule 'KB999'"),
        (["check", "docs/en/nope.md"], "does not exist"),
        (["check", "--config", "missing.yml"], "no missing.yml"),
        (["check", "--docs-dir", "docs"], "--docs-dir and --languages go together"),
        (["check", "--no-such-option"], "unrecognized arguments"),
        (["check", "--format", "xml"], "invalid choice"),
        (["mark-translated", "docs/ja/nope.md"], "does not exist"),
    ],
)
def test_usage_and_config_errors_exit_2_with_one_line(
    site: Callable[..., Path], args: list[str], message: str
) -> None:
    run = kb(site(), *args)
    assert run.returncode == 2
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("command", ["check", "links", "status"])
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("      stlye: {}\n", "plugins.kb: unknown option 'stlye' (did you mean 'style'?)"),
        (
            "      parity: {link_rewrtes: {}}\n",
            "plugins.kb.parity: unknown option 'link_rewrtes' (did you mean 'link_rewrites'?)",
        ),
        ("      severty: {}\n", "unknown option 'severty' (did you mean 'severity'?)"),
    ],
)
def test_misspelled_options_exit_2_saying_the_key(
    site: Callable[..., Path], command: str, options: str, message: str
) -> None:
    config = MKDOCS_YML.replace("  - kb:\n", "  - kb:\n" + options)
    root = site(config=config)
    (root / "site").mkdir()
    run = kb(root, command)
    assert run.returncode == 2
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


def test_invalid_config_exits_2(site: Callable[..., Path]) -> None:
    run = kb(site(config="plugins:\n  - i18n:\n      languages: []\n"), "check")
    assert run.returncode == 2
    assert run.stderr == "kb: error: mkdocs.yml: plugins.i18n.languages must list the languages\n"
    run = kb(site(config="site_name: [broken\n"), "check")
    assert run.returncode == 2
    assert run.stderr.startswith("kb: error: mkdocs.yml:2:")


def test_json_follows_the_contract(site: Callable[..., Path]) -> None:
    root = site(varied({EN: BROKEN, JA: JA_FRONT.format(digest="deadbeef0000") + JA_BODY}))
    run = kb(root, "check", "--format", "json", "--ignore", "link-mismatch")
    assert run.returncode == 1
    document = json.loads(run.stdout)
    assert set(document) == {"version", "findings", "summary"}
    assert document["version"] == 1
    assert document["summary"] == {
        "articles": {"en": 2, "ja": 2},
        "pairs": 2,
        "errors": 1,
        "warnings": 0,
        "infos": 1,
    }
    assert [set(f) for f in document["findings"]] == [FINDING_KEYS, FINDING_KEYS]
    assert document["findings"][1] == {
        "code": "KB103",
        "rule": "stale-translation",
        "severity": "info",
        "path": JA,
        "line": 6,
        "language": "ja",
        "message": f"{EN} changed since this translation (source_digest deadbeef0000, now "
        f"{digest_text(BROKEN)})",
        "hint": f"`kb diff {JA}`, update the translation, then `kb mark-translated {JA}`",
    }


def test_github_workflow_commands(site: Callable[..., Path]) -> None:
    root = site(varied({EN: BROKEN, JA: JA_FRONT.format(digest="deadbeef0000") + JA_BODY}))
    lines = kb(root, "check", "--format", "github").stdout.splitlines()
    assert lines[0] == (
        f"::error file={EN},line=10,title=KB305 broken-link::link to ../payouts/missing.md: "
        "no article at docs/en/payouts/missing.md%0Acreate docs/en/payouts/missing.md or fix "
        "the path"
    )
    assert lines[1].startswith(f"::notice file={JA},line=6,title=KB103 stale-translation::")


def test_markdown_summary_collapses_when_long(site: Callable[..., Path]) -> None:
    many = EN_FRONT + EN_BODY + "".join(f"\n[x{i}](missing{i}.md)\n" for i in range(12))
    run = kb(site(varied({EN: many})), "check", "--format", "markdown")
    assert run.stdout.startswith("### kb check\n\n13 errors, 0 warnings, 1 info")
    assert "| KB305 broken-link | error | 12 |" in run.stdout
    assert "<details>" in run.stdout
    assert "<summary>14 findings</summary>" in run.stdout
    short = kb(site(varied({EN: BROKEN})), "check", "--format", "markdown").stdout
    assert "<details>" not in short
    assert f"| `{EN}:10` | KB305 broken-link |" in short


def test_select_ignore_and_severity(site: Callable[..., Path]) -> None:
    root = site(varied({EN: BROKEN}))
    only = json.loads(kb(root, "check", "--format", "json", "--select", "KB1").stdout)
    assert [f["code"] for f in only["findings"]] == ["KB103", "KB108"]
    ignored = kb(root, "check", "--ignore", "content", "--ignore", "KB103,link-mismatch")
    assert ignored.returncode == 0
    assert ignored.stdout.startswith("No findings")
    lowered = kb(
        root, "check", "--severity", "broken-link=warning", "--ignore", "KB108", "--format", "json"
    )
    assert lowered.returncode == 0
    assert [f["severity"] for f in json.loads(lowered.stdout)["findings"]] == ["warning", "info"]
    raised = kb(
        root,
        "check",
        "--severity",
        "KB103=error,KB305=ignore",
        "--ignore",
        "KB108",
        "--format",
        "json",
    )
    assert [(f["code"], f["severity"]) for f in json.loads(raised.stdout)["findings"]] == [
        ("KB103", "error")
    ]


def test_paths_output_file_and_docs_dir(site: Callable[..., Path]) -> None:
    root = site(varied({EN: BROKEN}))
    run = kb(root, "check", "docs/ja/payouts", "--output", "report.txt")
    assert run.returncode == 0
    assert run.stdout == ""
    assert (root / "report.txt").read_text("utf-8").startswith("No findings in 2 articles")
    bare = kb(root, "check", "--docs-dir", "docs", "--languages", "en,ja", "--format", "json")
    codes = [f["code"] for f in json.loads(bare.stdout)["findings"]]
    assert codes == ["KB305", "KB103", "KB108"]
    # products.yml in the current folder is found with --docs-dir as without it.
    found = kb(root, "check", "--docs-dir", "docs", "--languages", "en,ja", "--select", "KB2")
    assert found.returncode == 0, found.stderr
    (root / "products.yml").rename(root / "taxonomy.yml")
    products = kb(root, "check", "--docs-dir", "docs", "--languages", "en,ja", "--select", "KB2")
    assert products.returncode == 2
    assert "no product taxonomy" in products.stderr
    with_taxonomy = kb(
        root,
        "check",
        "--docs-dir",
        "docs",
        "--languages",
        "en,ja",
        "--taxonomy",
        "taxonomy.yml",
        "--select",
        "KB2",
    )
    assert with_taxonomy.returncode == 0


def git(root: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=kb",
            "-c",
            "user.email=kb@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_changed(site: Callable[..., Path]) -> None:
    root = site()
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1")
    (root / "docs/en/payouts/schedule.md").write_text(
        "---\ntitle: S\ndescription: D\nproducts: [payouts]\nlast_reviewed: 2026-11-20\n---\n# S\n",
        "utf-8",
    )
    run = kb(root, "check", "--changed", "--format", "json")
    document = json.loads(run.stdout)
    assert document["summary"]["articles"] == {"en": 2, "ja": 2}
    assert {(f["rule"], f["path"]) for f in document["findings"]} == {
        ("broken-anchor", EN),
        ("broken-anchor", JA),
        ("stale-translation", "docs/ja/payouts/schedule.md"),
        ("heading-mismatch", "docs/ja/payouts/schedule.md"),
    }
    explicit = kb(root, "check", "--changed", "HEAD", "--select", "KB103", "--format", "json")
    assert len(json.loads(explicit.stdout)["findings"]) == 1
    assert kb(root, "check", "--changed", "no-such-ref").returncode == 2


def test_mark_translated_files_and_folders(site: Callable[..., Path]) -> None:
    root = site(varied({JA: JA_FRONT.format(digest="deadbeef0000") + JA_BODY}))
    run = kb(root, "mark-translated", "docs/ja")
    assert run.returncode == 0, run.stderr
    digest = digest_text((root / EN).read_text("utf-8"))
    assert run.stdout.splitlines() == [
        f"{JA}: source_digest {digest} (was deadbeef0000)",
        "docs/ja/payouts/schedule.md: already current "
        f"({digest_text((root / 'docs/en/payouts/schedule.md').read_text('utf-8'))})",
    ]
    assert kb(root, "check").returncode == 0
    refused = kb(root, "mark-translated", JA, EN)
    assert refused.returncode == 2
    assert refused.stdout == ""  # every path is checked before anything is written
    assert refused.stderr == (
        f"kb mark-translated: {EN} is a source-language article: mark its translations instead\n"
    )


def test_start_translation(site: Callable[..., Path]) -> None:
    root = site(varied({JA: None}))
    run = kb(root, "start-translation", EN)
    assert run.returncode == 0
    assert run.stdout == (f"created {JA}: translate the TODO(ja) parts, then run `kb check {JA}`\n")
    check = kb(root, "check", "--strict", "--format", "json")
    assert check.returncode == 1  # the draft's TODO(ja) markers are placeholders
    assert [(f["rule"], f["path"]) for f in json.loads(check.stdout)["findings"]] == [
        ("missing-translation", EN),
        ("placeholder", JA),
    ]
    again = kb(root, "start-translation", EN, "--language", "ja")
    assert again.returncode == 1
    assert "never overwrites" in again.stderr


def test_diff(site: Callable[..., Path]) -> None:
    root = site()
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1")
    assert kb(root, "diff", JA).stdout == f"{EN} has not changed since {JA} was translated.\n"
    (root / EN).write_text(EN_FRONT + EN_BODY + "\nNew.\n", "utf-8")
    run = kb(root, "diff", JA)
    assert run.returncode == 0
    assert "+New.\n" in run.stdout
    assert kb(root, "diff", EN).returncode == 2


def test_rules_lists_every_rule(site: Callable[..., Path]) -> None:
    from kb.findings import Rule

    lines = kb(site(), "rules").stdout.splitlines()
    assert lines[0].split() == ["code", "rule", "family", "default", "summary"]
    assert [line.split()[0] for line in lines[1:]] == [rule.code for rule in Rule]


@pytest.mark.parametrize(
    "command",
    [[], ["check"], ["diff"], ["mark-translated"], ["start-translation"], ["rules"], ["links"]],
)
def test_help_everywhere(site: Callable[..., Path], command: list[str]) -> None:
    run = kb(site(), *command, "--help")
    assert run.returncode == 0
    assert "example" in run.stdout


def test_no_command_prints_help_and_exits_2(site: Callable[..., Path]) -> None:
    run = kb(site())
    assert run.returncode == 2
    assert "usage: kb" in run.stderr


def test_cli_never_imports_mkdocs_or_the_plugin(site: Callable[..., Path]) -> None:
    root = site(varied({EN: BROKEN}))
    code = (
        "import sys\nfrom kb.cli import main\n"
        "for args in (['check'], ['check', '--format', 'json'], ['check', '--changed', 'HEAD'],"
        " ['rules'], ['mark-translated', 'docs/ja']):\n"
        "    main(args)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material',"
        " 'mkdocs_static_i18n') or m.split('.')[:2] == ['kb', 'site'])\n"
        "sys.stderr.write(repr(bad))\n"
    )
    git(root, "init", "-q")
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert run.stderr.endswith("[]"), run.stderr


def test_color_output_when_forced(site: Callable[..., Path]) -> None:
    run = kb(site(varied({EN: BROKEN})), "check", env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" in run.stdout
    assert "KB305 broken-link" in run.stdout
