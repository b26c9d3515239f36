"""Comments and users: ``/wp/v2/comments`` and ``/wp/v2/users`` (WordPress REST API, wp/v2).

Users are read-only here: listing and reading people is ordinary work, creating, changing or
deleting accounts is not in this catalogue. User lists and lookups are limited to the
``view`` and ``embed`` contexts (no e-mail addresses or capabilities); only the current user
(the application password's own account) may be read with ``context=edit``.
"""

from __future__ import annotations

from application.catalogue import schemas as s
from application.catalogue.builders import http_tool
from application.catalogue.schemas import Schema
from application.tools.spec import ToolSpec
from domain.scopes import Scope

_COMMENT_PERSONAL = ("content", "author_name", "author_email", "author_url")
_USER_CONTEXT = ("view", "embed")


def _comment_fields() -> dict[str, Schema]:
    return {
        "content": s.text("The comment text (HTML allowed).", 65_525, min_length=1),
        "parent": s.parent_id("parent comment (reply to it)"),
        "author": s.id_("author (user) of the comment, when a registered user wrote it"),
        "author_name": s.text("Display name of the comment's author.", 245),
        # The limits of wp_get_comment_fields_max_lengths().
        "author_email": s.email("E-mail address of the comment's author.", 100),
        "author_url": s.url("Website of the comment's author.", 200),
        "date": s.date_time("Date of the comment, in the site's timezone."),
    }


def comment_tools() -> list[ToolSpec]:
    route = "/wp/v2/comments"
    item = f"{route}/{{id}}"
    fields = _comment_fields()
    return [
        http_tool(
            "wp_list_comments",
            "List comments",
            "List comments, newest first, by post, author, status or date. Without a status "
            "only approved comments are listed; status=hold shows the moderation queue. "
            "Returns {items, count, total, total_pages}.",
            scope=Scope.READ,
            method="GET",
            route=route,
            schema=s.obj(
                {
                    "search": s.search(),
                    "post": s.ids("Only comments on these post IDs."),
                    "parent": s.ids("Only replies to these comment IDs (0: top level).", 100, 0),
                    "author": s.ids("Only comments by these user IDs."),
                    "author_email": s.email("Only comments by this e-mail address."),
                    "status": s.enum(
                        "Only comments with this status (default approve; others need "
                        "moderation rights).",
                        s.COMMENT_LIST_STATUSES,
                    ),
                    "after": s.date_time("Only comments after this date."),
                    "before": s.date_time("Only comments before this date."),
                    "include": s.ids("Only these IDs."),
                    "exclude": s.ids("Leave out these IDs."),
                    "orderby": s.orderby(s.COMMENT_ORDERBY, "date_gmt"),
                    "order": s.order(),
                    "context": s.context(),
                    **s.pagination(),
                }
            ),
            personal=("search", "author_email"),
            paginate=True,
        ),
        http_tool(
            "wp_get_comment",
            "Get a comment",
            "Fetch one comment by ID: post, author, content, status, date.",
            scope=Scope.READ,
            method="GET",
            route=item,
            schema=s.obj({"id": s.id_("comment"), "context": s.context()}, required=["id"]),
        ),
        http_tool(
            "wp_create_comment",
            "Create a comment",
            "Add a comment (or, with parent, a reply) to a post, as the connected user unless "
            "author fields are given. status approved publishes it, hold queues it.",
            scope=Scope.WRITE,
            method="POST",
            route=route,
            schema=s.obj(
                {
                    "post": s.id_("post to comment on"),
                    **fields,
                    "status": s.enum("Moderation status of the new comment.", ("approved", "hold")),
                },
                required=["post", "content"],
            ),
            personal=_COMMENT_PERSONAL,
        ),
        http_tool(
            "wp_update_comment",
            "Update or moderate a comment",
            "Edit a comment or moderate it: status approved, hold (unapprove), spam, unspam, "
            "trash or untrash. Only the fields given are changed.",
            scope=Scope.WRITE,
            method="PUT",
            route=item,
            schema=s.obj(
                {
                    "id": s.id_("comment"),
                    **fields,
                    "post": s.id_("post the comment belongs to"),
                    "status": s.enum("New moderation status.", s.COMMENT_SET_STATUSES),
                },
                required=["id"],
            ),
            personal=_COMMENT_PERSONAL,
        ),
        http_tool(
            "wp_delete_comment",
            "Delete a comment",
            "Move a comment to the trash, or with force=true delete it permanently.",
            scope=Scope.ADMIN,
            method="DELETE",
            route=item,
            schema=s.obj(
                {
                    "id": s.id_("comment"),
                    "force": s.boolean("true: delete permanently instead of trashing."),
                },
                required=["id"],
            ),
        ),
    ]


def user_tools() -> list[ToolSpec]:
    return [
        http_tool(
            "wp_list_users",
            "List users",
            "List the site's users (ID, display name, slug, link, description). Without "
            "list_users rights on the site only users who have published content are listed. "
            "Returns {items, count, total, total_pages}.",
            scope=Scope.READ,
            method="GET",
            route="/wp/v2/users",
            schema=s.obj(
                {
                    "search": s.search(),
                    "roles": s.strings(
                        "Only users with any of these roles, e.g. editor (needs list_users).",
                        s.ROLE,
                        60,
                    ),
                    "who": s.enum("authors: only users who can author posts.", ("authors",)),
                    "has_published_posts": s.boolean("Only users who have published posts."),
                    "include": s.ids("Only these IDs."),
                    "exclude": s.ids("Leave out these IDs."),
                    "slug": s.strings("Only users with these slugs.", r"^[^\s,]{1,50}$", 50),
                    "orderby": s.orderby(s.USER_ORDERBY, "name"),
                    "order": s.enum("Sort direction (default asc).", ("asc", "desc")),
                    "context": s.context(_USER_CONTEXT),
                    **s.pagination(),
                }
            ),
            personal=("search", "slug"),
            paginate=True,
        ),
        http_tool(
            "wp_get_user",
            "Get a user",
            "Fetch one user's public profile by ID: display name, slug, description, link.",
            scope=Scope.READ,
            method="GET",
            route="/wp/v2/users/{id}",
            schema=s.obj(
                {"id": s.id_("user"), "context": s.context(_USER_CONTEXT)}, required=["id"]
            ),
        ),
        http_tool(
            "wp_get_current_user",
            "Get the connected user",
            "Fetch the WordPress account this site connection acts as. context=edit adds its "
            "roles, capabilities and e-mail address.",
            scope=Scope.READ,
            method="GET",
            route="/wp/v2/users/me",
            schema=s.obj({"context": s.context()}),
        ),
    ]


def people_tools() -> list[ToolSpec]:
    return [*comment_tools(), *user_tools()]
