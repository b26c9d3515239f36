"""The media library: ``/wp/v2/media`` (WordPress REST API, wp/v2).

Uploading is a handler, not a plain mapping: the file arrives as base64 in the arguments,
is decoded strictly, and is sent as the raw request body with ``Content-Type`` and a
``Content-Disposition`` that names the file, exactly as WordPress's attachments controller
expects. Title, alt text and caption are set by a second call on the new item, so free text
never travels in the upload's URL.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from application.catalogue import schemas as s
from application.catalogue.builders import CREATES, handler_tool, http_tool
from application.sites import SiteError, SiteErrorKind, SiteRequest
from application.tools.spec import ToolContext, ToolSpec
from domain.scopes import Scope

MIME_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": ("jpg", "jpeg", "jpe"),
    "image/png": ("png",),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "image/avif": ("avif",),
    "image/bmp": ("bmp",),
    "image/tiff": ("tif", "tiff"),
    "image/x-icon": ("ico",),
    "image/heic": ("heic",),
    "application/pdf": ("pdf",),
    "audio/mpeg": ("mp3", "m4a", "m4b"),
    "audio/wav": ("wav",),
    "audio/ogg": ("ogg", "oga"),
    "audio/flac": ("flac",),
    "video/mp4": ("mp4", "m4v"),
    "video/quicktime": ("mov", "qt"),
    "video/webm": ("webm",),
    "video/ogg": ("ogv",),
}
"""Types WordPress accepts by default (``wp_get_mime_types``), SVG deliberately left out."""

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_BASE64_CHARS = 4 * -(-MAX_UPLOAD_BYTES // 3)
"""About 14 MB of base64 text: a decoded file of at most 10 MiB."""

FILENAME = r"^[A-Za-z0-9][A-Za-z0-9._() -]{0,150}\.[A-Za-z0-9]{2,5}$"
_METADATA = ("title", "alt_text", "caption")
_UPLOAD_PERSONAL = ("filename", "data_base64", *_METADATA)
"""The file's name and bytes are recorded as digest and length only (a 14 MB argument must
never land in an event), like the free-text metadata."""


def content_disposition(filename: str) -> str:
    """``attachment; filename="..."`` that cannot break out of its header or its quotes.

    Path parts are dropped, control and non-ASCII characters (CR and LF above all) become
    ``_``, ``;`` too (WordPress splits the header on it), and quotes and backslashes are
    escaped as in an RFC 9110 quoted-string.
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    safe = "".join(ch if " " <= ch <= "~" and ch != ";" else "_" for ch in name)
    safe = safe.strip(" .") or "upload"
    quoted = safe.replace("\\", "\\\\").replace('"', '\\"')
    return f'attachment; filename="{quoted}"'


def decode_base64(data: str) -> bytes:
    """Strict standard base64 (padding required, no whitespace, no data: prefix)."""
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise SiteError(
            SiteErrorKind.BAD_REQUEST,
            "data_base64 is not valid base64 (standard alphabet with = padding, no "
            "whitespace or data: prefix)",
        ) from None
    if not raw:
        raise SiteError(SiteErrorKind.BAD_REQUEST, "data_base64 decodes to an empty file")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise SiteError(
            SiteErrorKind.BAD_REQUEST, f"the file is larger than {MAX_UPLOAD_BYTES} bytes"
        )
    return raw


def _check_extension(filename: str, mime_type: str) -> None:
    extension = filename.rsplit(".", 1)[-1].lower()
    allowed = MIME_EXTENSIONS.get(mime_type, ())
    if extension not in allowed:
        raise SiteError(
            SiteErrorKind.BAD_REQUEST,
            f"a {mime_type} file must end in ." + " or .".join(allowed),
        )


async def upload_media(ctx: ToolContext, arguments: Mapping[str, Any]) -> Any:
    filename = str(arguments["filename"])
    mime_type = str(arguments["mime_type"])
    _check_extension(filename, mime_type)
    raw = decode_base64(str(arguments["data_base64"]))
    site = ctx.require_site()
    created = await ctx.gateway.call(
        site,
        SiteRequest(
            method="POST",
            route="/wp/v2/media",
            content=raw,
            headers={
                "Content-Type": mime_type,
                "Content-Disposition": content_disposition(filename),
            },
        ),
    )
    media_id = created.data.get("id") if isinstance(created.data, dict) else None
    if not isinstance(media_id, int) or isinstance(media_id, bool):
        raise SiteError(SiteErrorKind.INVALID_RESPONSE, "the site did not return the new media ID")
    metadata = {k: arguments[k] for k in _METADATA if k in arguments}
    if not metadata:
        return created.data
    try:
        updated = await ctx.gateway.call(
            site, SiteRequest(method="PUT", route=f"/wp/v2/media/{media_id}", json=metadata)
        )
    except SiteError as error:
        raise SiteError(
            error.kind,
            f"the file was uploaded as media {media_id}, but setting its title/alt text/caption "
            f"failed ({error.message}); retry that with wp_update_media id={media_id}",
            status=error.status,
            code=error.code,
        ) from None
    return updated.data


