"""`kb new`: a new article from the template, in the product folder its path or title names."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
from typing import TYPE_CHECKING

from kb.atomic import atomic_write
from kb.corpus import Corpus
from kb.placeholders import ARTICLE_TEMPLATE, DESCRIPTION_TEMPLATE
from kb.slugs import slugify
from kb.taxonomy import PRODUCT_ID, load_taxonomy
from kb.writes import WriteError, _write_target
from kb.yamlio import load_simple

if TYPE_CHECKING:
    from pathlib import Path

    from kb.project import Project
    from kb.taxonomy import Taxonomy


SLUG = PRODUCT_ID
"""An article slug: kebab-case, lowercase ASCII (it is part of URLs in both languages)."""


MAX_SLUG_LENGTH = 100
"""Longest slug `kb new` accepts (file systems refuse names over 255 bytes)."""


def new_article(project: Project, target: str, title: str, *, today: dt.date | None = None) -> Path:
    """Create a source-language article from the help-article template.

    Args:
        project: The project (it needs a product taxonomy).
        target: `<product>/<slug>`, e.g. `payments/refund-a-payment` (`.md` may follow).
        title: The article's title.
        today: The `last_reviewed` date (default: today).

    Returns:
        The created file.

    Raises:
        WriteError: The product is unknown, the slug is not kebab-case, the title is empty
            (`usage`), or the article exists already (it is never overwritten).
    """
    title = " ".join(title.split())
    if not title:
        raise WriteError('the title is empty: pass --title "Refund a payment"', usage=True)
    taxonomy = _taxonomy(project)
    product, slug = _product_and_slug(target, title, taxonomy.ids)
    _check_product(project, taxonomy, product)
    if len(slug) > MAX_SLUG_LENGTH:
        raise WriteError(
            f"slug '{slug[:20]}...' is {len(slug)} characters long: keep it under "
            f"{MAX_SLUG_LENGTH + 1} (it is part of URLs), e.g. {product}/"
            f"{_suggested_slug(title, title)[:MAX_SLUG_LENGTH]}",
            usage=True,
        )
    if not SLUG.match(slug):
        raise WriteError(
            f"slug '{slug}' is not kebab-case ASCII (lowercase letters, digits and hyphens, as "
            f"in URLs): did you mean {product}/{_suggested_slug(slug, title)}?",
            usage=True,
        )
    rel = f"{product}/{slug}.md"
    corpus = Corpus(project)
    source = project.source_language
    existing = corpus.index.docs_path(source, rel)
    target_file = project.docs_dir / (existing or corpus.index.expected_path(source, rel))
    shown = project.display_path(target_file)
    if existing is not None or os.path.lexists(target_file):
        raise WriteError(f"{shown} exists already: kb never overwrites an article")
    target_file = _write_target(project, target_file, new=True)
    day = (today or dt.date.today()).isoformat()
    text = (
        "---\n"
        f"title: {_yaml_text(title)}\n"
        f"description: {json.dumps(DESCRIPTION_TEMPLATE)}\n"
        f"products: [{product}]\n"
        f"last_reviewed: {day}\n"
        "---\n\n" + ARTICLE_TEMPLATE.format(title=title)
    )
    target_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(target_file, text.encode("utf-8"), exclusive=True)
    except FileExistsError:
        raise WriteError(f"{shown} exists already: kb never overwrites an article") from None
    return target_file


def _product_and_slug(target: str, title: str, products: list[str]) -> tuple[str, str]:
    target = target.strip().removesuffix(".md")
    product, separator, slug = target.partition("/")
    if not separator or not product or not slug or "/" in slug:
        example = products[0] if products else "payments"
        raise WriteError(
            f"'{target}' is not <product>/<slug>: write e.g. "
            f"{example}/{_suggested_slug(target, title)}",
            usage=True,
        )
    return product, slug


def _suggested_slug(text: str, title: str) -> str:
    for candidate in (text.rpartition("/")[2], title):
        slug = re.sub(r"[^a-z0-9]+", "-", slugify(candidate.replace("_", "-"))).strip("-")
        if slug:
            return slug
    return "refund-a-payment"


def _taxonomy(project: Project) -> Taxonomy:
    if project.taxonomy_path is None:
        raise WriteError(
            "kb new needs the product taxonomy: add products.yml next to mkdocs.yml, set "
            "'taxonomy:' in the kb plugin options, or pass --taxonomy",
            usage=True,
        )
    taxonomy, findings = load_taxonomy(project.taxonomy_path, project.languages)
    if findings and not taxonomy.products:
        raise WriteError(
            f"{project.taxonomy_path.name} is invalid: run `kb check` to see why", usage=True
        )
    return taxonomy


def _check_product(project: Project, taxonomy: Taxonomy, product: str) -> None:
    if taxonomy.get(product) is not None:
        return
    close = difflib.get_close_matches(product, taxonomy.ids, n=1, cutoff=0.6)
    suggestion = f"did you mean '{close[0]}'? " if close else ""
    raise WriteError(
        f"unknown product '{product}': {suggestion}"
        f"the products in {taxonomy.path.name} are {', '.join(taxonomy.ids)}",
        usage=True,
    )


def _yaml_text(value: str) -> str:
    """`value` as a YAML scalar: plain when it reads back the same, JSON-quoted otherwise."""
    document = load_simple(f"title: {value}")
    if document is not None and document.data == {"title": value}:
        return value
    return json.dumps(value, ensure_ascii=False)
