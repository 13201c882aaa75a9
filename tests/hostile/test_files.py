"""Hostile files in a doc pull request: symlinks out of the repository, loops, YAML bombs, named
pipes, giant and deep files, and a products.yml or glossary.yml that is not a file.

Each payload must end as a finding with file and line in `kb check`, and stop the build with
what and where (a `PluginError`, never a hang, a traceback or a MemoryError); nothing it points
at may reach the built site. Symlinks that stay inside the repository keep working.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import alias_bomb, write_site

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from .conftest import BuildRun, CheckRun, HostileSite

CANARY = "kb-hostile-canary-7f3a"
"""In the build's environment and in .git/config: it must never appear in any output or site."""

TOKEN_CONFIG = f'[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic {CANARY}\n'
"""What actions/checkout leaves in .git/config: a symlink to it would publish the token."""


SYMLINKS = {
    "docs/en/assets/env.txt": "/proc/self/environ",
    "docs/en/assets/passwd.txt": "../../../../../../../../../../../../etc/passwd",
    "docs/en/assets/git-config.txt": "../../../.git/config",
    "docs/en/loop": ".",
    "docs/en/payments/up": "..",
    "docs/en/ping.md": "pong.md",
    "docs/en/pong.md": "ping.md",
    "docs/ja/payouts": "OUTSIDE",
}
DEEP = "docs/en/" + "/".join(["d"] * 40)

# (file, rule, line, words of the message)
PAYLOADS = [
    ("docs/en/assets/env.txt", "unsafe-symlink", 1, "leads outside the repository"),
    ("docs/en/assets/passwd.txt", "unsafe-symlink", 1, "leads outside the repository"),
    ("docs/en/assets/git-config.txt", "unsafe-symlink", 1, "a hidden file of the repository"),
    ("docs/en/loop", "unsafe-symlink", 1, "loops back to a folder that holds it"),
    ("docs/en/payments/up", "unsafe-symlink", 1, "loops back to a folder that holds it"),
    ("docs/en/ping.md", "unsafe-symlink", 1, "loops: it never reaches a file"),
    ("docs/ja/payouts", "unsafe-symlink", 1, "leads outside the repository"),
    ("docs/en/payments/bomb.md", "invalid-front-matter", 4, "anchors and aliases"),
    ("docs/en/payments/huge.md", "invalid-encoding", 1, "over the 256 KB limit"),
    ("docs/en/payments/pipe.md", "invalid-encoding", 1, "is a named pipe, not a file"),
    ("docs/en/assets/pipe.png", "invalid-encoding", 1, "is a named pipe, not a file"),
    ("/".join(DEEP.split("/")[:34]), "invalid-encoding", 1, "nested more than 32 folders"),
]