def _metadata_fields() -> dict[str, s.Schema]:
    return {
        "title": s.text("Title of the media item.", s.TITLE_MAX),
        "alt_text": s.text("Alternative text for screen readers (images).", 1_000),
        "caption": s.text("Caption shown with the media (HTML allowed).", s.EXCERPT_MAX),
    }


def media_tools() -> list[ToolSpec]:
    item = "/wp/v2/media/{id}"
    return [
        http_tool(
            "wp_list_media",
            "List media",
            "List the media library (images, documents, audio, video), newest first, with "
            "filters by type, MIME type, attached post, author and date. Returns {items, "
            "count, total, total_pages}; each item has its source_url.",
            scope=Scope.READ,
            method="GET",
            route="/wp/v2/media",
            schema=s.obj(
                {
                    "search": s.search(),
                    "media_type": s.enum("Only this kind of media.", s.MEDIA_TYPES),
                    "mime_type": s.pattern(
                        "Only this MIME type, e.g. image/png.", r"^[a-z]+/[a-z0-9.+-]+$", 100
                    ),
                    "parent": s.ids(
                        "Only media attached to these post IDs (0: unattached).", 100, 0
                    ),
                    "author": s.ids("Only media uploaded by these user IDs."),
                    "status": s.enum(
                        "Only media with this status (default inherit).", s.MEDIA_STATUSES
                    ),
                    "after": s.date_time("Only media uploaded after this date."),
                    "before": s.date_time("Only media uploaded before this date."),
                    "include": s.ids("Only these IDs."),
                    "exclude": s.ids("Leave out these IDs."),
                    "orderby": s.orderby(s.POST_ORDERBY, "date"),
                    "order": s.order(),
                    "context": s.context(),
                    **s.pagination(),
                }
            ),
            personal=("search",),
            paginate=True,
        ),
        http_tool(
            "wp_get_media",
            "Get a media item",
            "Fetch one media item by ID: source_url, MIME type, sizes, title, caption, alt text.",
            scope=Scope.READ,
            method="GET",
            route=item,
            schema=s.obj({"id": s.id_("media"), "context": s.context()}, required=["id"]),
        ),
        handler_tool(
            "wp_upload_media",
            "Upload media",
            "Upload a file (image, PDF, audio or video, at most 10 MiB) to the media library "
            "from base64, optionally with a title, alt text and caption. The filename's "
            "extension must match mime_type. Returns the new media item (its id and "
            "source_url), e.g. to use as a post's featured_media.",
            scope=Scope.WRITE,
            schema=s.obj(
                {
                    "filename": s.pattern(
                        "File name with extension, e.g. team-photo.jpg (letters, digits, "
                        "space . _ - ( ) only).",
                        FILENAME,
                        160,
                    ),
                    "mime_type": s.enum("The file's MIME type.", MIME_EXTENSIONS),
                    "data_base64": s.text(
                        "The file's bytes, standard base64 with padding, no data: prefix.",
                        MAX_BASE64_CHARS,
                        min_length=4,
                    ),
                    **_metadata_fields(),
                },
                required=["filename", "mime_type", "data_base64"],
            ),
            handler=upload_media,
            annotations=CREATES,
            personal=_UPLOAD_PERSONAL,
        ),
        http_tool(
            "wp_update_media",
            "Update a media item",
            "Change a media item's title, alt text, caption, description or the post it is "
            "attached to; only the fields given are changed. The file itself stays.",
            scope=Scope.WRITE,
            method="PUT",
            route=item,
            schema=s.obj(
                {
                    "id": s.id_("media"),
                    **_metadata_fields(),
                    "description": s.text("Description (HTML allowed).", s.DESCRIPTION_MAX),
                    "post": s.parent_id("post this media is attached to"),
                    "slug": s.slug("media item"),
                    "author": s.id_("author (user)"),
                },
                required=["id"],
            ),
            personal=("title", "alt_text", "caption", "description"),
        ),
        http_tool(
            "wp_delete_media",
            "Delete a media item",
            "Permanently delete a media item and its files from the server (media has no "
            "trash). Posts that embed it will show a broken link.",
            scope=Scope.ADMIN,
            method="DELETE",
            route=item,
            schema=s.obj({"id": s.id_("media")}, required=["id"]),
            fixed={"force": True},
        ),
    ]
