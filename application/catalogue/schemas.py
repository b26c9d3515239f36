"""Reusable JSON Schema fragments for the tool catalogue.

Every helper returns a fresh dict, so no two specs share a mutable schema object. The rules
all input schemas follow: ``"type": "object"``, ``"additionalProperties": false``, an explicit
``required`` list, every string bounded by ``maxLength``, every integer bounded below, enums
wherever the WordPress / WooCommerce REST API has them. Dates are checked with a ``pattern``
(the subset of RFC 3339 that ``rest_parse_date`` accepts), never with the optional jsonschema
format checker.

Pagination follows field case F18: ``per_page`` above 100 and ``page`` below 1 are refused by
the schema, before any upstream call.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Schema = dict[str, Any]

MAX_PER_PAGE = 100
"""WordPress and WooCommerce both reject ``per_page`` above 100 (``rest_invalid_param``)."""

MAX_ALL_PAGES = 3
"""How many upstream pages ``all_pages`` follows at most (the compiler's ``max_pages``)."""

ISO_DATE_TIME = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
    r"(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$"
)
"""ISO 8601 / RFC 3339 date-time, e.g. ``2025-06-01T09:30:00`` (site time) or with ``Z`` /
``+02:00``. A strict subset of what WordPress's ``rest_parse_date`` accepts."""

PRICE = r"^\d+(\.\d{1,2})?$"
"""A WooCommerce price: a decimal string such as ``"19"`` or ``"19.99"``."""

NAME_MAX = 200
"""WordPress term names and slugs are limited to 200 characters."""
TITLE_MAX = 1_000
CONTENT_MAX = 1_000_000
EXCERPT_MAX = 10_000
DESCRIPTION_MAX = 10_000
SEARCH_MAX = 200


def obj(properties: Mapping[str, Schema], required: Sequence[str] = ()) -> Schema:
    """A closed object schema; every required name must be a declared property."""
    unknown = [name for name in required if name not in properties]
    if unknown:
        raise ValueError(f"required names without a property: {unknown}")
    return {
        "type": "object",
        "properties": copy.deepcopy(dict(properties)),
        "required": list(required),
        "additionalProperties": False,
    }


def with_description(schema: Schema, description: str) -> Schema:
    return {**copy.deepcopy(schema), "description": description}


# -- scalars -------------------------------------------------------------------------------


def id_(what: str) -> Schema:
    """A positive object ID (used in routes: always an integer, never free text)."""
    return {"type": "integer", "minimum": 1, "description": f"The {what} ID."}


def parent_id(what: str) -> Schema:
    """A parent reference where 0 means "no parent" (top level)."""
    return {"type": "integer", "minimum": 0, "description": f"The {what} ID (0 for none)."}


def count(description: str, minimum: int = 0, maximum: int | None = None) -> Schema:
    schema: Schema = {"type": "integer", "minimum": minimum, "description": description}
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def text(description: str, max_length: int, min_length: int = 0) -> Schema:
    schema: Schema = {"type": "string", "maxLength": max_length, "description": description}
    if min_length:
        schema["minLength"] = min_length
    return schema


def pattern(description: str, regex: str, max_length: int) -> Schema:
    return {"type": "string", "pattern": regex, "maxLength": max_length, "description": description}


def boolean(description: str) -> Schema:
    return {"type": "boolean", "description": description}


def enum(description: str, values: Iterable[str]) -> Schema:
    return {"type": "string", "enum": list(values), "description": description}


def date_time(description: str) -> Schema:
    return {
        "type": "string",
        "pattern": ISO_DATE_TIME,
        "maxLength": 40,
        "description": f"{description} ISO 8601, e.g. 2025-06-01T09:30:00 (site time) "
        "or with Z / +02:00.",
    }


def email(description: str, max_length: int = 254) -> Schema:
    return {
        "type": "string",
        "pattern": r"^[^@\s]{1,64}@[^@\s]{1,255}$",
        "maxLength": max_length,
        "description": description,
    }


def url(description: str, max_length: int = 2_000) -> Schema:
    return {
        "type": "string",
        "pattern": r"^https?://[^\s]+$",
        "maxLength": max_length,
        "description": description,
    }


