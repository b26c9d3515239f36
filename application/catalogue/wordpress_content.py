"""Posts and pages: ``/wp/v2/posts`` and ``/wp/v2/pages`` (WordPress REST API, wp/v2).

Both post types get the same five tools (list, get, create, update, delete); pages add a
parent and a menu order, posts add categories, tags, format and sticky.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.catalogue import schemas as s
from application.catalogue.builders import http_tool
from application.catalogue.schemas import Schema
from application.tools.spec import ToolSpec
from domain.scopes import Scope

_PERSONAL = ("title", "content", "excerpt")


@dataclass(frozen=True, slots=True)
class _PostType:
    singular: str
    plural: str
    orderby: tuple[str, ...]
    list_filters: dict[str, Schema]
    write_fields: dict[str, Schema]


def _common_write_fields(kind: str) -> dict[str, Schema]:
    return {
        "title": s.text(f"The {kind} title (HTML allowed).", s.TITLE_MAX),
        "content": s.text(f"The {kind} body, as HTML or block markup.", s.CONTENT_MAX),
        "excerpt": s.text(f"A short summary of the {kind}.", s.EXCERPT_MAX),
        "status": s.enum(
            "Publication status: draft, publish, pending (review), private, or future "
            "(scheduled; give a future date).",
            s.POST_WRITE_STATUSES,
        ),
        "slug": s.slug(kind),
        "date": s.date_time(f"Publication date of the {kind}, in the site's timezone."),
        "author": s.id_("author (user)"),
        "featured_media": s.count("Media ID of the featured image (0 removes it)."),
        "comment_status": s.enum("Whether comments are open.", s.OPEN_CLOSED),
        "ping_status": s.enum("Whether pingbacks are accepted.", s.OPEN_CLOSED),
    }


def _common_list_filters(kind: str) -> dict[str, Schema]:
    return {
        "search": s.search(),
        "status": s.enum(
            f"Only {kind}s with this status (default publish; any = every status but trash).",
            s.POST_LIST_STATUSES,
        ),
        "author": s.ids("Only items by these author (user) IDs."),
        "after": s.date_time("Only items published after this date."),
        "before": s.date_time("Only items published before this date."),
        "include": s.ids("Only these IDs."),
        "exclude": s.ids("Leave out these IDs."),
        "slug": s.strings("Only items with these slugs.", r"^[^\s,]{1,200}$", s.NAME_MAX),
        "order": s.order(),
        "context": s.context(),
    }


_POSTS = _PostType(
    singular="post",
    plural="posts",
    orderby=s.POST_ORDERBY,
    list_filters={
        "categories": s.ids("Only posts in any of these category IDs."),
        "tags": s.ids("Only posts with any of these tag IDs."),
        "sticky": s.boolean("Only sticky (true) or only non-sticky (false) posts."),
    },
    write_fields={
        "categories": s.ids("Category IDs for the post (replaces the current set)."),
        "tags": s.ids("Tag IDs for the post (replaces the current set)."),
        "format": s.enum("The post format.", s.POST_FORMATS),
        "sticky": s.boolean("Keep the post at the top of the front page."),
    },
)

_PAGES = _PostType(
    singular="page",
    plural="pages",
    orderby=s.PAGE_ORDERBY,
    list_filters={
        "parent": s.ids("Only pages under these parent page IDs (0: top-level pages).", minimum=0),
    },
    write_fields={
        "parent": s.parent_id("parent page"),
        "menu_order": s.count("Position of the page in menus and page lists.", 0, 1_000_000),
    },
)


def _tools_for(t: _PostType) -> list[ToolSpec]:
    one, many = t.singular, t.plural
    route = f"/wp/v2/{many}"
    item = f"{route}/{{id}}"
    writable = {**_common_write_fields(one), **t.write_fields}
    filters = {**_common_list_filters(one), **t.list_filters}
    filters["orderby"] = s.orderby(t.orderby, "date")
    return [
        http_tool(
            f"wp_list_{many}",
            f"List {many}",
            f"List the site's {many}, newest first, with optional filters (search text, "
            f"status, author, date range{', categories, tags' if one == 'post' else ''}). "
            "Returns {items, count, total, total_pages}; page through with page/per_page or "
            "set all_pages. Without a status only published items are listed.",
            scope=Scope.READ,
            method="GET",
            route=route,
            schema=s.obj({**filters, **s.pagination()}),
            personal=("search",),
            paginate=True,
        ),
        http_tool(
            f"wp_get_{one}",
            f"Get a {one}",
            f"Fetch one {one} by ID: title, content, excerpt, status, dates, link. Use "
            "context=edit for the raw (unrendered) title and content before editing.",
            scope=Scope.READ,
            method="GET",
            route=item,
            schema=s.obj({"id": s.id_(one), "context": s.context()}, required=["id"]),
        ),
        http_tool(
            f"wp_create_{one}",
            f"Create a {one}",
            f"Create a {one}. It is a draft unless status says otherwise; publishing makes it "
            f"public at once. Returns the new {one} with its ID and link.",
            scope=Scope.WRITE,
            method="POST",
            route=route,
            schema=s.obj(writable, required=["title"]),
            personal=_PERSONAL,
        ),
        http_tool(
            f"wp_update_{one}",
            f"Update a {one}",
            f"Change fields of an existing {one}; only the fields given are changed. "
            "WordPress keeps a revision of the previous content.",
            scope=Scope.WRITE,
            method="PUT",
            route=item,
            schema=s.obj({"id": s.id_(one), **writable}, required=["id"]),
            personal=_PERSONAL,
        ),
        http_tool(
            f"wp_delete_{one}",
            f"Delete a {one}",
            f"Move a {one} to the trash (recoverable in wp-admin), or with force=true delete "
            "it permanently together with its revisions and comments.",
            scope=Scope.ADMIN,
            method="DELETE",
            route=item,
            schema=s.obj(
                {
                    "id": s.id_(one),
                    "force": s.boolean("true: delete permanently instead of trashing."),
                },
                required=["id"],
            ),
        ),
    ]


def content_tools() -> list[ToolSpec]:
    return [*_tools_for(_POSTS), *_tools_for(_PAGES)]
