"""What reaches the site: representative tools build the right SiteRequest (method, route,
query vs body, fixed parameters, credentials), the upload handler sends raw bytes under a
header that cannot be broken, and the site handlers reshape their answers."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Mapping
from typing import Any

import pytest

from application.catalogue import all_tools
from application.catalogue import wordpress_media as media
from application.sites import (
    SiteConnection,
    SiteError,
    SiteErrorKind,
    SiteRequest,
    SiteResponse,
)
from application.tools.compiler import compile_tool
from application.tools.spec import ToolContext
from domain.principal import MASTER

SITE = SiteConnection(
    alias="blog", base_url="https://blog.example", wp_user="bot", wp_password="x" * 24
)
TOOLS = {spec.name: compile_tool(spec) for spec in all_tools()}


class FakeSiteGateway:
    """Records every request and answers from a queue (default: an empty object)."""

    def __init__(self, *answers: SiteResponse | SiteError) -> None:
        self.requests: list[SiteRequest] = []
        self.all_pages: list[int] = []
        self._answers = list(answers)

    async def call(self, site: SiteConnection, request: SiteRequest) -> SiteResponse:
        self.requests.append(request)
        answer = self._answers.pop(0) if self._answers else SiteResponse(200, {})
        if isinstance(answer, SiteError):
            raise answer
        return answer

    async def call_all(
        self, site: SiteConnection, request: SiteRequest, *, max_pages: int
    ) -> SiteResponse:
        self.all_pages.append(max_pages)
        return await self.call(site, request)

    async def aclose(self) -> None:
        return None


def run(name: str, arguments: Mapping[str, Any], gateway: FakeSiteGateway) -> Any:
    """Validate like the hub does, then run the compiled tool."""
    assert TOOLS[name].check(arguments) is None, TOOLS[name].check(arguments)
    return run_unchecked(name, arguments, gateway)


def run_unchecked(name: str, arguments: Mapping[str, Any], gateway: FakeSiteGateway) -> Any:
    async def main() -> Any:
        context = ToolContext(site=SITE, gateway=gateway, principal=MASTER)
        return await TOOLS[name].run(context, arguments)

    return asyncio.run(main())


def only_request(gateway: FakeSiteGateway) -> SiteRequest:
    assert len(gateway.requests) == 1
    return gateway.requests[0]


def test_a_list_goes_to_the_query_and_answers_with_the_listing_shape() -> None:
    gateway = FakeSiteGateway(SiteResponse(200, [{"id": 1}, {"id": 2}], total=250, total_pages=3))
    result = run("wp_list_posts", {"status": "draft", "categories": [3], "per_page": 2}, gateway)
    request = only_request(gateway)
    assert (request.method, request.route, request.api) == ("GET", "/wp/v2/posts", "wp")
    assert dict(request.params) == {"status": "draft", "categories": [3], "per_page": 2}
    assert request.json is None
    assert result == {"items": [{"id": 1}, {"id": 2}], "count": 2, "total": 250, "total_pages": 3}


def test_all_pages_follows_at_most_three_pages_and_is_not_sent_upstream() -> None:
    gateway = FakeSiteGateway(SiteResponse(200, [{"id": 1}]))
    run("wp_list_pages", {"all_pages": True, "per_page": 100}, gateway)
    assert gateway.all_pages == [3]
    assert dict(only_request(gateway).params) == {"per_page": 100}


def test_a_get_puts_the_id_in_the_route_and_the_rest_in_the_query() -> None:
    gateway = FakeSiteGateway(SiteResponse(200, {"id": 42}))
    assert run("wp_get_post", {"id": 42, "context": "edit"}, gateway) == {"id": 42}
    request = only_request(gateway)
    assert (request.method, request.route) == ("GET", "/wp/v2/posts/42")
    assert dict(request.params) == {"context": "edit"}
    me = FakeSiteGateway()
    run("wp_get_current_user", {}, me)
    assert only_request(me).route == "/wp/v2/users/me"


def test_a_create_sends_a_json_body_and_no_query() -> None:
    gateway = FakeSiteGateway()
    arguments = {"title": "Hello", "content": "<p>x</p>", "status": "draft", "tags": [1, 2]}
    run("wp_create_post", arguments, gateway)
    request = only_request(gateway)
    assert (request.method, request.route) == ("POST", "/wp/v2/posts")
    assert request.json == arguments
    assert dict(request.params) == {}


def test_an_update_is_a_put_on_the_item_with_the_id_left_out_of_the_body() -> None:
    gateway = FakeSiteGateway()
    run("wp_update_comment", {"id": 11, "status": "hold"}, gateway)
    request = only_request(gateway)
    assert (request.method, request.route, request.json) == (
        "PUT",
        "/wp/v2/comments/11",
        {"status": "hold"},
    )
    assert request.idempotent


@pytest.mark.parametrize(
    ("name", "arguments", "route", "params"),
    [
        ("wp_delete_post", {"id": 5}, "/wp/v2/posts/5", {}),
        ("wp_delete_page", {"id": 6, "force": True}, "/wp/v2/pages/6", {"force": True}),
        ("wp_delete_media", {"id": 9}, "/wp/v2/media/9", {"force": True}),
        ("wp_delete_category", {"id": 3}, "/wp/v2/categories/3", {"force": True}),
        ("wp_delete_tag", {"id": 4}, "/wp/v2/tags/4", {"force": True}),
        ("wp_delete_comment", {"id": 7, "force": False}, "/wp/v2/comments/7", {"force": False}),
    ],
)
def test_deletes_send_force_in_the_query_fixed_where_there_is_no_trash(
    name: str, arguments: dict[str, Any], route: str, params: dict[str, Any]
) -> None:
    gateway = FakeSiteGateway()
    run(name, arguments, gateway)
    request = only_request(gateway)
    assert (request.method, request.route, dict(request.params)) == ("DELETE", route, params)
    assert request.json is None


def test_woocommerce_tools_use_the_wc_credentials_and_routes() -> None:
    gateway = FakeSiteGateway()
    run("wc_list_products", {"sku": "PQ-1", "stock_status": "instock"}, gateway)
    run("wc_create_product", {"name": "P", "regular_price": "9.50"}, gateway)
    run("wc_update_product", {"id": 794, "sale_price": ""}, gateway)
    run("wc_delete_product", {"id": 794, "force": True}, gateway)
    seen = [(r.api, r.method, r.route, dict(r.params), r.json) for r in gateway.requests]
    assert seen == [
        ("wc", "GET", "/wc/v3/products", {"sku": "PQ-1", "stock_status": "instock"}, None),
        ("wc", "POST", "/wc/v3/products", {}, {"name": "P", "regular_price": "9.50"}),
        ("wc", "PUT", "/wc/v3/products/794", {}, {"sale_price": ""}),
        ("wc", "DELETE", "/wc/v3/products/794", {"force": True}, None),
    ]


# -- wp_upload_media --------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def upload_args(**extra: Any) -> dict[str, Any]:
    return {
        "filename": "team photo.png",
        "mime_type": "image/png",
        "data_base64": base64.b64encode(PNG).decode(),
        **extra,
    }


def test_upload_sends_the_raw_decoded_bytes_with_type_and_disposition() -> None:
    gateway = FakeSiteGateway(SiteResponse(201, {"id": 77, "source_url": "https://b/x.png"}))
    result = run("wp_upload_media", upload_args(), gateway)
    request = only_request(gateway)
    assert (request.method, request.route, request.api) == ("POST", "/wp/v2/media", "wp")
    assert request.content == PNG
    assert request.json is None
    assert dict(request.headers) == {
        "Content-Type": "image/png",
        "Content-Disposition": 'attachment; filename="team photo.png"',
    }
    assert result == {"id": 77, "source_url": "https://b/x.png"}


def test_upload_then_sets_title_alt_text_and_caption_on_the_new_item() -> None:
    gateway = FakeSiteGateway(
        SiteResponse(201, {"id": 77}), SiteResponse(200, {"id": 77, "alt_text": "Team"})
    )
    result = run("wp_upload_media", upload_args(alt_text="Team", caption="Us"), gateway)
    upload, update = gateway.requests
    assert upload.content == PNG
    assert not upload.params
    assert (update.method, update.route, update.json) == (
        "PUT",
        "/wp/v2/media/77",
        {"alt_text": "Team", "caption": "Us"},
    )
    assert result == {"id": 77, "alt_text": "Team"}


def test_a_failed_metadata_update_names_the_uploaded_media_id() -> None:
    refused = SiteError(SiteErrorKind.FORBIDDEN, "not allowed", status=403, code="rest_cannot_edit")
    gateway = FakeSiteGateway(SiteResponse(201, {"id": 77}), refused)
    with pytest.raises(SiteError) as caught:
        run("wp_upload_media", upload_args(title="T"), gateway)
    assert caught.value.kind is SiteErrorKind.FORBIDDEN
    assert "media 77" in caught.value.message
    assert "wp_update_media id=77" in caught.value.message


@pytest.mark.parametrize(
    "data",
    ["not base64!", "aGVsbG8", "aGVs\nbG8=", "data:image/png;base64,aGVsbG8=", "===="],
)
def test_upload_refuses_invalid_base64_without_calling_the_site(data: str) -> None:
    gateway = FakeSiteGateway()
    with pytest.raises(SiteError) as caught:
        run_unchecked("wp_upload_media", upload_args(data_base64=data), gateway)
    assert caught.value.kind is SiteErrorKind.BAD_REQUEST
    assert "base64" in caught.value.message
    assert gateway.requests == []


def test_upload_refuses_an_extension_that_does_not_match_the_mime_type() -> None:
    gateway = FakeSiteGateway()
    with pytest.raises(SiteError) as caught:
        run("wp_upload_media", upload_args(filename="photo.php"), gateway)
    assert caught.value.kind is SiteErrorKind.BAD_REQUEST
    assert gateway.requests == []


def test_a_hostile_filename_cannot_inject_headers_even_past_the_schema() -> None:
    # The schema refuses this name; the handler must still be safe if called directly.
    hostile = 'a"b.png\r\nX: y'
    assert TOOLS["wp_upload_media"].check(upload_args(filename=hostile)) is not None
    header = media.content_disposition(hostile)
    assert "\r" not in header and "\n" not in header
    assert header == 'attachment; filename="a\\"b.png__X: y"'
    assert media.content_disposition("..\\..\\evil;name=x.png") == (
        'attachment; filename="evil_name=x.png"'
    )
    assert media.content_disposition("caf\u00e9 \\\u0000.png") == 'attachment; filename="_.png"'
    assert media.content_disposition("\r\n") == 'attachment; filename="__"'


# -- site handlers --------------------------------------------------------------------------


def test_site_info_asks_the_rest_index_for_a_few_fields_and_keeps_only_those() -> None:
    index = {
        "name": "Blog",
        "description": "Tagline",
        "url": "https://blog.example",
        "home": "https://blog.example",
        "gmt_offset": "2",
        "timezone_string": "Europe/Berlin",
        "namespaces": ["oembed/1.0", "wp/v2", "wc/v3"],
        "authentication": {"application-passwords": {"endpoints": {}}},
        "routes": {"/": {}},
    }
    gateway = FakeSiteGateway(SiteResponse(200, index))
    info = run("wp_site_info", {}, gateway)
    request = only_request(gateway)
    assert (request.method, request.route) == ("GET", "/")
    assert "routes" not in info
    assert info["name"] == "Blog"
    assert info["woocommerce_api"] is True
    assert info["authentication"] == {"application-passwords": {"endpoints": {}}}


def test_connection_test_reports_the_user_and_roles() -> None:
    me = {"id": 1, "name": "Bot", "slug": "bot", "roles": ["editor"], "email": "b@x.org"}
    gateway = FakeSiteGateway(SiteResponse(200, me))
    result = run("wp_test_connection", {}, gateway)
    request = only_request(gateway)
    assert (request.method, request.route) == ("GET", "/wp/v2/users/me")
    assert request.params["context"] == "edit"
    assert result == {
        "ok": True,
        "user": {"id": 1, "name": "Bot", "slug": "bot", "roles": ["editor"]},
        "woocommerce_configured": False,
    }


def test_a_failed_connection_test_is_a_failed_call_not_a_result() -> None:
    failure = SiteError(
        SiteErrorKind.AUTHENTICATION, "wrong application password", status=401, code="x"
    )
    with pytest.raises(SiteError) as raised:
        run("wp_test_connection", {}, FakeSiteGateway(failure))
    assert raised.value.kind is SiteErrorKind.AUTHENTICATION


def test_a_refused_argument_value_is_never_quoted_back() -> None:
    """The problem text becomes event data (ToolCall.Denied): it names the field and the rule,
    not the value, which may be a secret or personal data."""
    from application.catalogue import wordpress_tools
    from application.tools.compiler import compile_tool

    tool = compile_tool(next(t for t in wordpress_tools() if t.name == "wp_get_post"))
    secret = "mcphub_abcdefghijkl_" + "S" * 43
    problem = tool.check({"id": secret})
    assert problem is not None
    assert problem.field == "id"
    assert "integer" in problem.describe()
    assert secret not in problem.describe()
    assert "S" * 10 not in problem.describe()