@pytest.fixture(scope="module")
def canary() -> Iterator[None]:
    """Put the canary in the environment the subprocesses inherit."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KB_HOSTILE_CANARY", CANARY)
        yield


@pytest.fixture(scope="module")
def unsafe(
    tmp_path_factory: pytest.TempPathFactory, canary: None
) -> tuple[HostileSite, CheckRun, BuildRun, BuildRun]:
    """One site holding every payload, through `kb check`, the strict and the plain build."""
    root = tmp_path_factory.mktemp("unsafe")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.md").write_text(f"# Secret\n\n{CANARY}\n", encoding="utf-8")
    bomb = f"---\ntitle: Bomb\nproducts: [payments]\n{alias_bomb()}---\n\n# Bomb\n"
    site = write_site(
        root,
        {
            ".git/config": TOKEN_CONFIG,
            "docs/en/payments/bomb.md": bomb,
            f"{DEEP}/x.md": "# Deep\n",
        },
    )
    for link, target in SYMLINKS.items():
        path = root / link
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(outside if target == "OUTSIDE" else target, path)
    with (root / "docs/en/payments/huge.md").open("wb") as handle:
        handle.write(b"---\ntitle: Huge\n---\n\n")
        handle.truncate(1024**3)  # 1 GB, sparse: nothing is really written
    os.mkfifo(root / "docs/en/payments/pipe.md")  # opening it would wait for a writer forever
    os.mkfifo(root / "docs/en/assets/pipe.png")
    return site, site.check(), site.build(strict=True), site.build(strict=False)


@pytest.mark.parametrize(("path", "rule", "line", "words"), PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_kb_check_reports_each_payload_at_its_file_and_line(
    unsafe: tuple[HostileSite, CheckRun, BuildRun, BuildRun],
    path: str,
    rule: str,
    line: int,
    words: str,
) -> None:
    _, check, _, _ = unsafe
    found = check.find(rule, path)
    assert found, [f for f in check.findings if f["path"] == path]
    assert found[0]["line"] == line
    assert found[0]["severity"] == "error"
    assert words in found[0]["message"]
    assert found[0]["hint"]


def test_kb_check_fails_cleanly(unsafe: tuple[HostileSite, CheckRun, BuildRun, BuildRun]) -> None:
    _, check, _, _ = unsafe
    assert check.exit_code == 1
    assert "Traceback" not in check.stderr
    assert CANARY not in str(check.findings)


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "plain"])
def test_the_build_stops_naming_every_payload(
    unsafe: tuple[HostileSite, CheckRun, BuildRun, BuildRun], *, strict: bool
) -> None:
    _, _, strict_build, plain_build = unsafe
    built = strict_build if strict else plain_build
    assert built.exit_code == 1, built.output[-2000:]
    assert not built.crashed, built.output[-2000:]
    assert "kb: the docs folder holds files the build must not read" in built.output
    for path, _, line, _ in PAYLOADS:
        assert f"{path}:{line}: " in built.output, path
    assert CANARY not in built.output


def test_nothing_a_payload_points_at_reaches_the_site(
    unsafe: tuple[HostileSite, CheckRun, BuildRun, BuildRun],
) -> None:
    _, _, strict_build, plain_build = unsafe
    for built in (strict_build, plain_build):
        if not built.site.exists():
            continue
        for file in built.site.rglob("*"):
            if file.is_file():
                assert CANARY.encode() not in file.read_bytes(), file
        assert not (built.site / "assets/env.txt").exists()
        assert not (built.site / "ja/payouts/secret").exists()


def test_kb_links_reports_symlinks_planted_in_the_built_site(
    unsafe: tuple[HostileSite, CheckRun, BuildRun, BuildRun], tmp_path: Path
) -> None:
    site, _, _, _ = unsafe
    built = tmp_path / "site"
    (built / "ja").mkdir(parents=True)
    (built / "index.html").write_text('<!doctype html><html lang="en"><body></body></html>')
    os.symlink("/proc/self/environ", built / "env.txt")
    os.symlink(".", built / "ja/loop")
    done = site.kb("links", str(built), "--format", "json", "--no-progress")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert CANARY not in done.stdout
    found = {(f["rule"], f["page"], f["line"]) for f in json.loads(done.stdout)["findings"]}
    assert found == {("unsafe-symlink", "env.txt", 1), ("unsafe-symlink", "ja/loop", 1)}


def test_symlinks_that_stay_inside_the_repository_keep_working(
    hostile_site: Any, canary: None
) -> None:
    fees = "---\ntitle: Fees\ndescription: What a refund costs.\nproducts: [payments]\n---\n\n"
    fees += "# Fees\n\n![Diagram](../assets/diagram.svg)\n"
    many = {f"docs/en/assets/many/file-{n:04}.txt": f"{n}\n" for n in range(1000)}
    site = hostile_site(
        {
            "shared/diagram.svg": '<svg xmlns="http://www.w3.org/2000/svg"><title>d</title></svg>',
            "shared/fees.md": fees,
            **many,
        }
    )
    os.symlink("../../../shared/diagram.svg", site.root / "docs/en/assets/diagram.svg")
    os.symlink("../../../shared/fees.md", site.root / "docs/en/payments/fees.md")
    check = site.check()
    assert check.exit_code == 0, check.findings
    assert "unsafe-symlink" not in check.rules()
    built = site.build(strict=True)
    assert built.exit_code == 0, built.output[-3000:]
    assert (built.site / "assets/diagram.svg").read_text().startswith("<svg")
    assert '<h1 id="fees">Fees' in (built.site / "payments/fees/index.html").read_text()
    assert (built.site / "assets/many/file-0999.txt").read_text() == "999\n"


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        ("products.yml", "environ", "products.yml -> /proc/self/environ leads outside"),
        ("products.yml", "git-config", "a hidden file of the repository"),
        ("products.yml", "folder", "products.yml is a folder, not a file"),
        ("products.yml", "pipe", "products.yml is not a regular file"),
        ("glossary.yml", "environ", "glossary.yml -> /proc/self/environ leads outside"),
        ("glossary.yml", "folder", "glossary.yml is a folder, not a file"),
    ],
)
def test_a_products_or_glossary_file_that_is_no_file(
    hostile_site: Any, canary: None, name: str, make: str, words: str
) -> None:
    site = hostile_site({".git/config": TOKEN_CONFIG})
    target = site.root / name
    target.unlink()
    if make == "environ":
        os.symlink("/proc/self/environ", target)
    elif make == "git-config":
        os.symlink(".git/config", target)
    elif make == "folder":
        target.mkdir()
    else:
        os.mkfifo(target)
    check = site.kb("check")
    assert check.returncode == 2
    assert len(check.stderr.splitlines()) == 1, check.stderr
    assert words in check.stderr
    assert CANARY not in check.stderr + check.stdout
    built = site.build(strict=False)
    assert built.exit_code == 1
    assert not built.crashed, built.output[-2000:]
    assert words in built.output
    assert CANARY not in built.output


def test_hostile_slugs_for_kb_new(hostile_site: Any) -> None:
    site = hostile_site({})
    for target in (
        "../../../etc/cron.d/x",
        "payments/../../../x",
        "payments/.git",
        "payments/x;touch pwned",
        "payments/" + "a" * 400,
        "payments/\x1b[31mred",
        "/payments/x",
    ):
        done = site.kb("new", target, "--title", "T")
        assert done.returncode == 2, (target, done.stderr)
        assert len(done.stderr.splitlines()) == 1, done.stderr
        assert "\x1b" not in done.stderr
    assert not (site.root / "pwned").exists()
    assert sorted(p.name for p in (site.root / "docs/en/payments").iterdir()) == [
        "refund-a-payment.md"
    ]
