"""WooCommerce products: ``/wc/v3/products`` (WooCommerce REST API v3, as documented in
woocommerce/woocommerce-rest-api-docs ``source/includes/wp-api-v3/_products.md``).

These tools use the WooCommerce credentials (``api="wc"``: consumer key and secret) and are
offered only for projects that have them.
"""

from __future__ import annotations

from application.catalogue import schemas as s
from application.catalogue.builders import http_tool
from application.catalogue.schemas import Schema
from application.tools.spec import ToolSpec
from domain.scopes import Scope

_PERSONAL = ("description", "short_description")
_CONTEXT = ("view", "edit")


def _term_refs(what: str) -> Schema:
    return {
        "type": "array",
        "items": s.obj({"id": s.id_(f"product {what}")}, required=["id"]),
        "maxItems": 100,
        "description": f'Product {what}s as [{{"id": 15}}, ...] (replaces the current set).',
    }


def _price(description: str, allow_empty: bool = False) -> Schema:
    regex = r"^(\d+(\.\d{1,2})?)?$" if allow_empty else s.PRICE
    return s.pattern(f'{description} A decimal string such as "19.99".', regex, 20)


def _write_fields() -> dict[str, Schema]:
    return {
        "name": s.text("Product name.", s.TITLE_MAX, min_length=1),
        "type": s.enum("Product type (default simple).", s.PRODUCT_TYPES),
        "status": s.enum("Publication status (default publish).", s.PRODUCT_WRITE_STATUSES),
        "slug": s.slug("product"),
        "featured": s.boolean("Featured product."),
        "catalog_visibility": s.enum("Where the product is shown.", s.CATALOG_VISIBILITY),
        "regular_price": _price("Regular price."),
        "sale_price": _price("Sale price; an empty string ends the sale.", allow_empty=True),
        "description": s.text("Full description (HTML allowed).", 200_000),
        "short_description": s.text("Short description (HTML allowed).", 20_000),
        "sku": s.text("Stock-keeping unit; must be unique in the shop.", 100),
        "manage_stock": s.boolean("Track stock for this product."),
        "stock_quantity": s.count("Units in stock (with manage_stock).", 0, 1_000_000_000),
        "stock_status": s.enum("Stock status (without manage_stock).", s.STOCK_STATUSES),
        "categories": _term_refs("category"),
        "tags": _term_refs("tag"),
    }


def _list_filters() -> dict[str, Schema]:
    return {
        "search": s.search(),
        "status": s.enum("Only products with this status (default any).", s.PRODUCT_LIST_STATUSES),
        "type": s.enum("Only products of this type.", s.PRODUCT_TYPES),
        "sku": s.text("Only the product with this SKU.", 100, min_length=1),
        "category": s.pattern("Only products in this category ID.", r"^[1-9]\d{0,19}$", 20),
        "tag": s.pattern("Only products with this tag ID.", r"^[1-9]\d{0,19}$", 20),
        "featured": s.boolean("Only featured products."),
        "on_sale": s.boolean("Only products on sale."),
        "min_price": _price("Only products costing at least this."),
        "max_price": _price("Only products costing at most this."),
        "stock_status": s.enum("Only products with this stock status.", s.STOCK_STATUSES),
        "after": s.date_time("Only products published after this date."),
        "before": s.date_time("Only products published before this date."),
        "include": s.ids("Only these IDs."),
        "exclude": s.ids("Leave out these IDs."),
        "orderby": s.orderby(s.PRODUCT_ORDERBY, "date"),
        "order": s.order(),
        "context": s.context(_CONTEXT),
    }


def product_tools() -> list[ToolSpec]:
    route = "/wc/v3/products"
    item = f"{route}/{{id}}"
    return [
        http_tool(
            "wc_list_products",
            "List products",
            "List WooCommerce products, newest first, filtered by search text, status, SKU, "
            "category, type, price, stock status or date. Returns {items, count, total, "
            "total_pages}; each item has its price, stock and categories.",
            scope=Scope.READ,
            method="GET",
            route=route,
            schema=s.obj({**_list_filters(), **s.pagination()}),
            personal=("search",),
            paginate=True,
            api="wc",
        ),
        http_tool(
            "wc_get_product",
            "Get a product",
            "Fetch one WooCommerce product by ID: name, prices, stock, SKU, descriptions, "
            "categories, images and attributes.",
            scope=Scope.READ,
            method="GET",
            route=item,
            schema=s.obj({"id": s.id_("product"), "context": s.context(_CONTEXT)}, required=["id"]),
            api="wc",
        ),
        http_tool(
            "wc_create_product",
            "Create a product",
            "Create a WooCommerce product. It is published at once unless status says "
            "draft/pending/private. Prices are decimal strings. Returns the new product.",
            scope=Scope.WRITE,
            method="POST",
            route=route,
            schema=s.obj(_write_fields(), required=["name"]),
            personal=_PERSONAL,
            api="wc",
        ),
        http_tool(
            "wc_update_product",
            "Update a product",
            "Change fields of a WooCommerce product (price, stock, descriptions, status, "
            "categories, ...); only the fields given are changed.",
            scope=Scope.WRITE,
            method="PUT",
            route=item,
            schema=s.obj({"id": s.id_("product"), **_write_fields()}, required=["id"]),
            personal=_PERSONAL,
            api="wc",
        ),
        http_tool(
            "wc_delete_product",
            "Delete a product",
            "Move a WooCommerce product to the trash, or with force=true delete it "
            "permanently. Past orders keep their line items.",
            scope=Scope.ADMIN,
            method="DELETE",
            route=item,
            schema=s.obj(
                {
                    "id": s.id_("product"),
                    "force": s.boolean("true: delete permanently instead of trashing."),
                },
                required=["id"],
            ),
            api="wc",
        ),
    ]
