"""Products of the WooCommerce contract fake: argument validation as WordPress's REST server does
it (``rest_validate_value_from_schema``) and the CRUD behaviour of ``WC_REST_Products_Controller``
(WooCommerce REST API v3, "Products"; WooCommerce 9.x).

Errors are WordPress REST errors ``{"code", "message", "data": {"status", ...}}``:
``rest_invalid_param`` (400, with ``params`` and ``details`` per argument: ``rest_invalid_type``,
``rest_not_in_enum``, ``rest_out_of_bounds``), ``woocommerce_rest_product_invalid_id`` (404 to read
or delete, 400 to update — as ``WC_REST_CRUD_Controller`` answers), ``product_invalid_sku`` (400,
duplicate SKU), ``woocommerce_rest_product_exists`` (400, create with an ``id``),
``woocommerce_rest_already_trashed`` (410) and ``woocommerce_rest_trash_not_supported`` (501,
deleting without ``force=true`` where trash is off, ``EMPTY_TRASH_DAYS`` = 0).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

JsonObject = dict[str, Any]

PRODUCT_TYPES = ("simple", "grouped", "external", "variable")
PRODUCT_STATUSES = ("draft", "pending", "private", "publish", "future")
LIST_STATUSES = ("any", "future", "trash", "draft", "pending", "private", "publish")

# name -> (JSON Schema type, enum/None)
ITEM_SCHEMA: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "name": ("string", None),
    "slug": ("string", None),
    "type": ("string", PRODUCT_TYPES),
    "status": ("string", PRODUCT_STATUSES),
    "featured": ("boolean", None),
    "description": ("string", None),
    "short_description": ("string", None),
    "sku": ("string", None),
    "regular_price": ("string", None),
    "sale_price": ("string", None),
    "manage_stock": ("boolean", None),
    "stock_quantity": ("integer", None),
    "categories": ("array", None),
}
COLLECTION_SCHEMA: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "page": ("integer", None),
    "per_page": ("integer", None),
    "search": ("string", None),
    "status": ("string", LIST_STATUSES),
    "type": ("string", PRODUCT_TYPES),
    "sku": ("string", None),
    "order": ("string", ("asc", "desc")),
    "orderby": ("string", ("date", "id", "include", "title", "slug", "modified")),
}
BOUNDS = {"page": (1, None), "per_page": (1, 100)}


class RestError(Exception):
    def __init__(self, status: int, code: str, message: str, **data: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.data = status, code, message, data

    def body(self) -> JsonObject:
        return {
            "code": self.code,
            "message": self.message,
            "data": {"status": self.status, **self.data},
        }


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.0*)?\s*", value) is not None


def _is_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return value in (0, 1)
    return isinstance(value, str) and value.lower() in ("false", "true", "0", "1")


def to_bool(value: Any) -> bool:
    return value is True or (isinstance(value, (int, str)) and str(value).lower() in ("1", "true"))


def _problem(
    name: str, value: Any, kind: str, enum: tuple[str, ...] | None
) -> tuple[str, str] | None:
    checks: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str),
        "integer": _is_integer,
        "boolean": _is_boolean,
        "array": lambda v: isinstance(v, list),
    }
    if not checks[kind](value):
        return "rest_invalid_type", f"{name} is not of type {kind}."
    if enum is not None and value not in enum:
        return "rest_not_in_enum", f"{name} is not one of {', '.join(enum)}."
    if kind == "integer" and name in BOUNDS:
        low, high = BOUNDS[name]
        number = int(float(value))
        if high is not None and not low <= number <= high:
            return (
                "rest_out_of_bounds",
                f"{name} must be between {low} (inclusive) and {high} (inclusive)",
            )
        if number < low:
            return "rest_out_of_bounds", f"{name} must be greater than or equal to {low}"
    if kind == "array" and name == "categories":
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                return "rest_invalid_type", f"{name}[{index}] is not of type object."
            if "id" in item and not _is_integer(item["id"]):
                return "rest_invalid_type", f"{name}[{index}][id] is not of type integer."
    return None


def validate(values: JsonObject, schema: dict[str, tuple[str, tuple[str, ...] | None]]) -> None:
    """Raise ``rest_invalid_param`` naming every invalid argument that is present."""
    params: dict[str, str] = {}
    details: dict[str, JsonObject] = {}
    for name, (kind, enum) in schema.items():
        if name not in values:
            continue
        found = _problem(name, values[name], kind, enum)
        if found is not None:
            code, message = found
            params[name] = message
            details[name] = {"code": code, "message": message, "data": {"param": name}}
    if params:
        raise RestError(
            400,
            "rest_invalid_param",
            f"Invalid parameter(s): {', '.join(params)}",
            params=params,
            details=details,
        )


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Catalogue:
    """The shop's products and categories; ids count up like WordPress post ids."""

    trash_enabled: bool = True

    def __post_init__(self) -> None:
        self.products: dict[int, JsonObject] = {}
        self.categories = {15: {"id": 15, "name": "Uncategorized", "slug": "uncategorized"}}
        self.next_id = 10

    def _now(self) -> str:
        return datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat()

    def view(self, product: JsonObject, home: str) -> JsonObject:
        regular, sale = product["regular_price"], product["sale_price"]
        on_sale = sale != "" and (regular == "" or float(sale) < float(regular))
        shown = dict(product)
        shown.update(
            permalink=f"{home}/?post_type=product&p={product['id']}",
            price=sale if on_sale else regular,
            on_sale=on_sale,
            purchasable=regular != "" or sale != "",
            stock_quantity=product["stock_quantity"] if product["manage_stock"] else None,
            _links={
                "self": [{"href": f"{home}/wp-json/wc/v3/products/{product['id']}"}],
                "collection": [{"href": f"{home}/wp-json/wc/v3/products"}],
            },
        )
        return shown

    def _apply(self, product: JsonObject, values: JsonObject) -> None:
        for name, (kind, _enum) in ITEM_SCHEMA.items():
            if name not in values or name == "categories":
                continue
            value = values[name]
            if kind == "boolean":
                value = to_bool(value)
            elif kind == "integer":
                value = int(float(value))
            product[name] = value
        if "categories" in values:
            ids = [int(float(item["id"])) for item in values["categories"] if "id" in item]
            product["categories"] = [self.categories[i] for i in ids if i in self.categories]
        sku = product["sku"]
        if sku and any(
            p["sku"] == sku and p["id"] != product["id"] for p in self.products.values()
        ):
            raise RestError(
                400,
                "product_invalid_sku",
                "Invalid or duplicated SKU.",
                resource_id=product["id"],
                unique_sku=sku,
            )
        if "slug" not in values and not product["slug"]:
            product["slug"] = self._unique_slug(_slugify(product["name"]) or str(product["id"]))
        product["date_modified"] = product["date_modified_gmt"] = self._now()

    def _unique_slug(self, slug: str) -> str:
        taken = {p["slug"] for p in self.products.values()}
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        return candidate

    def create(self, values: JsonObject) -> JsonObject:
        if values.get("id"):
            raise RestError(
                400, "woocommerce_rest_product_exists", "Cannot create existing product."
            )
        self.next_id += 1
        stamp = self._now()
        product: JsonObject = {
            "id": self.next_id,
            "name": "",
            "slug": "",
            "type": "simple",
            "status": "publish",
            "featured": False,
            "catalog_visibility": "visible",
            "description": "",
            "short_description": "",
            "sku": "",
            "regular_price": "",
            "sale_price": "",
            "manage_stock": False,
            "stock_quantity": None,
            "stock_status": "instock",
            "categories": [self.categories[15]],
            "date_created": stamp,
            "date_created_gmt": stamp,
        }
        self._apply(product, values)
        self.products[product["id"]] = product
        return product

    def get(self, product_id: int, *, missing_status: int = 404) -> JsonObject:
        product = self.products.get(product_id)
        if product is None:
            raise RestError(missing_status, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        return product

    def update(self, product_id: int, values: JsonObject) -> JsonObject:
        product = self.get(product_id, missing_status=400)
        candidate = dict(product)
        self._apply(candidate, values)
        product.update(candidate)
        return product

    def delete(self, product_id: int, force: bool) -> JsonObject:
        product = self.get(product_id)
        shown = dict(product)
        if force:
            del self.products[product_id]
            return shown
        if not self.trash_enabled:
            raise RestError(
                501,
                "woocommerce_rest_trash_not_supported",
                "The product does not support trashing.",
            )
        if product["status"] == "trash":
            raise RestError(
                410, "woocommerce_rest_already_trashed", "The product has already been deleted."
            )
        product["status"] = "trash"
        return dict(product)

    def listing(self, args: JsonObject) -> tuple[list[JsonObject], int, int]:
        status = args.get("status", "any")
        items = [
            p
            for p in self.products.values()
            if (p["status"] != "trash" if status == "any" else p["status"] == status)
        ]
        if args.get("search"):
            items = [p for p in items if str(args["search"]).lower() in p["name"].lower()]
        for name in ("sku", "type"):
            if args.get(name):
                items = [p for p in items if p[name] == args[name]]
        orderby = args.get("orderby", "date")
        key = {"id": "id", "title": "name", "slug": "slug", "modified": "date_modified"}.get(
            orderby, "date_created"
        )
        items.sort(key=lambda p: (p[key], p["id"]), reverse=args.get("order", "desc") == "desc")
        per_page = int(float(args.get("per_page", 10)))
        page = int(float(args.get("page", 1)))
        total = len(items)
        return items[(page - 1) * per_page : page * per_page], total, math.ceil(total / per_page)
