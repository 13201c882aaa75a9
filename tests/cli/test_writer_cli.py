"""The writers' commands as subprocesses: `kb new`, `kb status`, glossary problems, CI files."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from cli.test_cli import MKDOCS_YML, kb
from core.bilingual import EN, EN_BODY, EN_FRONT, JA, center, varied
from kb.project import Project

Tree = Callable[..., Project]
REPO = Path(__file__).resolve().parents[2]
NEW = "docs/en/payments/refund-twice.md"
GLOSSARY = """\
terms:
  - en: refund
    ja: 返金
    forbidden: [払い戻し]
    definition: {en: Money back., ja: 代金を返すことです。}
"""


@pytest.fixture
def site(tree: Tree) -> Callable[..., Path]:
    def make(files: dict[str, str | bytes] | None = None, config: str = MKDOCS_YML) -> Path:
        project = tree({**(files if files is not None else center()), "mkdocs.yml": config})
        return project.root

    return make


def no_traceback(run: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in run.stderr
    assert "Traceback" not in run.stdout


def test_new_creates_the_article_and_says_what_next(site: Callable[..., Path]) -> None:
    root = site()
    before = dt.date.today()
    run = kb(root, "new", "payments/refund-twice", "--title", "Refund: twice")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        f"created {NEW}",
        "next steps:",
        "  1. write the article: replace every TODO (WRITING.md says what each section holds)",
        f"  2. kb check {NEW}",
        f"  3. kb start-translation {NEW} --language ja",
        "  4. translate it, then kb mark-translated docs/ja/payments/refund-twice.md",
    ]
    text = (root / NEW).read_text("utf-8")
    front, body = text.removeprefix("---\n").split("---\n", 1)
    meta = yaml.safe_load(front)
    assert meta["title"] == "Refund: twice"
    assert meta["description"].startswith("TODO: ")
    assert meta["products"] == ["payments"]
    assert before <= meta["last_reviewed"] <= dt.date.today()
    headings = [line for line in body.splitlines() if line.startswith("#")]
    assert headings == [
        "# Refund: twice",
        "## Before you start",
        "## Steps",
        "## If something goes wrong",
        "## Related articles",
    ]
    assert "1. TODO: " in body
    # The new article's TODOs fail the check until they are written (its missing translation
    # is an info), and the printed next steps work.
    check = kb(root, "check", "--strict", "--format", "json")
    assert check.returncode == 1, check.stdout
    assert [f["rule"] for f in json.loads(check.stdout)["findings"]] == [
        "missing-translation",
        "placeholder",
    ]
    assert kb(root, "start-translation", NEW, "--language", "ja").returncode == 0
    assert kb(root, "check", "--strict").returncode == 1


def test_new_never_overwrites(site: Callable[..., Path]) -> None:
    root = site()
    assert kb(root, "new", "payments/refund-twice", "--title", "Refund twice").returncode == 0
    (root / NEW).write_text("# Mine\n", "utf-8")
    run = kb(root, "new", "payments/refund-twice", "--title", "Another")
    assert run.returncode == 1
    assert run.stderr == f"kb new: {NEW} exists already: kb never overwrites an article\n"
    assert (root / NEW).read_text("utf-8") == "# Mine\n"
    existing = kb(root, "new", "payments/refunds", "--title", "Refunds")
    assert existing.returncode == 1
    assert f"{EN} exists already" in existing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["payment/refund-twice", "--title", "Refund twice"],
            "unknown product 'payment': did you mean 'payments'? the products in products.yml "
            "are payments, payouts",
        ),
        (["billing/x", "--title", "X"], "unknown product 'billing': the products in"),
        (
            ["payments/Refund_Twice", "--title", "Refund twice"],
            "slug 'Refund_Twice' is not kebab-case ASCII (lowercase letters, digits and hyphens, "
            "as in URLs): did you mean payments/refund-twice?",
        ),
        (
            ["payments/返金する", "--title", "Refund a payment twice"],
            "did you mean payments/refund-a-payment-twice?",
        ),
        (["refund-twice", "--title", "Refund twice"], "is not <product>/<slug>: write e.g. "),
        (["payments/a/b", "--title", "Refund twice"], "is not <product>/<slug>"),
        (["payments/refund-twice", "--title", "   "], "the title is empty"),
        (["payments/refund-twice"], "the following arguments are required: --title"),
    ],
)
def test_new_rejects_bad_input_with_exit_2(
    site: Callable[..., Path], args: list[str], message: str
) -> None:
    root = site()
    run = kb(root, "new", *args)
    assert run.returncode == 2
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    no_traceback(run)
    assert not (root / NEW).exists()


def test_new_needs_a_taxonomy(site: Callable[..., Path]) -> None:
    root = site(varied({"products.yml": None}))
    run = kb(root, "new", "payments/refund-twice", "--title", "Refund twice")
    assert run.returncode == 2
    assert "kb new needs the product taxonomy" in run.stderr


def git(root: Path, *args: str, date: str = "2026-01-10T12:00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": "kb",
        "GIT_AUTHOR_EMAIL": "kb@example.com",
        "GIT_COMMITTER_NAME": "kb",
        "GIT_COMMITTER_EMAIL": "kb@example.com",
    }
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.strip()


@pytest.fixture
def repo(site: Callable[..., Path]) -> Path:
    """The center in git, with a stale translation: its English changed in a later commit."""
    old = EN_FRONT.replace("2026-11-20", "2020-01-01") + EN_BODY
    from kb.digest import digest_text

    files = center()
    files[EN] = old
    files[JA] = str(files[JA]).replace(digest_text(EN_FRONT + EN_BODY), digest_text(old))
    root = site(files)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1")
    (root / EN).write_text(old.replace("Refunds cannot", "Refunds can never"), "utf-8")
    git(root, "commit", "-qam", "English changes", date="2026-02-03T10:00:00")
    return root


def test_status_json(repo: Path) -> None:
    run = kb(repo, "status", "--format", "json")
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["totals"] == [
        {
            "product": "*",
            "language": "ja",
            "articles": 2,
            "translated": 1,
            "stale": 1,
            "untracked": 0,
            "missing": 0,
            "draft": 0,
            "coverage": 50.0,
        }
    ]
    assert [(c["product"], c["stale"]) for c in document["coverage"]] == [
        ("payments", 1),
        ("payouts", 0),
    ]
    [stale] = document["stale"]
    assert stale["path"] == JA
    assert stale["source_path"] == EN
    assert stale["since"] == "2026-02-03"
    assert stale["basis"] == "git"
    assert stale["commit"] == git(repo, "rev-parse", "HEAD")
    assert [item["path"] for item in document["overdue"]] == [EN]
    assert document["review_age_days"] == 365


def test_status_markdown_and_text(repo: Path) -> None:
    markdown = kb(repo, "status", "--format", "markdown")
    assert markdown.returncode == 0
    assert markdown.stdout.startswith("### Translation status\n")
    assert "| Card payments (payments) | ja | 1 | 0 | 1 | 0 | 0 | 0 | 0% |" in markdown.stdout
    assert "#### Stale translations (1), stale the longest first" in markdown.stdout
    assert f"| `{JA}` | `{EN}` | 2026-02-03 (" in markdown.stdout
    assert "#### Reviews overdue (1): last_reviewed more than 365 days ago" in markdown.stdout
    text = kb(repo, "status")
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0].startswith("Translation status on ")
    [payments] = [line for line in lines if "Card payments (payments)" in line]
    cells = [cell.strip() for cell in payments.split("│")[1:-1]]
    assert cells == ["Card payments (payments)", "ja", "1", "0", "1", "0", "0", "0", "0%"]
    assert any(line.startswith(f"  {JA}: {EN} changed 2026-02-03") for line in lines)
    assert f"  {EN}: last reviewed 2020-01-01" in text.stdout
    assert "\x1b[" not in text.stdout
    colored = kb(repo, "status", env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" in colored.stdout


def test_status_review_age_and_output(repo: Path) -> None:
    run = kb(repo, "status", "--review-age", "100000", "--format", "json", "--output", "s.json")
    assert run.returncode == 0
    assert run.stdout == ""
    assert json.loads((repo / "s.json").read_text("utf-8"))["overdue"] == []
    bad = kb(repo, "status", "--review-age", "0")
    assert bad.returncode == 2
    assert "is not a whole number of days" in bad.stderr
    no_traceback(bad)


def test_status_without_git_uses_modification_times(site: Callable[..., Path]) -> None:
    from kb.digest import digest_text

    files = center()
    files[JA] = str(files[JA]).replace(digest_text(EN_FRONT + EN_BODY), "deadbeef0000")
    root = site(files)
    document = json.loads(kb(root, "status", "--format", "json").stdout)
    assert [(s["path"], s["basis"]) for s in document["stale"]] == [(JA, "mtime")]


@pytest.mark.parametrize(
    ("glossary", "line", "message"),
    [
        (b"terms:\n  - en: refund\n    ja: \x82\xa0\n", 3, "the glossary is not UTF-8 text"),
        ("terms:\n  - en: [refund\n", 3, "glossary.yml is not valid YAML"),
        ("terms: refund\n", 1, "glossary.yml must have a 'terms:' list"),
    ],
)
def test_check_reports_a_broken_glossary(
    site: Callable[..., Path], glossary: str | bytes, line: int, message: str
) -> None:
    root = site({**center(), "glossary.yml": glossary})
    run = kb(root, "check", "--format", "json")
    assert run.returncode == 1
    no_traceback(run)
    [finding] = json.loads(run.stdout)["findings"]
    assert finding["code"] == "KB507"
    assert finding["rule"] == "invalid-glossary"
    assert finding["path"] == "glossary.yml"
    assert finding["line"] == line
    assert message in finding["message"]


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["--glossary", "missing.yml"], MKDOCS_YML, "missing.yml does not exist"),
        (["--glossary", "docs"], MKDOCS_YML, "docs is a folder, not a file"),
        ([], MKDOCS_YML + "      glossary: 12\n", "plugins.kb.glossary must be a path"),
        (
            [],
            MKDOCS_YML + "      style: {max_sentence_length: -1}\n",
            "plugins.kb.style.max_sentence_length must be a whole number",
        ),
        (
            [],
            MKDOCS_YML + "      status: {review_age_days: soon}\n",
            "plugins.kb.status.review_age_days must be a whole number",
        ),
        (
            ["--select", "glossary-term", "--docs-dir", "docs", "--languages", "en,ja"],
            MKDOCS_YML,
            "'glossary-term' selects glossary rules, but no glossary is configured",
        ),
    ],
)
def test_glossary_and_style_configuration_errors_exit_2(
    site: Callable[..., Path], args: list[str], config: str, message: str
) -> None:
    root = site(config=config)
    run = kb(root, "check", *args)
    assert run.returncode == 2, run.stdout
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    no_traceback(run)


def test_check_runs_the_glossary_and_style_rules(site: Callable[..., Path]) -> None:
    ja = str(center()[JA]).replace("返金は取り消せません。", "払い戻しは取り消せません。")
    root = site({**center(), JA: ja, "glossary.yml": GLOSSARY})
    run = kb(root, "check", "--format", "json", "--glossary", "glossary.yml")
    assert run.returncode == 0  # style findings are warnings
    assert [(f["code"], f["line"]) for f in json.loads(run.stdout)["findings"]] == [("KB501", 22)]
    assert kb(root, "check", "--strict").returncode == 1
    by_config = kb(root, "check", "--select", "style", "--format", "json")
    assert len(json.loads(by_config.stdout)["findings"]) == 1  # glossary.yml found by default


@pytest.mark.parametrize("command", [["new"], ["status"]])
def test_help(site: Callable[..., Path], command: list[str]) -> None:
    run = kb(site(), *command, "--help")
    assert run.returncode == 0
    assert "example" in run.stdout


def workflow_steps() -> list[dict[str, str]]:
    workflow = yaml.safe_load((REPO / ".github/workflows/docs.yml").read_text("utf-8"))
    [job] = workflow["jobs"].values()
    steps: list[dict[str, str]] = job["steps"]
    return steps


def test_workflow_runs_the_checks_the_build_and_writes_the_summary() -> None:
    from kb.cli import build_parser

    steps = workflow_steps()
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert steps[0]["with"] == {"fetch-depth": 0}  # type: ignore[comparison-overlap]
    assert steps[1]["with"]["python-version"] == "3.11"  # type: ignore[index]
    commands = [line.strip() for step in steps for line in step.get("run", "").splitlines()]
    assert commands[:4] == [
        "python -m pip install -e .",
        "kb check --changed origin/main --format github",
        "mkdocs build --strict",
        "kb links site --format github",
    ]
    assert 'kb check --format markdown >> "$GITHUB_STEP_SUMMARY" || true' in commands
    assert 'kb status --format markdown >> "$GITHUB_STEP_SUMMARY"' in commands
    # Every kb command line of the workflow is one the CLI accepts.
    for command in commands:
        if command.startswith("kb "):
            words = shlex.split(command.split(">>")[0])
            build_parser().parse_args(words[1:])


def test_pre_commit_hook_checks_the_staged_articles(site: Callable[..., Path]) -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text("utf-8"))
    [repository] = config["repos"]
    [hook] = repository["hooks"]
    assert repository["repo"] == "local"
    assert hook["language"] == "system"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    staged = [EN, "docs/ja/payouts/schedule.md", "docs/en/assets/flow.svg", "mkdocs.yml"]
    selected = [path for path in staged if files.search(path)]
    assert selected == [EN, "docs/ja/payouts/schedule.md"]
    entry = shlex.split(hook["entry"])
    assert entry == [".venv/bin/kb", "check"]
    # What pre-commit runs: the entry with the staged articles (kb from this interpreter).
    root = site(varied({EN: EN_FRONT + EN_BODY.replace("../payouts/schedule.md#holidays", "x.md")}))
    hook_run = subprocess.run(
        [sys.executable, "-m", "kb.cli", *entry[1:], *selected],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert hook_run.returncode == 1
    assert f"{EN}:10  KB305 broken-link" in hook_run.stdout
    clean = site()
    assert kb(clean, *entry[1:], *selected).returncode == 0


def test_new_and_status_never_import_mkdocs(site: Callable[..., Path]) -> None:
    code = (
        "import sys\nfrom kb.cli import main\n"
        "main(['status', '--format', 'json'])\n"
        "main(['new', 'payments/refund-twice', '--title', 'Refund twice'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material',"
        " 'mkdocs_static_i18n') or m.split('.')[:2] == ['kb', 'site'])\n"
        "sys.stderr.write(repr(bad))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=site(),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert run.stderr.endswith("[]"), run.stderr
