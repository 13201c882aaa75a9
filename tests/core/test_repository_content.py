"""The help center in this repository passes its own checks, every family at its severity."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from kb.check import run_check
from kb.findings import Severity
from kb.project import load_project

REPO = Path(__file__).resolve().parents[2]


def test_the_demo_content_passes_kb_check_strict() -> None:
    project = load_project(root=REPO)
    assert project.taxonomy_path == REPO / "products.yml"
    assert project.glossary_path == REPO / "glossary.yml"
    result = run_check(project)
    assert result.glossary is not None
    assert len(result.glossary.terms) >= 50
    failing = [
        f"{f.path}:{f.line} {f.code} {f.rule.value} {f.message}"
        for f in result.findings
        if f.severity in (Severity.ERROR, Severity.WARNING)
    ]
    assert failing == []
    assert result.articles_per_language["en"] == result.articles_per_language["ja"] >= 45


def test_kb_check_strict_exits_0_in_the_repository() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "kb.cli", "check", "--strict"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("No findings in ")


def test_the_readme_rules_table_is_the_registry() -> None:
    from kb.findings import rule_infos

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = [
        tuple(cell.strip() for cell in line.strip().strip("|").split(" | "))
        for line in readme.splitlines()
        if line.startswith("| KB")
    ]
    expected = [
        (info.code, rule.value, info.default.value, info.example, info.fix)
        for rule, info in sorted(rule_infos().items(), key=lambda item: item[1].code)
    ]
    assert rows == expected


def test_kb_stylesheet_closes_every_block() -> None:
    """An unclosed block swallows every rule after it (a merge once left one open, and the
    feedback widget lost its focus outline)."""
    css = (REPO / "plugins/kb/site/templates/assets/kb/kb.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), css, flags=re.S)
    depth = 0
    for number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"kb.css:{number}: '}}' without its block"
    assert depth == 0, "kb.css ends inside a block"
