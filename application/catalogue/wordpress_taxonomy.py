"""Categories and tags: ``/wp/v2/categories`` and ``/wp/v2/tags`` (WordPress REST API, wp/v2).

Terms cannot be trashed: WordPress refuses a delete without ``force=true`` (``rest_trash_not
_supported``), so the delete tools send it as a fixed parameter and are permanent.
"""

from __future__ import annotations

from application.catalogue import schemas as s
from application.catalogue.builders import http_tool
from application.catalogue.schemas import Schema
from application.tools.spec import ToolSpec
from domain.scopes import Scope

_PERSONAL_WRITE = ("description",)
_FALLBACK = "; posts left without a category fall back to the default one"


def _list_filters(hierarchical: bool) -> dict[str, Schema]:
    filters: dict[str, Schema] = {
        "search": s.search(),
        "hide_empty": s.boolean("Leave out terms not assigned to any post."),
        "post": s.id_("post whose terms to list"),
        "include": s.ids("Only these IDs."),
        "exclude": s.ids("Leave out these IDs."),
        "slug": s.strings("Only terms with these slugs.", r"^[^\s,]{1,200}$", s.NAME_MAX),
        "orderby": s.orderby(s.TERM_ORDERBY, "name"),
        "order": s.enum("Sort direction (default asc).", ("asc", "desc")),
        "context": s.context(),
    }
    if hierarchical:
        filters["parent"] = s.parent_id("parent category (0: top-level categories only)")
    return filters


def _write_fields(one: str, hierarchical: bool) -> dict[str, Schema]:
    fields: dict[str, Schema] = {
        "name": s.text(f"The {one} name.", s.NAME_MAX, min_length=1),
        "slug": s.slug(one),
        "description": s.text(f"Description of the {one} (HTML allowed).", s.DESCRIPTION_MAX),
    }
    if hierarchical:
        fields["parent"] = s.parent_id("parent category")
    return fields


def _term_tools(one: str, many: str, hierarchical: bool) -> list[ToolSpec]:
    route = f"/wp/v2/{many}"
    item = f"{route}/{{id}}"
    fields = _write_fields(one, hierarchical)
    return [
        http_tool(
            f"wp_list_{many}",
            f"List {many}",
            f"List the site's {many} with their ID, name, slug and post count, sorted by "
            f"name{' (filter by parent for a subtree)' if hierarchical else ''}. Returns "
            "{items, count, total, total_pages}.",
            scope=Scope.READ,
            method="GET",
            route=route,
            schema=s.obj({**_list_filters(hierarchical), **s.pagination()}),
            personal=("search",),
            paginate=True,
        ),
        http_tool(
            f"wp_get_{one}",
            f"Get a {one}",
            f"Fetch one {one} by ID: name, slug, description, post count, link.",
            scope=Scope.READ,
            method="GET",
            route=item,
            schema=s.obj({"id": s.id_(one), "context": s.context()}, required=["id"]),
        ),
        http_tool(
            f"wp_create_{one}",
            f"Create a {one}",
            f"Create a {one}. WordPress refuses a name that already exists "
            f"{'under the same parent ' if hierarchical else ''}(term_exists, with the "
            "existing ID). Returns the new term with its ID.",
            scope=Scope.WRITE,
            method="POST",
            route=route,
            schema=s.obj(fields, required=["name"]),
            personal=_PERSONAL_WRITE,
        ),
        http_tool(
            f"wp_update_{one}",
            f"Update a {one}",
            f"Rename a {one} or change its slug, description"
            f"{' or parent' if hierarchical else ''}; only the fields given are changed.",
            scope=Scope.WRITE,
            method="PUT",
            route=item,
            schema=s.obj({"id": s.id_(one), **fields}, required=["id"]),
            personal=_PERSONAL_WRITE,
        ),
        http_tool(
            f"wp_delete_{one}",
            f"Delete a {one}",
            f"Permanently delete a {one} (terms have no trash). Posts keep existing but lose "
            f"this {one}{_FALLBACK if hierarchical else ''}.",
            scope=Scope.ADMIN,
            method="DELETE",
            route=item,
            schema=s.obj({"id": s.id_(one)}, required=["id"]),
            fixed={"force": True},
        ),
    ]


def taxonomy_tools() -> list[ToolSpec]:
    return [
        *_term_tools("category", "categories", hierarchical=True),
        *_term_tools("tag", "tags", hierarchical=False),
    ]