def slug(what: str) -> Schema:
    return text(
        f"URL slug of the {what} (WordPress sanitises it; empty to derive from the title).",
        NAME_MAX,
    )


def ids(description: str, max_items: int = 100, minimum: int = 1) -> Schema:
    return {
        "type": "array",
        "items": {"type": "integer", "minimum": minimum},
        "maxItems": max_items,
        "uniqueItems": True,
        "description": description,
    }


def strings(description: str, regex: str, max_length: int, max_items: int = 20) -> Schema:
    return {
        "type": "array",
        "items": {"type": "string", "pattern": regex, "maxLength": max_length},
        "maxItems": max_items,
        "uniqueItems": True,
        "description": description,
    }


# -- listing -------------------------------------------------------------------------------


def pagination() -> dict[str, Schema]:
    """``page``, ``per_page`` and ``all_pages`` for a paginated list tool."""
    return {
        "page": {
            "type": "integer",
            "minimum": 1,
            "description": "Page of the collection, from 1 (default 1).",
        },
        "per_page": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PER_PAGE,
            "description": f"Items per page, 1 to {MAX_PER_PAGE} (default 10).",
        },
        "all_pages": {
            "type": "boolean",
            "description": "Follow pagination and return the items of every page, at most "
            f"{MAX_ALL_PAGES} upstream pages (use per_page=100 to get the most).",
        },
    }


def search() -> Schema:
    return text("Only items matching this search text.", SEARCH_MAX, min_length=1)


def order() -> Schema:
    return enum("Sort direction (default desc).", ("asc", "desc"))


def orderby(values: Iterable[str], default: str) -> Schema:
    return enum(f"Sort by this attribute (default {default}).", values)


def context(values: Sequence[str] = ("view", "edit", "embed")) -> Schema:
    return enum(
        "Which fields the site returns: view (public), edit (raw values; needs edit rights)"
        + (", embed (minimal)" if "embed" in values else "")
        + ". Default view.",
        list(values),
    )


# -- WordPress enums (wp/v2) ----------------------------------------------------------------

POST_WRITE_STATUSES = ("draft", "publish", "pending", "private", "future")
POST_LIST_STATUSES = ("publish", "future", "draft", "pending", "private", "trash", "any")
POST_ORDERBY = (
    "author",
    "date",
    "id",
    "include",
    "modified",
    "parent",
    "relevance",
    "slug",
    "include_slugs",
    "title",
)
PAGE_ORDERBY = (*POST_ORDERBY, "menu_order")
TERM_ORDERBY = (
    "id",
    "include",
    "name",
    "slug",
    "include_slugs",
    "term_group",
    "description",
    "count",
)
COMMENT_ORDERBY = ("date", "date_gmt", "id", "include", "post", "parent", "type")
COMMENT_LIST_STATUSES = ("approve", "hold", "spam", "trash", "all")
COMMENT_SET_STATUSES = ("approved", "hold", "spam", "unspam", "trash", "untrash")
USER_ORDERBY = ("id", "include", "name", "registered_date", "slug", "include_slugs", "email", "url")
OPEN_CLOSED = ("open", "closed")
POST_FORMATS = (
    "standard",
    "aside",
    "chat",
    "gallery",
    "link",
    "image",
    "quote",
    "status",
    "video",
    "audio",
)
MEDIA_TYPES = ("image", "video", "text", "application", "audio")
MEDIA_STATUSES = ("inherit", "private", "trash")
ROLE = r"^[a-z0-9_-]{1,60}$"

# -- WooCommerce enums (wc/v3) --------------------------------------------------------------

PRODUCT_TYPES = ("simple", "grouped", "external", "variable")
PRODUCT_WRITE_STATUSES = ("draft", "pending", "private", "publish")
PRODUCT_LIST_STATUSES = ("any", *PRODUCT_WRITE_STATUSES)
PRODUCT_ORDERBY = ("date", "id", "include", "title", "slug", "price", "popularity", "rating")
STOCK_STATUSES = ("instock", "outofstock", "onbackorder")
CATALOG_VISIBILITY = ("visible", "catalog", "search", "hidden")
