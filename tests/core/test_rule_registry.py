"""The rule registry: every rule has its metadata, and `kb check` runs each module by it."""

from __future__ import annotations

import inspect
import re

import pytest

from kb.findings import RULES, Rule
from kb.rules import content, metadata, parity, placeholder, products, style, terminology
from kb.rules.registry import ARTICLE_CHECKS, PAIR_CHECKS

MODULES = [content, metadata, parity, placeholder, products, style, terminology]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_a_module_names_every_rule_it_reports(module: object) -> None:
    # check.py skips a module when none of its RULES is enabled: a rule it reports but does not
    # name there would be lost.
    source = inspect.getsource(module)  # type: ignore[arg-type]
    used = {Rule[name] for name in re.findall(r"\bRule\.([A-Z_]+)", source)}
    assert used <= module.RULES  # type: ignore[attr-defined]


def test_every_module_is_run() -> None:
    run = {check.check.__module__ for check in (*ARTICLE_CHECKS, *PAIR_CHECKS)}
    assert run == {module.__name__ for module in MODULES}


@pytest.mark.parametrize("rule", list(Rule), ids=lambda rule: rule.value)
def test_every_rule_has_its_metadata(rule: Rule) -> None:
    info = RULES[rule]
    assert re.fullmatch(r"KB[1-5]\d\d", info.code)
    assert info.summary
    assert info.example
    assert info.fix
    assert info.needs in ("", "taxonomy", "glossary", "site")
