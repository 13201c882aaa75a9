"""Layering: only the `kb.site` package may import MkDocs, Material or mkdocs-static-i18n."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys

import kb

MKDOCS_PACKAGES = ("mkdocs", "material", "mkdocs_static_i18n")


def _modules_outside_site() -> list[str]:
    names = [
        module.name
        for module in pkgutil.walk_packages(kb.__path__, prefix="kb.")
        if module.name.split(".")[:2] != ["kb", "site"]
    ]
    assert "kb.cli" in names
    assert "kb.links.scan" in names
    return sorted(names)


def test_no_module_outside_kb_site_imports_mkdocs() -> None:
    """Import every module outside `kb.site` (not `kb.site` itself), then list what came in."""
    modules = _modules_outside_site()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    if name.endswith('__main__'):\n"
        "        continue\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {MKDOCS_PACKAGES!r}"
        " or m.split('.')[:2] == ['kb', 'site'])\n"
        "sys.stderr.write(repr(bad))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert run.stderr.endswith("[]"), run.stderr


def test_the_plugin_lives_in_kb_site() -> None:
    from importlib.metadata import entry_points

    (plugin,) = [ep for ep in entry_points(group="mkdocs.plugins") if ep.name == "kb"]
    assert plugin.value.startswith("kb.site.")
    assert plugin.load().__module__.startswith("kb.site.")
