"""YAML reading for kb: line numbers of keys, duplicate keys, and MkDocs' custom tags."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C parser is several times faster on thousands of front matters
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]

YamlPath = tuple[str | int, ...]
"""Where a value sits in a document: keys and list indexes from the top."""


_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(.*))?")
_SAFE_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9+.~<=][^:#\[\]{}]*")
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_FLOW_ITEM = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_HEX_DIGEST = re.compile(r"[0-9a-f]*[a-f][0-9a-f]*")
_NOT_PLAIN_STRINGS = frozenset(
    [
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        "null",
        "Null",
        "NULL",
    ]
)


class YamlError(Exception):
    """The text is not valid YAML; `line` is 1-based within the text."""

    def __init__(self, message: str, line: int, *, unsafe: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.unsafe = unsafe
        """The text uses anchors or aliases: nothing may expand it, the build included."""


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML document and where its values are."""

    data: Any
    """The document, built by PyYAML's safe constructor (None when empty)."""
    lines: dict[YamlPath, int] = field(default_factory=dict)
    """1-based line of every mapping value and list item, by path."""
    duplicates: list[tuple[YamlPath, int]] = field(default_factory=list)
    """Keys given twice in one mapping: the path of the second one and its line."""

    def line(self, *path: str | int, default: int = 1) -> int:
        """Line of the value at `path`, or `default` when unknown."""
        return self.lines.get(path, default)


