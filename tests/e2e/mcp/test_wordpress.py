"""The hub over real HTTP, driven by the official MCP client, managing a real WordPress.

Both protocol eras: ``legacy`` (2025-11-25, ``initialize`` and a session) and ``auto``
(2026-07-28, sessionless). One hub serves the module; each test reads back the tool-call events
it caused (``hub.tool_calls(after=...)``) and checks them call by call.
"""

from __future__ import annotations

import asyncio
import base64
import re
import struct
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx2
import pytest
from mcp.shared.exceptions import MCPError

from infrastructure.sites import HttpxSiteGateway
from tests.e2e.leaks import leaks
from tests.e2e.mcp.call_log import check_call_log, error_text, is_digest, requested, result_data
from tests.e2e.mcp.hub_server import CountingTransport, HubServer, running_hub

if TYPE_CHECKING:
    from tests.support.wordpress import WordPressSite

pytestmark = pytest.mark.slow

MODES = ("legacy", "auto")
PROTOCOLS = {"legacy": "2025-11-25", "auto": "2026-07-28"}
POSTS = "/wp/v2/posts"
WC_TOOLS = {
    "wc_list_products",
    "wc_get_product",
    "wc_create_product",
    "wc_update_product",
    "wc_delete_product",
}


@dataclass
class WordPressHub:
    hub: HubServer
    upstream: CountingTransport
    read_key: str
    """A project key for ``blog`` with the ``read`` scope."""
    other_key: str
    """A project key for ``other`` with the ``write`` scope."""


@pytest.fixture(scope="module")
def wp_hub(
    wordpress: WordPressSite, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WordPressHub]:
    upstream = CountingTransport()
    gateway = HttpxSiteGateway(allow=["127.0.0.1"], transport=upstream)
    data_dir = tmp_path_factory.mktemp("hub")
    with running_hub(data_dir, gateway=gateway, on_shutdown=[upstream.aclose]) as hub:
        for alias in ("blog", "other"):
            hub.register(alias, wordpress.base_url, wordpress.user, wordpress.app_password)
        keys = WordPressHub(
            hub,
            upstream,
            read_key=hub.issue_key("blog", "read"),
            other_key=hub.issue_key("other", "write"),
        )
        yield keys
        # The whole log of the module, whatever ran: every call well formed, and no
        # credential (the site's, or a bearer's) in any event.
        check_call_log(hub.tool_calls())
        secrets = [wordpress.app_password, hub.master_key, keys.read_key, keys.other_key]
        assert leaks(secrets, {"events": hub.all_state()}) == []


@pytest.fixture(scope="module")
def posts_250(wordpress: WordPressSite) -> list[int]:
    wordpress.reset_content()
    return wordpress.seed_posts(250)


