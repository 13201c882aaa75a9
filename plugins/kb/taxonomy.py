"""The product taxonomy (`products.yml`): loading and validating it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kb.docs_tree import MAX_DATA_BYTES, read_regular_file
from kb.findings import Finding, Rule, RuleInfo, Severity
from kb.safe_text import ICON_ID, markup_in
from kb.yamlio import YamlDocument, YamlError, load_document

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

INFO: dict[Rule, RuleInfo] = {
    Rule.INVALID_TAXONOMY: RuleInfo(
        "KB204",
        "products",
        Severity.ERROR,
        "products.yml is invalid",
        needs="taxonomy",
        example=(
            "`products.yml` has a duplicate id, a language without a name, markup in a name or "
            'description (`name: {en: "<b>Cards</b>"}`), an icon that is no theme icon id (`icon: '
            "../x`), or a YAML anchor or alias"
        ),
        fix=(
            "fix `products.yml` at the reported line (plain text; icons like "
            "`material/bank-transfer`; write each value out)"
        ),
    ),
}
"""The rule `load_taxonomy` reports."""

PRODUCT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
"""A product id: kebab-case, lowercase ASCII (it is part of URLs)."""
_PRODUCT_KEYS = ("id", "icon", "name", "description")


@dataclass(frozen=True)
class Product:
    """One product: its id, icon and per-language name and description."""

    id: str
    """Stable kebab-case id, used in front matter and URLs."""
    icon: str
    """Theme icon id, e.g. `material/bank-transfer` (empty when not given or not a valid id)."""
    name: dict[str, str]
    """Display name per language."""
    description: dict[str, str]
    """One sentence per language."""
    line: int = 1
    """Line of the entry in `products.yml`."""


@dataclass(frozen=True)
class Taxonomy:
    """The products, in display order."""

    path: Path
    """The file it was read from."""
    products: tuple[Product, ...] = ()
    """Valid products, in the file's order."""
    by_id: dict[str, Product] = field(default_factory=dict)
    """Products by id."""

    @property
    def ids(self) -> list[str]:
        """Product ids in display order."""
        return [product.id for product in self.products]

    def get(self, product_id: str) -> Product | None:
        """The product with this id, or None."""
        return self.by_id.get(product_id)


def load_taxonomy(
    path: Path, languages: Sequence[str], *, display_path: str | None = None
) -> tuple[Taxonomy, list[Finding]]:
    """Read and validate `products.yml`.

    Args:
        path: The taxonomy file.
        languages: Languages every product needs a name and description in.
        display_path: The path as findings report it (default: `path` as given).

    Returns:
        The taxonomy of the valid products, and an `invalid-taxonomy` finding per problem, each
        with its line in the file.
    """
    shown = display_path or path.as_posix()
    findings: list[Finding] = []

    def report(line: int, message: str, hint: str) -> None:
        findings.append(Finding(shown, line, Rule.INVALID_TAXONOMY, message, hint))

    try:
        text = read_regular_file(path, MAX_DATA_BYTES).decode("utf-8-sig").replace("\r\n", "\n")
    except OSError as error:
        report(1, f"cannot read the taxonomy: {error.strerror or error}", "check the file")
        return Taxonomy(path), findings
    except UnicodeDecodeError as error:
        report(1, f"cannot read the taxonomy: {error}", "save products.yml as UTF-8")
        return Taxonomy(path), findings
    try:
        document = load_document(text)
    except YamlError as error:
        report(error.line, f"products.yml is not valid YAML: {error.message}", "fix the YAML")
        return Taxonomy(path), findings
    for where, line in document.duplicates:
        key = ".".join(str(part) for part in where)
        report(line, f"key '{key}' is given twice", "keep one of the two values")
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        report(1, "products.yml must have a 'products:' list", "start the file with 'products:'")
        return Taxonomy(path), findings
    for key in data:
        if key != "products":
            report(
                document.line(str(key)),
                f"unknown top-level key '{key}'",
                "products.yml has only a 'products:' list",
            )
    products: list[Product] = []
    by_id: dict[str, Product] = {}
    for index, entry in enumerate(data["products"]):
        product = _product(entry, index, document, languages, by_id, report)
        if product is not None:
            products.append(product)
            by_id[product.id] = product
    return Taxonomy(path, tuple(products), by_id), findings


def _product(
    entry: Any,
    index: int,
    document: YamlDocument,
    languages: Sequence[str],
    seen: dict[str, Product],
    report: Any,
) -> Product | None:
    line = document.line("products", index)
    if not isinstance(entry, dict):
        report(
            line,
            f"product {index + 1} must be a mapping with id, icon, name and description",
            "write '- id: payments' and the other keys under it",
        )
        return None
    product_id = entry.get("id")
    id_line = document.line("products", index, "id", default=line)
    for key in entry:
        if key not in _PRODUCT_KEYS:
            report(
                document.line("products", index, str(key), default=line),
                f"unknown key '{key}' in product {product_id or index + 1}",
                "a product has only id, icon, name and description",
            )
    if not isinstance(product_id, str) or not product_id:
        report(id_line, f"product {index + 1} has no id", "add 'id: <kebab-case-id>'")
        return None
    valid = True
    if not PRODUCT_ID.match(product_id):
        report(
            id_line,
            f"product id '{product_id}' is not kebab-case",
            "use lowercase letters, digits and hyphens, e.g. 'local-payments'",
        )
        valid = False
    if product_id in seen:
        report(
            id_line,
            f"product id '{product_id}' is used twice (first on line {seen[product_id].line})",
            "give every product its own id",
        )
        valid = False
    icon = entry.get("icon", "")
    # The icon becomes a template path (`.icons/<icon>.svg`): only a plain icon id gets there.
    if not isinstance(icon, str) or (icon and not ICON_ID.match(icon)):
        report(
            document.line("products", index, "icon", default=line),
            f"icon of product '{product_id}' must be a theme icon id, not {str(icon)[:60]!r}",
            "e.g. 'icon: material/bank-transfer'",
        )
        icon = ""
    texts: dict[str, dict[str, str]] = {}
    for key in ("name", "description"):
        value = entry.get(key)
        key_line = document.line("products", index, key, default=line)
        if not isinstance(value, dict):
            report(
                key_line,
                f"{key} of product '{product_id}' must map languages to text",
                f"write '{key}: {{{', '.join(f'{lang}: ...' for lang in languages)}}}'",
            )
            texts[key] = {}
            continue
        texts[key] = {
            str(lang): str(text)
            for lang, text in value.items()
            if isinstance(text, str) and text.strip()
        }
        for lang, text in texts[key].items():
            markup = markup_in(text)
            if markup is not None:
                report(
                    document.line("products", index, key, lang, default=key_line),
                    f"{key} of product '{product_id}' in '{lang}' contains markup {markup!r}: "
                    "the site shows it as text",
                    "write plain text: leave out tags, and type <, > and & themselves "
                    "(kb escapes them)",
                )
        for language in languages:
            if language not in texts[key]:
                report(
                    key_line,
                    f"product '{product_id}' has no {key} in '{language}'",
                    f"add '{language}: ...' to its {key}",
                )
    if not valid:
        return None
    return Product(product_id, icon, texts["name"], texts["description"], id_line)
