"""What the search box of a page needs in the browser: its strings, products and segmentation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb.catalog import site_strings
from kb.cjk import NO_SPACE_LANGUAGES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kb.site.model import ProductLike


def search_box_settings(language: str, products: Iterable[ProductLike]) -> dict[str, Any]:
    """Return the settings `assets/kb/search.js` reads from the page (as JSON).

    Args:
        language: The page's language, which is also the index Pagefind searches.
        products: The taxonomy's products, in display order.

    Returns:
        `language`; `segment` (whether queries are cut into bigrams, as the index was);
        `products` (`id` and localized `name`, for the product filter and result chips); and
        the box's `strings` from the site catalogue.
    """
    strings = site_strings(language)
    return {
        "language": language,
        "segment": language.split("-")[0].lower() in NO_SPACE_LANGUAGES,
        "products": [{"id": p.id, "name": p.name.get(language) or p.id} for p in products],
        "strings": {
            "label": strings["search_label"],
            "placeholder": strings["search_placeholder"],
            "clear": strings["search_clear"],
            "product_label": strings["search_product_label"],
            "all_products": strings["search_all_products"],
            "prompt": strings["search_type_prompt"],
            "none": strings["search_results_none"],
            "one": strings["search_results_one"],
            "other": strings["search_results_other"],
            "error": strings["search_error"],
        },
    }