def tiny_png() -> bytes:
    """A valid 2x2 RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    rows = b"\x00\xff\x00\x00\x00\xff\x00" + b"\x00\x00\x00\xff\xff\xff\xff"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def with_site(endpoint: str, **arguments: Any) -> dict[str, Any]:
    """Tool arguments for ``endpoint``: the project endpoint injects the site itself."""
    return arguments if endpoint.startswith("/project/") else {"site": "blog", **arguments}


def challenge_params(header: str) -> tuple[str, dict[str, str]]:
    scheme, _, rest = header.partition(" ")
    return scheme, dict(re.findall(r'(\w+)="([^"]*)"', rest))


# -- tools/list on every endpoint ----------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_every_endpoint_lists_its_tools(wp_hub: WordPressHub, mode: str) -> None:
    hub = wp_hub.hub
    endpoints = (
        "/mcp",
        "/mcp/",
        "/wordpress/mcp",
        "/woocommerce/mcp",
        "/system/mcp",
        "/project/blog/mcp",
    )

    async def scenario() -> dict[str, dict[str, Any]]:
        listed = {}
        for path in endpoints:
            async with hub.client(path, hub.master_key, mode=mode) as client:
                assert client.protocol_version == PROTOCOLS[mode]
                tools = (await client.list_tools()).tools
                listed[path] = {tool.name: tool for tool in tools}
        return listed

    listed = asyncio.run(scenario())

    def requires_site(tool: Any) -> bool:
        schema = tool.input_schema
        return "site" in schema["properties"] and "site" in schema["required"]

    everything = listed["/mcp"]
    assert set(listed["/mcp/"]) == set(everything)
    wp_names = {n for n in everything if n.startswith("wp_")}
    hub_names = {n for n in everything if n.startswith("hub_")}
    assert {"wp_create_post", "wp_upload_media", "wp_test_connection"} <= wp_names
    assert set(everything) >= WC_TOOLS
    assert {"hub_status", "hub_list_projects", "hub_usage", "hub_recent_activity"} <= hub_names
    assert set(everything) == wp_names | WC_TOOLS | hub_names
    for name, tool in everything.items():
        assert requires_site(tool) is not name.startswith("hub_"), name

    assert set(listed["/wordpress/mcp"]) == wp_names
    assert set(listed["/woocommerce/mcp"]) == WC_TOOLS
    for path in ("/wordpress/mcp", "/woocommerce/mcp"):
        assert all(requires_site(tool) for tool in listed[path].values()), path

    assert set(listed["/system/mcp"]) == hub_names
    assert "hub_issue_key" in hub_names  # the master key may manage keys

    project = listed["/project/blog/mcp"]
    assert set(project) == wp_names  # blog has no WooCommerce credentials
    for name, tool in project.items():
        assert "site" not in tool.input_schema.get("properties", {}), name
        assert "site" not in tool.input_schema.get("required", []), name
    create = project["wp_create_post"]
    assert create.input_schema["required"] == ["title"]
    assert create.annotations is not None
    assert create.annotations.read_only_hint is False
    assert project["wp_get_post"].annotations.read_only_hint is True
    assert project["wp_delete_post"].annotations.destructive_hint is True


# -- content end to end --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "endpoint"),
    [
        ("legacy", "/mcp"),
        ("auto", "/project/blog/mcp"),
        ("auto", "/wordpress/mcp"),
    ],
)
def test_a_post_and_a_media_item_from_creation_to_deletion(
    wp_hub: WordPressHub, wordpress: WordPressSite, mode: str, endpoint: str
) -> None:
    hub = wp_hub.hub
    marker = uuid.uuid4().hex
    title, body = f"E2E draft {marker}", f"<p>Private body text {marker}</p>"
    new_title, new_body = f"E2E edited {marker}", f"<p>Edited body text {marker}</p>"
    png = base64.b64encode(tiny_png()).decode()
    start = hub.position()

    async def scenario() -> dict[str, Any]:
        seen: dict[str, Any] = {}
        async with hub.client(endpoint, hub.master_key, mode=mode) as client:

            async def call(name: str, **arguments: Any) -> Any:
                return await client.call_tool(name, with_site(endpoint, **arguments))

            created = result_data(
                await call("wp_create_post", title=title, content=body, status="draft")
            )
            post_id = created["id"]
            assert created["status"] == "draft"
            seen["post_id"] = post_id

            fetched = result_data(await call("wp_get_post", id=post_id, context="edit"))
            assert fetched["title"]["raw"] == title
            assert fetched["content"]["raw"] == body

            updated = result_data(
                await call("wp_update_post", id=post_id, title=new_title, content=new_body)
            )
            assert updated["title"]["raw"] == new_title

            drafts = result_data(
                await call("wp_list_posts", status="draft", include=[post_id], context="edit")
            )
            assert [item["id"] for item in drafts["items"]] == [post_id]
            assert drafts["items"][0]["title"]["raw"] == new_title
            assert drafts["total"] == 1

            media = result_data(
                await call(
                    "wp_upload_media",
                    filename=f"pixel-{marker[:8]}.png",
                    mime_type="image/png",
                    data_base64=png,
                    alt_text="one pixel",
                )
            )
            media_id = media["id"]
            assert media["mime_type"] == "image/png"
            assert media["alt_text"] == "one pixel"
            assert media["source_url"].endswith(".png")
            seen["media_id"] = media_id
            assert result_data(await call("wp_get_media", id=media_id))["id"] == media_id

            deleted_media = result_data(await call("wp_delete_media", id=media_id))
            assert deleted_media["deleted"] is True
            gone = error_text(await call("wp_get_media", id=media_id))
            assert "not found" in gone.lower() or "rest_post_invalid_id" in gone

            deleted = result_data(await call("wp_delete_post", id=post_id, force=True))
            assert deleted["deleted"] is True
            missing = error_text(await call("wp_get_post", id=post_id))
            assert "rest_post_invalid_id" in missing
            assert "not found" in missing.lower()
            assert "HTTP 404" in missing
        return seen

    seen = asyncio.run(scenario())
    assert wordpress.rest("GET", f"{POSTS}/{seen['post_id']}").status_code == 404
    assert wordpress.rest("GET", f"/wp/v2/media/{seen['media_id']}").status_code == 404

    events = hub.tool_calls(after=start)
    assert check_call_log(events) == [
        ("wp_create_post", "completed"),
        ("wp_get_post", "completed"),
        ("wp_update_post", "completed"),
        ("wp_list_posts", "completed"),
        ("wp_upload_media", "completed"),
        ("wp_get_media", "completed"),
        ("wp_delete_media", "completed"),
        ("wp_get_media", "failed:not_found"),
        ("wp_delete_post", "completed"),
        ("wp_get_post", "failed:not_found"),
    ]
    for event in events:
        if event.kind == "Requested":
            assert event.event.endpoint == endpoint.rstrip("/")
            assert event.event.project == "blog"
            assert event.event.actor == "master"
            assert "site" not in event.event.arguments

    [create] = requested(events, "wp_create_post")
    assert is_digest(create["title"], title)
    assert is_digest(create["content"], body)
    assert create["status"] == "draft"
    [update] = requested(events, "wp_update_post")
    assert update["id"] == seen["post_id"]
    assert is_digest(update["title"], new_title)
    assert is_digest(update["content"], new_body)
    [upload] = requested(events, "wp_upload_media")
    assert is_digest(upload["data_base64"], png)
    assert upload["mime_type"] == "image/png"
    raw = b"".join(e.state for e in events)
    for text in (title, body, new_title, new_body, png, marker):
        assert text.encode() not in raw, text


def test_a_missing_post_is_a_clean_tool_error(wp_hub: WordPressHub) -> None:
    hub = wp_hub.hub
    start = hub.position()

    async def scenario() -> tuple[str, str]:
        async with hub.client("/project/blog/mcp", hub.master_key, mode="auto") as client:
            post = error_text(await client.call_tool("wp_get_post", {"id": 987654321}))
            update = error_text(
                await client.call_tool("wp_update_post", {"id": 987654321, "title": "x"})
            )
        return post, update

    post, update = asyncio.run(scenario())
    for message in (post, update):
        assert "rest_post_invalid_id" in message
        assert "not found" in message.lower()
    assert check_call_log(hub.tool_calls(after=start)) == [
        ("wp_get_post", "failed:not_found"),
        ("wp_update_post", "failed:not_found"),
    ]


# -- F18: pagination -----------------------------------------------------------------------------


def test_250_posts_page_by_page_and_all_at_once(wp_hub: WordPressHub, posts_250: list[int]) -> None:
    hub, upstream = wp_hub.hub, wp_hub.upstream
    start = hub.position()

    async def scenario() -> None:
        async with hub.client("/project/blog/mcp", hub.master_key, mode="auto") as client:
            before = len(upstream.rest_calls(POSTS))
            first = result_data(await client.call_tool("wp_list_posts", {"per_page": 100}))
            assert first["count"] == len(first["items"]) == 100
            assert (first["total"], first["total_pages"]) == (250, 3)  # from the headers
            assert len(upstream.rest_calls(POSTS)) == before + 1

            before = len(upstream.rest_calls(POSTS))
            every = result_data(
                await client.call_tool("wp_list_posts", {"per_page": 100, "all_pages": True})
            )
            assert len(upstream.rest_calls(POSTS)) - before <= 3
            ids = [item["id"] for item in every["items"]]
            assert len(ids) == every["count"] == 250
            assert sorted(ids) == sorted(posts_250)

            beyond = error_text(
                await client.call_tool("wp_list_posts", {"page": 4, "per_page": 100})
            )
            assert "beyond the last page" in beyond
            assert "rest_post_invalid_page_number" in beyond

    asyncio.run(scenario())
    assert check_call_log(hub.tool_calls(after=start)) == [
        ("wp_list_posts", "completed"),
        ("wp_list_posts", "completed"),
        ("wp_list_posts", "failed:bad_request"),
    ]


@pytest.mark.parametrize("mode", MODES)
def test_page_arguments_are_checked_before_any_upstream_call(
    wp_hub: WordPressHub, mode: str
) -> None:
    hub, upstream = wp_hub.hub, wp_hub.upstream
    start = hub.position()

    async def scenario() -> list[str]:
        async with hub.client("/mcp", hub.master_key, mode=mode) as client:
            before = len(upstream.requests)
            messages = [
                error_text(await client.call_tool("wp_list_posts", {"site": "blog", **arguments}))
                for arguments in ({"per_page": 101}, {"page": 0}, {"page": -1})
            ]
            assert len(upstream.requests) == before
        return messages

    too_many, page_zero, negative = asyncio.run(scenario())
    assert "'per_page'" in too_many
    assert "at most 100" in too_many
    assert "'page'" in page_zero
    assert "'page'" in negative
    events = hub.tool_calls(after=start)
    assert check_call_log(events) == [("wp_list_posts", "denied:validation")] * 3
    details = [e.event.detail for e in events]
    assert "per_page" in details[0]
    assert "'page'" in details[1]
    for event in events:
        assert event.event.project == "blog"
        assert event.event.reason == "validation"


# -- refusals: scope and project binding ---------------------------------------------------------


def test_a_read_only_key_cannot_create(wp_hub: WordPressHub, wordpress: WordPressSite) -> None:
    hub = wp_hub.hub
    title = f"must not exist {uuid.uuid4().hex}"
    start, posts_before = hub.position(), len(wp_hub.upstream.rest_calls(POSTS))
    for path, arguments in (
        ("/project/blog/mcp", {"title": title}),
        ("/wordpress/mcp", {"site": "blog", "title": title}),
    ):
        response = hub.rpc(
            path, wp_hub.read_key, "tools/call", {"name": "wp_create_post", "arguments": arguments}
        )
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "insufficient_scope"
        scheme, params = challenge_params(response.headers["www-authenticate"])
        assert scheme == "Bearer"
        assert params["error"] == "insufficient_scope"
        assert params["scope"] == "write"
        metadata = f"{hub.url}/.well-known/oauth-protected-resource{path}"
        assert params["resource_metadata"] == metadata
        document = httpx2.get(metadata, timeout=10)
        assert document.status_code == 200
        assert document.json()["resource"] == hub.url + path

    async def scenario() -> None:
        # The same key reads through the SDK; its write is refused at the HTTP level.
        async with hub.client("/project/blog/mcp", wp_hub.read_key, mode="auto") as client:
            listed = result_data(await client.call_tool("wp_list_posts", {"per_page": 1}))
            assert listed["count"] <= 1
            # The SDK surfaces the HTTP 403 as a JSON-RPC error of its own.
            with pytest.raises(MCPError):
                await client.call_tool("wp_create_post", {"title": title})

    asyncio.run(scenario())
    assert wordpress.rest("GET", POSTS, params={"search": title, "status": "any"}).json() == []
    # Only the permitted listing went upstream.
    assert len(wp_hub.upstream.rest_calls(POSTS)) == posts_before + 1
    events = hub.tool_calls(after=start)
    assert check_call_log(events) == [
        ("wp_create_post", "denied:scope"),
        ("wp_create_post", "denied:scope"),
        ("wp_list_posts", "completed"),
        ("wp_create_post", "denied:scope"),
    ]
    for event in events:
        if event.kind in ("Requested", "Denied"):
            assert event.event.actor.startswith("key:")
            assert event.event.project == "blog"
    assert title.encode() not in b"".join(e.state for e in events)


def test_a_key_bound_to_another_project_is_refused(wp_hub: WordPressHub) -> None:
    hub = wp_hub.hub
    start = hub.position()
    call = {"name": "wp_list_posts", "arguments": {}}
    for path, method, params in (
        ("/project/blog/mcp", "initialize", _initialize()),
        ("/project/blog/mcp", "tools/list", {}),
        ("/project/blog/mcp", "tools/call", call),
        ("/mcp", "initialize", _initialize()),
        ("/mcp", "tools/call", {**call, "arguments": {"site": "other"}}),
    ):
        response = hub.rpc(path, wp_hub.other_key, method, params)
        assert response.status_code == 403, (path, method, response.text)
        assert response.json()["error"] == "forbidden"
    # Refused by the endpoint table before any tool is considered: no ToolCall event.
    assert hub.tool_calls(after=start) == []

    # On a plugin endpoint the project is an argument: refused per call and recorded; 403
    # without a scope challenge, since more scope would not help.
    response = hub.rpc(
        "/wordpress/mcp",
        wp_hub.other_key,
        "tools/call",
        {"name": "wp_list_posts", "arguments": {"site": "blog"}},
    )
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "forbidden"
    assert "insufficient_scope" not in response.headers.get("www-authenticate", "")

    async def scenario() -> None:
        # Its own project works, in both eras.
        for mode in MODES:
            async with hub.client("/project/other/mcp", wp_hub.other_key, mode=mode) as client:
                result_data(await client.call_tool("wp_list_posts", {"per_page": 1}))

    asyncio.run(scenario())
    assert check_call_log(hub.tool_calls(after=start)) == [
        ("wp_list_posts", "denied:project"),
        ("wp_list_posts", "completed"),
        ("wp_list_posts", "completed"),
    ]


def _initialize() -> dict[str, Any]:
    return {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "e2e", "version": "1"},
    }


def test_the_system_endpoint_answers_the_hubs_own_tools(wp_hub: WordPressHub) -> None:
    hub = wp_hub.hub
    start = hub.position()

    async def scenario() -> tuple[Any, Any]:
        async with hub.client("/system/mcp", hub.master_key, mode="legacy") as client:
            projects = result_data(await client.call_tool("hub_list_projects", {}))
        async with hub.client("/system/mcp", wp_hub.read_key, mode="auto") as client:
            own = result_data(await client.call_tool("hub_list_projects", {}))
        return projects, own

    projects, own = asyncio.run(scenario())
    assert {"blog", "other"} <= set(_aliases(projects))
    assert _aliases(own) == ["blog"]
    assert check_call_log(hub.tool_calls(after=start)) == [
        ("hub_list_projects", "completed"),
        ("hub_list_projects", "completed"),
    ]


def _aliases(listing: Any) -> list[str]:
    items = listing["items"] if isinstance(listing, dict) and "items" in listing else listing
    if isinstance(items, dict):
        items = items.get("projects", items.get("result", []))
    return [item["alias"] for item in items]
