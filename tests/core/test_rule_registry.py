"""The rule registry: every rule is declared once, next to its check, and `kb check` runs it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections import Counter
from pathlib import Path

import pytest

import kb
from kb.findings import Rule, RuleInfo, rule_infos
from kb.links import rules as links_rules
from kb.rules import content, metadata, parity, placeholder, products, style, terminology
from kb.rules.registry import ARTICLE_CHECKS, INFO_MODULES, PAIR_CHECKS

MODULES = [content, metadata, parity, placeholder, products, style, terminology]


def _declaring_modules() -> dict[str, dict[Rule, RuleInfo]]:
    """Every module of the kb package whose source declares a `RuleInfo`, with its `INFO`."""
    package = Path(kb.__path__[0])
    declared: dict[str, dict[Rule, RuleInfo]] = {}
    for module in pkgutil.walk_packages(kb.__path__, prefix="kb."):
        relative = Path(*module.name.split(".")[1:])
        path = package / relative / "__init__.py" if module.ispkg else package / f"{relative}.py"
        if "RuleInfo(" not in path.read_text(encoding="utf-8"):
            continue
        # kb.site is imported by the build alone: it must declare no rule (the registry
        # would have to import it).
        assert module.name.split(".")[:2] != ["kb", "site"], module.name
        declared[module.name] = importlib.import_module(module.name).INFO
    return declared


def test_every_rule_is_declared_once_in_one_module() -> None:
    declared = _declaring_modules()
    assert set(declared) == {module.__name__ for module in INFO_MODULES}
    owners = Counter(rule for infos in declared.values() for rule in infos)
    assert all(isinstance(rule, Rule) for rule in owners)
    assert {rule: owners[rule] for rule in Rule} == dict.fromkeys(Rule, 1)


def test_codes_are_unique() -> None:
    codes = Counter(info.code for info in rule_infos().values())
    assert [code for code, count in codes.items() if count > 1] == []


def test_the_rules_only_kb_links_reports_are_declared_in_kb_links() -> None:
    # `kb check` never runs a rule that needs a built site: none is declared in its modules.
    site_rules = {rule for rule in Rule if rule.info.needs == "site"}
    assert site_rules == set(links_rules.INFO)
    assert site_rules == {Rule.EXTERNAL_LINK, Rule.UNREADABLE_PAGE}


def test_the_registry_is_in_rule_order() -> None:
    # `kb rules`, the selectors and the README table list the rules in this order.
    assert list(rule_infos()) == list(Rule)
    assert all(rule.info is rule_infos()[rule] for rule in Rule)


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_a_module_names_every_rule_it_reports(module: object) -> None:
    # check.py skips a module when none of its RULES is enabled: a rule it reports but does not
    # name there would be lost.
    source = inspect.getsource(module)  # type: ignore[arg-type]
    used = {Rule[name] for name in re.findall(r"\bRule\.([A-Z_]+)", source)}
    assert used <= module.RULES  # type: ignore[attr-defined]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_a_module_reports_the_rules_it_declares(module: object) -> None:
    assert set(module.INFO) <= module.RULES  # type: ignore[attr-defined]


def test_every_module_is_run() -> None:
    run = {check.check.__module__ for check in (*ARTICLE_CHECKS, *PAIR_CHECKS)}
    assert run == {module.__name__ for module in MODULES}


@pytest.mark.parametrize("rule", list(Rule), ids=lambda rule: rule.value)
def test_every_rule_has_its_metadata(rule: Rule) -> None:
    info = rule.info
    assert re.fullmatch(r"KB[1-5]\d\d", info.code)
    assert info.summary
    assert info.example
    assert info.fix
    assert info.needs in ("", "taxonomy", "glossary", "site")
