"""The WooCommerce slice through the hub, against the ``wc/v3`` contract fake (F19).

The hub's site gateway talks to the fake over ``httpx.MockTransport`` (the SSRF guard still
runs: the made-up shop host resolves to an allow-listed loopback address). The fake checks
authentication like WooCommerce: Basic over https, OAuth 1.0a over http.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from infrastructure.sites import HttpxSiteGateway
from tests.e2e.leaks import leaks
from tests.e2e.mcp.call_log import check_call_log, error_text, is_digest, requested, result_data
from tests.e2e.mcp.hub_server import HubServer, StaticResolver, running_hub
from tests.support.woocommerce_fake import ApiKey, WooCommerceFake

WC_KEY = "ck_7c1e4b9a2d8f3065e1a4c7b2d9f0e3a6c8b1d4f7"
WC_SECRET = "cs_2f9e6d3c0b7a4e1d8c5b2a9f6e3d0c7b4a1e8d5f"
READ_KEY = "ck_0a3d6f9c2e5b8a1d4f7c0e3b6a9d2f5c8e1b4a7d"
READ_SECRET = "cs_5b8e1a4d7f0c3e6b9a2d5f8c1e4b7a0d3f6c9e2b"
WRONG_SECRET = "cs_1111222233334444555566667777888899990000"
WP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
SECRETS = [WC_SECRET, READ_SECRET, WRONG_SECRET, WP_PASSWORD]
WC_TOOLS = {
    "wc_list_products",
    "wc_get_product",
    "wc_create_product",
    "wc_update_product",
    "wc_delete_product",
}


@dataclass
class Shop:
    hub: HubServer
    fake: WooCommerceFake
    results: list[str]
    """The text of every tool result the tests saw, for the leak check."""

    def tool_texts(self, *results: Any) -> None:
        for result in results:
            self.results.extend(block.text for block in result.content)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    fake = WooCommerceFake(
        [ApiKey(WC_KEY, WC_SECRET), ApiKey(READ_KEY, READ_SECRET, permissions="read")]
    )
    gateway = HttpxSiteGateway(
        allow=["127.0.0.1"],
        transport=httpx.MockTransport(fake.handler),
        resolver=StaticResolver({"shop.test": ["127.0.0.1"]}),
    )
    with running_hub(tmp_path_factory.mktemp("hub"), gateway=gateway) as hub:
        projects = {
            "shop": ("https://shop.test", WC_KEY, WC_SECRET),
            "shophttp": ("http://shop.test", WC_KEY, WC_SECRET),
            "shopread": ("https://shop.test", READ_KEY, READ_SECRET),
            "shopwrong": ("https://shop.test", WC_KEY, WRONG_SECRET),
            "shopwronghttp": ("http://shop.test", WC_KEY, WRONG_SECRET),
            "blogonly": ("https://shop.test", None, None),
        }
        for alias, (url, key, secret) in projects.items():
            hub.register(alias, url, "admin", WP_PASSWORD, wc_key=key, wc_secret=secret)
        state = Shop(hub, fake, [])
        yield state
        # F19 and F16 over the whole module: no secret in any shape in results or events.
        sinks = {"results": "\n".join(state.results).encode(), "events": hub.all_state()}
        assert leaks(SECRETS, sinks) == []


def _sent_after(fake: WooCommerceFake, count: int) -> list[httpx.Request]:
    return [r for r in fake.requests[count:] if "/wc/v3/" in str(r.url)]


@pytest.mark.parametrize(
    ("alias", "mode", "endpoint", "scheme"),
    [
        ("shop", "legacy", "/woocommerce/mcp", "Basic"),
        ("shophttp", "auto", "/project/shophttp/mcp", "OAuth"),
    ],
)
def test_products_from_creation_to_deletion(
    shop: Shop, alias: str, mode: str, endpoint: str, scheme: str
) -> None:
    hub, fake = shop.hub, shop.fake
    marker = uuid.uuid4().hex[:12]
    description = f"<p>Hand-thrown stoneware {marker}</p>"
    start, sent = hub.position(), len(fake.requests)
    site = {} if endpoint.startswith("/project/") else {"site": alias}

    async def scenario() -> int:
        async with hub.client(endpoint, hub.master_key, mode=mode) as client:

            async def call(tool: str, **arguments: Any) -> Any:
                result = await client.call_tool(tool, {**site, **arguments})
                shop.tool_texts(result)
                return result

            created = result_data(
                await call(
                    "wc_create_product",
                    name=f"Mug {marker}",
                    regular_price="9.50",
                    sku=f"MUG-{marker}",
                    description=description,
                    status="draft",
                )
            )
            product_id = created["id"]
            assert created["regular_price"] == "9.50"
            assert created["status"] == "draft"

            fetched = result_data(await call("wc_get_product", id=product_id))
            assert fetched["name"] == f"Mug {marker}"
            assert fetched["sku"] == f"MUG-{marker}"

            updated = result_data(await call("wc_update_product", id=product_id, sale_price="7.00"))
            assert updated["price"] == "7.00"
            assert updated["on_sale"] is True

            listed = result_data(
                await call("wc_list_products", sku=f"MUG-{marker}", per_page=5, status="draft")
            )
            assert [item["id"] for item in listed["items"]] == [product_id]
            assert listed["total"] == 1

            duplicate = error_text(
                await call("wc_create_product", name="Second mug", sku=f"MUG-{marker}")
            )
            assert "product_invalid_sku" in duplicate
            assert "duplicated SKU" in duplicate

            deleted = result_data(await call("wc_delete_product", id=product_id, force=True))
            assert deleted["id"] == product_id
            missing = error_text(await call("wc_get_product", id=product_id))
            assert "woocommerce_rest_product_invalid_id" in missing
            assert "HTTP 404" in missing
            return product_id

    product_id = asyncio.run(scenario())
    assert product_id not in fake.catalogue.products

    requests = _sent_after(fake, sent)
    assert len(requests) == 7
    for request in requests:
        authorization = request.headers["authorization"]
        assert authorization.startswith(f"{scheme} ")
        url = str(request.url)
        for secret in (WC_SECRET, "consumer_secret", "consumer_key", WC_KEY):
            assert secret not in url
        for name, value in request.headers.items():
            assert WC_SECRET not in value, name
        assert WC_SECRET.encode() not in request.content
    if scheme == "OAuth":
        # Over http nothing secret is sent at all, in any encoding.
        wire = {
            f"request {i}": str(r.url).encode() + repr(r.headers.raw).encode() + r.content
            for i, r in enumerate(requests)
        }
        assert leaks([WC_SECRET], wire) == []
        assert all(
            'oauth_signature_method="HMAC-SHA256"' in r.headers["authorization"] for r in requests
        )

    events = hub.tool_calls(after=start)
    assert check_call_log(events) == [
        ("wc_create_product", "completed"),
        ("wc_get_product", "completed"),
        ("wc_update_product", "completed"),
        ("wc_list_products", "completed"),
        ("wc_create_product", "failed:bad_request"),
        ("wc_delete_product", "completed"),
        ("wc_get_product", "failed:not_found"),
    ]
    create = requested(events, "wc_create_product")[0]
    assert is_digest(create["description"], description)
    assert create["regular_price"] == "9.50"
    assert description.encode() not in b"".join(e.state for e in events)


def test_the_hubs_schema_refuses_a_price_as_a_number_before_the_shop(shop: Shop) -> None:
    hub, fake = shop.hub, shop.fake
    start, sent = hub.position(), len(fake.requests)

    async def scenario() -> list[str]:
        async with hub.client("/woocommerce/mcp", hub.master_key, mode="auto") as client:
            results = [
                await client.call_tool(
                    "wc_create_product", {"site": "shop", "name": "Mug", "regular_price": 9.5}
                ),
                await client.call_tool(
                    "wc_update_product", {"site": "shop", "id": 1, "sale_price": "cheap"}
                ),
                await client.call_tool("wc_list_products", {"site": "shop", "per_page": 101}),
            ]
        shop.tool_texts(*results)
        return [error_text(result) for result in results]

    price, sale, per_page = asyncio.run(scenario())
    assert "'regular_price'" in price
    assert "string" in price
    assert "'sale_price'" in sale
    assert "'per_page'" in per_page
    assert fake.requests[sent:] == []  # nothing reached the shop
    events = hub.tool_calls(after=start)
    assert check_call_log(events) == [
        ("wc_create_product", "denied:validation"),
        ("wc_update_product", "denied:validation"),
        ("wc_list_products", "denied:validation"),
    ]
    assert "regular_price" in events[0].event.detail


def test_refused_keys_get_actionable_messages(shop: Shop) -> None:
    hub, fake = shop.hub, shop.fake
    start = hub.position()

    async def scenario() -> dict[str, Any]:
        results: dict[str, Any] = {}
        async with hub.client("/woocommerce/mcp", hub.master_key, mode="legacy") as client:
            for label, alias, name, arguments in (
                ("read_list", "shopread", "wc_list_products", {}),
                ("read_create", "shopread", "wc_create_product", {"name": "Nope"}),
                ("wrong_https", "shopwrong", "wc_list_products", {}),
                ("wrong_http", "shopwronghttp", "wc_list_products", {}),
            ):
                results[label] = await client.call_tool(name, {"site": alias, **arguments})
        shop.tool_texts(*results.values())
        return results

    before = len(fake.catalogue.products)
    results = asyncio.run(scenario())
    result_data(results["read_list"])
    read_only = error_text(results["read_create"])
    assert "no write permission" in read_only
    assert "Read/Write" in read_only
    assert "woocommerce_rest_authentication_error" in read_only
    assert len(fake.catalogue.products) == before
    wrong = error_text(results["wrong_https"])
    assert "wrong consumer key or secret" in wrong
    assert "Consumer secret is invalid" in wrong
    wrong_http = error_text(results["wrong_http"])
    assert "signature did not match" in wrong_http
    assert "consumer secret is wrong" in wrong_http
    for message in (read_only, wrong, wrong_http):
        assert "[REDACTED]" not in message
    assert check_call_log(hub.tool_calls(after=start)) == [
        ("wc_list_products", "completed"),
        ("wc_create_product", "failed:forbidden"),
        ("wc_list_products", "failed:authentication"),
        ("wc_list_products", "failed:authentication"),
    ]


def test_a_project_without_woocommerce_has_no_woocommerce_tools(shop: Shop) -> None:
    hub, fake = shop.hub, shop.fake
    start, sent = hub.position(), len(fake.requests)

    async def scenario() -> tuple[set[str], set[str], list[Any]]:
        async with hub.client("/project/blogonly/mcp", hub.master_key, mode="auto") as client:
            without = {tool.name for tool in (await client.list_tools()).tools}
            direct = await client.call_tool("wc_list_products", {})
        async with hub.client("/project/shop/mcp", hub.master_key, mode="auto") as client:
            with_wc = {tool.name for tool in (await client.list_tools()).tools}
        async with hub.client("/woocommerce/mcp", hub.master_key, mode="legacy") as client:
            plugin = await client.call_tool("wc_list_products", {"site": "blogonly"})
        shop.tool_texts(direct, plugin)
        return without, with_wc, [direct, plugin]

    without, with_wc, refused = asyncio.run(scenario())
    assert not without & WC_TOOLS
    assert "wp_list_posts" in without
    assert with_wc >= WC_TOOLS
    for result in refused:
        message = error_text(result)
        assert "no WooCommerce connection" in message
        assert "blogonly" in message
    assert _sent_after(fake, sent) == []
    events = hub.tool_calls(after=start)
    assert check_call_log(events) == [
        ("wc_list_products", "denied:not_configured"),
        ("wc_list_products", "denied:not_configured"),
    ]
    assert [e.event.project for e in events] == ["blogonly", "blogonly"]


def test_tool_results_are_not_pattern_scrubbed(shop: Shop) -> None:
    """A product whose text looks like a credential is the shop's data: returned as is."""
    hub = shop.hub

    async def scenario() -> Any:
        async with hub.client("/project/shop/mcp", hub.master_key, mode="auto") as client:
            created = result_data(
                await client.call_tool(
                    "wc_create_product",
                    {"name": "Token: 42 tokens of appreciation", "regular_price": "1.00"},
                )
            )
            await client.call_tool("wc_delete_product", {"id": created["id"], "force": True})
            return created

    created = asyncio.run(scenario())
    assert created["name"] == "Token: 42 tokens of appreciation"
    assert json.dumps(created).count("[REDACTED]") == 0