def load_document(text: str) -> YamlDocument:
    """Parse one YAML document with the safe loader, recording lines and duplicate keys.

    Anchors and aliases (`&name`, `*name`) are refused before anything is built: nine levels
    of aliases are a few lines that expand into gigabytes wherever the value is printed (a
    page template, a JSON dump). The files kb reads never need them.

    Args:
        text: The YAML text.

    Returns:
        The document with its line table.

    Raises:
        YamlError: The text is not valid YAML, is too deeply nested to build, or uses an
            anchor or alias (`unsafe`).
    """
    loader = SafeLoader(text)
    try:
        refuse_anchors(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = error.problem or error.context or "invalid YAML"
        raise YamlError(str(problem), line) from None
    except yaml.YAMLError as error:
        raise YamlError(str(error).splitlines()[0] if str(error) else "invalid YAML", 1) from None
    except RecursionError:
        raise YamlError("nested too deeply", 1) from None
    except (ValueError, TypeError, OverflowError) as error:
        # The constructor raises these for values such as the date 2026-02-30.
        raise YamlError(f"invalid value: {error}", 1) from None
    finally:
        loader.dispose()
    document = YamlDocument(data)
    if node is not None:
        _record(node, (), document, set())
    return document


def refuse_anchors(text: str) -> None:
    """Raise `YamlError` (`unsafe`) at the first anchor or alias, before anything expands it.

    Text that is not valid YAML passes: no parser builds it, and the caller's reports why.

    Raises:
        YamlError: The text uses an anchor or alias.
    """
    if "&" not in text and "*" not in text:
        return  # neither can be written without its indicator
    loader = SafeLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            anchor = getattr(event, "anchor", None)
            if not anchor:
                continue
            kind = "alias '*" if isinstance(event, yaml.AliasEvent) else "anchor '&"
            mark = getattr(event, "start_mark", None)
            raise YamlError(
                f"YAML anchors and aliases are not allowed ({kind}{anchor}'): write the value out",
                mark.line + 1 if mark is not None else 1,
                unsafe=True,
            )
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


def load_simple(text: str) -> YamlDocument | None:
    """Parse the common front matter shape without PyYAML, or return None to ask PyYAML.

    Only `key: value` lines are accepted, where every value is one PyYAML would read the same
    way: a plain string free of YAML indicators, a quoted string without escapes, an ISO date,
    a lowercase hex digest, or a flow list of plain ids (`[payments, payouts]`). Anything else
    (nesting, block lists, numbers, booleans, comments after values) returns None.

    Args:
        text: The YAML text.

    Returns:
        The document, or None when the text needs the full parser.
    """
    data: dict[str, Any] = {}
    lines: dict[YamlPath, int] = {}
    duplicates: list[tuple[YamlPath, int]] = []
    if _NON_PRINTABLE.search(text):
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("#") or not line.strip():
            continue
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None:
            return None
        key, raw = match.group(1), (match.group(2) or "").rstrip(" \t")
        value = _simple_value(raw)
        if value is _NOT_SIMPLE or key in _NOT_PLAIN_STRINGS:
            return None
        if key in data:
            duplicates.append(((key,), number))
            data[key] = value  # PyYAML keeps the last value
            continue
        data[key] = value
        lines[(key,)] = number
        if isinstance(value, list):
            for index in range(len(value)):
                lines[(key, index)] = number
    return YamlDocument(data or None, lines, duplicates)


_NOT_SIMPLE = object()


def _simple_value(raw: str) -> Any:
    if not raw:
        return _NOT_SIMPLE  # null, or a block that continues on the next lines
    first = raw[0]
    if first == '"':
        inner = raw[1:-1]
        if len(raw) < 2 or raw[-1] != '"' or '"' in inner or "\\" in inner:
            return _NOT_SIMPLE
        return inner
    if first == "'":
        inner = raw[1:-1]
        if len(raw) < 2 or raw[-1] != "'" or "'" in inner:
            return _NOT_SIMPLE
        return inner
    if first == "[":
        if raw[-1] != "]":
            return _NOT_SIMPLE
        items = [item.strip() for item in raw[1:-1].split(",")]
        if items == [""]:
            return []
        if not all(_FLOW_ITEM.fullmatch(item) and item not in _NOT_PLAIN_STRINGS for item in items):
            return _NOT_SIMPLE
        return items
    if _DATE.fullmatch(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return _NOT_SIMPLE
    if len(raw) == 12 and _HEX_DIGEST.fullmatch(raw):
        return raw
    if raw in _NOT_PLAIN_STRINGS or not _SAFE_PLAIN.fullmatch(raw) or " #" in raw:
        return _NOT_SIMPLE
    return raw


def _record(node: yaml.Node, path: YamlPath, document: YamlDocument, seen: set[int]) -> None:
    # Aliases share nodes: visiting each node once keeps a "billion laughs" document linear.
    stack: list[tuple[yaml.Node, YamlPath]] = [(node, path)]
    while stack:
        current, where = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in current.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = str(key_node.value)
                child = (*where, key)
                line = key_node.start_mark.line + 1
                if key in keys:
                    document.duplicates.append((child, line))
                    continue
                keys.add(key)
                document.lines[child] = line
                stack.append((value_node, child))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                child = (*where, index)
                document.lines[child] = item.start_mark.line + 1
                stack.append((item, child))


class _MkDocsLoader(SafeLoader):
    """Safe loader that tolerates the tags real `mkdocs.yml` files use."""


def _ignore_python_tag(loader: yaml.BaseLoader, suffix: str, node: yaml.Node) -> None:
    # `!!python/name:material.extensions.emoji.twemoji` names code kb never needs to run.
    return None


def _env_tag(loader: SafeLoader, node: yaml.Node) -> Any:
    default: Any = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode) and node.value:
        items = list(node.value)
        if len(items) > 1:
            default = loader.construct_object(items[-1])
            items = items[:-1]
        names = [
            loader.construct_scalar(item) for item in items if isinstance(item, yaml.ScalarNode)
        ]
    else:
        return None
    for name in names:
        if isinstance(name, str) and name in os.environ:
            value = os.environ[name]
            try:
                return yaml.load(value, Loader=SafeLoader)  # safe loader
            except yaml.YAMLError:
                return value
    return default


def _plain_tag(loader: SafeLoader, suffix: str, node: yaml.Node) -> Any:
    # `!relative $config_dir` and other custom tags: keep the plain value.
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None  # pragma: no cover


_MkDocsLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_python_tag)
_MkDocsLoader.add_constructor("!ENV", _env_tag)
_MkDocsLoader.add_multi_constructor("!", _plain_tag)


def load_mkdocs_yaml(text: str) -> Any:
    """Parse an `mkdocs.yml`, ignoring `!!python/...` tags and resolving `!ENV`.

    Args:
        text: The configuration text.

    Returns:
        The parsed configuration.

    Raises:
        YamlError: The text is not valid YAML.
    """
    try:
        return yaml.load(text, Loader=_MkDocsLoader)  # a safe loader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise YamlError(
            str(error.problem or "invalid YAML"), mark.line + 1 if mark else 1
        ) from None
    except yaml.YAMLError as error:
        raise YamlError(str(error), 1) from None


def merge_config(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Merge an `INHERIT`ed configuration the way MkDocs does: mappings deep, the rest replaced."""
    merged = dict(parent)
    for key, value in child.items():
        base = merged.get(key)
        if isinstance(base, Mapping) and isinstance(value, Mapping):
            merged[key] = merge_config(base, value)
        else:
            merged[key] = value
    return merged
