"""Table-driven argument validation: for every tool a valid example passes, and invalid ones
are refused by the schema with a problem naming the field (before any upstream call)."""

from __future__ import annotations

from typing import Any

import pytest

from application.catalogue import all_tools
from application.tools.compiler import CompiledTool, compile_tool

TOOLS = {spec.name: compile_tool(spec) for spec in all_tools()}
B64 = "aGVsbG8="
DATE = "2025-06-01T09:30:00"

VALID: dict[str, dict[str, Any]] = {
    "wp_site_info": {},
    "wp_test_connection": {},
    "wp_list_posts": {
        "search": "hello",
        "status": "draft",
        "categories": [3, 4],
        "tags": [7],
        "author": [1],
        "orderby": "modified",
        "order": "asc",
        "after": "2025-01-01T00:00:00Z",
        "before": "2025-12-31T23:59:59+02:00",
        "page": 2,
        "per_page": 100,
        "all_pages": True,
    },
    "wp_get_post": {"id": 42, "context": "edit"},
    "wp_create_post": {
        "title": "Hello",
        "content": "<p>Body</p>",
        "excerpt": "Short",
        "status": "future",
        "categories": [1],
        "tags": [2, 3],
        "slug": "hello",
        "date": "2030-01-01T08:00:00",
    },
    "wp_update_post": {"id": 42, "title": "New title", "status": "publish", "sticky": True},
    "wp_delete_post": {"id": 42, "force": True},
    "wp_list_pages": {"parent": [0], "orderby": "menu_order", "per_page": 1, "status": "any"},
    "wp_get_page": {"id": 7},
    "wp_create_page": {"title": "About", "content": "Us", "parent": 0, "menu_order": 3},
    "wp_update_page": {"id": 7, "content": "More"},
    "wp_delete_page": {"id": 7},
    "wp_list_media": {"media_type": "image", "mime_type": "image/png", "parent": [0]},
    "wp_get_media": {"id": 9},
    "wp_upload_media": {
        "filename": "photo (1).png",
        "mime_type": "image/png",
        "data_base64": B64,
        "alt_text": "A photo",
    },
    "wp_update_media": {"id": 9, "caption": "Caption", "post": 42},
    "wp_delete_media": {"id": 9},
    "wp_list_categories": {"parent": 0, "hide_empty": True, "orderby": "count"},
    "wp_get_category": {"id": 3},
    "wp_create_category": {"name": "News", "parent": 3, "description": "All news"},
    "wp_update_category": {"id": 3, "name": "Updates"},
    "wp_delete_category": {"id": 3},
    "wp_list_tags": {"search": "py", "post": 42},
    "wp_get_tag": {"id": 5},
    "wp_create_tag": {"name": "python"},
    "wp_update_tag": {"id": 5, "slug": "py"},
    "wp_delete_tag": {"id": 5},
    "wp_list_comments": {"post": [42], "status": "hold", "author_email": "a@example.org"},
    "wp_get_comment": {"id": 11},
    "wp_create_comment": {
        "post": 42,
        "content": "Nice!",
        "author_name": "Ann",
        "author_email": "ann@example.org",
        "author_url": "https://ann.example.org",
        "status": "approved",
    },
    "wp_update_comment": {"id": 11, "status": "spam"},
    "wp_delete_comment": {"id": 11, "force": False},
    "wp_list_users": {"roles": ["editor"], "orderby": "registered_date", "context": "embed"},
    "wp_get_user": {"id": 1},
    "wp_get_current_user": {"context": "edit"},
    "wc_list_products": {
        "search": "shirt",
        "status": "publish",
        "sku": "SKU-1",
        "category": "15",
        "type": "simple",
        "orderby": "price",
        "order": "asc",
        "stock_status": "instock",
        "min_price": "5",
        "per_page": 50,
    },
    "wc_get_product": {"id": 794},
    "wc_create_product": {
        "name": "Premium Quality",
        "type": "simple",
        "status": "draft",
        "regular_price": "21.99",
        "sale_price": "19",
        "description": "<p>Long</p>",
        "short_description": "Short",
        "sku": "PQ-1",
        "manage_stock": True,
        "stock_quantity": 5,
        "categories": [{"id": 9}, {"id": 14}],
    },
    "wc_update_product": {"id": 794, "regular_price": "24.54", "sale_price": ""},
    "wc_delete_product": {"id": 794, "force": True},
}

INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("wp_list_posts", {"per_page": 101}, "per_page"),
    ("wp_list_posts", {"per_page": 0}, "per_page"),
    ("wp_list_posts", {"status": "published"}, "status"),
    ("wp_list_posts", {"orderby": "menu_order"}, "orderby"),
    ("wp_list_posts", {"after": "2025-01-01"}, "after"),
    ("wp_list_posts", {"categories": [0]}, "categories.0"),
    ("wp_list_posts", {"search": "x" * 201}, "search"),
    ("wp_get_post", {"id": "42"}, "id"),
    ("wp_create_post", {"content": "no title"}, "title"),
    ("wp_create_post", {"title": "t", "status": "trash"}, "status"),
    ("wp_create_post", {"title": "t", "date": "tomorrow"}, "date"),
    ("wp_update_post", {"title": "no id"}, "id"),
    ("wp_delete_post", {"id": 1, "force": "yes"}, "force"),
    ("wp_list_pages", {"parent": [-1]}, "parent.0"),
    ("wp_create_page", {"title": "t", "categories": [1]}, "categories"),
    (
        "wp_upload_media",
        {"filename": "a.png", "mime_type": "image/svg+xml", "data_base64": B64},
        "mime_type",
    ),
    (
        "wp_upload_media",
        {"filename": 'a"b.png\r\nX: y', "mime_type": "image/png", "data_base64": B64},
        "filename",
    ),
    (
        "wp_upload_media",
        {"filename": "../etc/passwd.png", "mime_type": "image/png", "data_base64": B64},
        "filename",
    ),
    (
        "wp_upload_media",
        {"filename": "noextension", "mime_type": "image/png", "data_base64": B64},
        "filename",
    ),
    ("wp_upload_media", {"filename": "a.png", "mime_type": "image/png"}, "data_base64"),
    ("wp_list_media", {"media_type": "document"}, "media_type"),
    ("wp_delete_media", {"id": 9, "force": False}, "force"),
    ("wp_create_category", {"name": ""}, "name"),
    ("wp_create_category", {"name": "x" * 201}, "name"),
    ("wp_create_tag", {"name": "t", "parent": 1}, "parent"),
    ("wp_delete_tag", {"id": 5, "force": True}, "force"),
    ("wp_list_comments", {"status": "approved"}, "status"),
    ("wp_create_comment", {"post": 42}, "content"),
    (
        "wp_create_comment",
        {"post": 42, "content": "c", "author_email": "not-an-email"},
        "author_email",
    ),
    ("wp_update_comment", {"id": 11, "status": "approve-ish"}, "status"),
    ("wp_list_users", {"context": "edit"}, "context"),
    ("wp_list_users", {"roles": ["Editor!"]}, "roles.0"),
    ("wp_get_current_user", {"id": 1}, "id"),
    ("wc_list_products", {"status": "trash"}, "status"),
    ("wc_list_products", {"category": "shirts"}, "category"),
    ("wc_list_products", {"context": "embed"}, "context"),
    ("wc_create_product", {"name": "P", "regular_price": 21.99}, "regular_price"),
    ("wc_create_product", {"name": "P", "regular_price": "21.999"}, "regular_price"),
    ("wc_create_product", {"name": "P", "regular_price": ""}, "regular_price"),
    ("wc_create_product", {"name": "P", "type": "bundle"}, "type"),
    ("wc_create_product", {"name": "P", "categories": [{"name": "Shirts"}]}, "categories.0.id"),
    ("wc_create_product", {"name": "P", "categories": [{"id": 1, "x": 2}]}, "categories.0.x"),
    ("wc_create_product", {"name": "P", "stock_quantity": -1}, "stock_quantity"),
    ("wc_delete_product", {"force": True}, "id"),
]


def _generic_invalid() -> list[tuple[str, dict[str, Any], str]]:
    """Cases every tool of a kind must refuse: unknown arguments, bad pages, bad IDs."""
    cases: list[tuple[str, dict[str, Any], str]] = []
    for name, tool in TOOLS.items():
        valid = VALID[name]
        cases.append((name, {**valid, "bogus": 1}, "bogus"))
        cases.append((name, {**valid, "site": "blog"}, "site"))
        props = tool.spec.input_schema["properties"]
        if "per_page" in props:
            cases.append((name, {**valid, "per_page": 101}, "per_page"))
            cases.append((name, {**valid, "page": 0}, "page"))
            cases.append((name, {**valid, "page": -3}, "page"))
            cases.append((name, {**valid, "all_pages": "yes"}, "all_pages"))
        if "id" in props:
            cases.append((name, {**valid, "id": 0}, "id"))
            cases.append((name, {**valid, "id": -1}, "id"))
            cases.append((name, {**valid, "id": 1.5}, "id"))
    return cases


def test_every_tool_has_a_valid_example() -> None:
    assert set(VALID) == set(TOOLS)


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_the_valid_example_validates(name: str) -> None:
    assert TOOLS[name].check(VALID[name]) is None


def _case_id(case: tuple[str, dict[str, Any], str]) -> str:
    return f"{case[0]}-{case[2]}"


@pytest.mark.parametrize("case", INVALID + _generic_invalid(), ids=_case_id)
def test_invalid_arguments_are_refused_naming_the_field(
    case: tuple[str, dict[str, Any], str],
) -> None:
    name, arguments, field = case
    tool: CompiledTool = TOOLS[name]
    problem = tool.check(arguments)
    assert problem is not None, f"{name} accepted {arguments}"
    assert problem.field == field, problem.describe()
    assert repr(field) in problem.describe()
