"""F19: WooCommerce over https uses Basic, over http OAuth 1.0a (verified by the contract fake);
the consumer secret never leaves the hub, and the key never appears in a URL."""

from __future__ import annotations

import base64
import logging
import time
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from application.sites import SiteError, SiteErrorKind, SiteRequest
from tests.support.woocommerce_fake import ApiKey, WooCommerceFake

from .conftest import WC_KEY, WC_SECRET, gateway_for, site

pytestmark = pytest.mark.anyio

_PRODUCTS = "/wc/v3/products"


def _shop(base_url: str = "https://shop.example", **changes: Any):
    values: dict[str, Any] = {"alias": "shop", "wc_key": WC_KEY, "wc_secret": WC_SECRET}
    values.update(changes)
    return site(base_url, **values)


def _fake(**options: Any) -> WooCommerceFake:
    keys = options.pop("keys", [ApiKey(WC_KEY, WC_SECRET)])
    return WooCommerceFake(keys, **options)


async def _crud(fake: WooCommerceFake, base_url: str) -> None:
    gateway = gateway_for(fake.handler)
    shop = _shop(base_url)
    try:
        created = await gateway.call(
            shop,
            SiteRequest(
                "POST",
                _PRODUCTS,
                api="wc",
                json={"name": "Mug", "regular_price": "9.50", "sku": "MUG-1"},
            ),
        )
        product_id = created.data["id"]
        assert created.status == 201
        listed = await gateway.call(
            shop, SiteRequest("GET", _PRODUCTS, api="wc", params={"search": "mug", "per_page": 5})
        )
        assert [p["id"] for p in listed.data] == [product_id]
        assert listed.total == 1
        updated = await gateway.call(
            shop,
            SiteRequest("PUT", f"{_PRODUCTS}/{product_id}", api="wc", json={"sale_price": "7.00"}),
        )
        assert updated.data["price"] == "7.00"
        deleted = await gateway.call(
            shop,
            SiteRequest("DELETE", f"{_PRODUCTS}/{product_id}", api="wc", params={"force": True}),
        )
        assert deleted.data["id"] == product_id
        assert fake.catalogue.products == {}
    finally:
        await gateway.aclose()


def _assert_nothing_secret_sent(fake: WooCommerceFake) -> None:
    assert fake.requests
    for request in fake.requests:
        url = str(request.url)
        assert WC_SECRET not in url
        assert WC_KEY not in url
        assert "consumer_key" not in url
        assert "consumer_secret" not in url
        assert WC_SECRET not in request.headers.get("authorization", "")
        assert WC_SECRET.encode() not in request.content


async def test_over_https_the_key_and_secret_go_as_basic_auth() -> None:
    fake = _fake()
    await _crud(fake, "https://shop.example")
    token = base64.b64encode(f"{WC_KEY}:{WC_SECRET}".encode()).decode()
    api = [r for r in fake.requests if "/wc/v3/" in str(r.url)]
    assert api
    assert {r.headers["authorization"] for r in api} == {f"Basic {token}"}
    for request in fake.requests:
        assert WC_KEY not in str(request.url)


async def test_over_http_requests_are_signed_with_oauth1_and_the_fake_accepts_them() -> None:
    fake = _fake()
    await _crud(fake, "http://shop.example")
    api = [r for r in fake.requests if "/wc/v3/" in str(r.url)]
    assert len(api) == 4
    for request in api:
        header = request.headers["authorization"]
        assert header.startswith("OAuth ")
        assert 'oauth_signature_method="HMAC-SHA256"' in header
        assert "oauth_token" not in header
    _assert_nothing_secret_sent(fake)
    assert len(fake.auth.used_nonces[WC_KEY]) == 4


async def test_oauth_signatures_cover_the_rest_route_of_plain_permalinks() -> None:
    fake = _fake(pretty_permalinks=False)
    await _crud(fake, "http://shop.example")
    api = [r for r in fake.requests if "rest_route=%2Fwc%2Fv3" in str(r.url)]
    assert len(api) == 4
    assert all(str(r.url).count("?") == 1 for r in api)
    _assert_nothing_secret_sent(fake)


async def test_listing_all_products_follows_the_fake_s_pages() -> None:
    fake = _fake()
    for n in range(230):
        fake.catalogue.create({"name": f"Product {n}", "regular_price": "1.00"})
    gateway = gateway_for(fake.handler)
    listing = await gateway.call_all(
        _shop("http://shop.example"), SiteRequest("GET", _PRODUCTS, api="wc"), max_pages=5
    )
    assert len(listing.data) == 230
    assert (listing.total, listing.total_pages) == (230, 3)
    await gateway.aclose()


async def test_without_woocommerce_credentials_nothing_is_sent() -> None:
    fake = _fake()
    gateway = gateway_for(fake.handler)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site("https://shop.example"), SiteRequest("GET", _PRODUCTS, api="wc"))
    assert caught.value.kind is SiteErrorKind.NOT_CONFIGURED
    assert "consumer key and secret" in caught.value.message
    assert not [r for r in fake.requests if "/wc/v3/" in str(r.url)]
    await gateway.aclose()


async def _error(
    fake: WooCommerceFake, shop: Any, request: SiteRequest, **options: Any
) -> SiteError:
    gateway = gateway_for(fake.handler, **options)
    try:
        with pytest.raises(SiteError) as caught:
            await gateway.call(shop, request)
    finally:
        await gateway.aclose()
    return caught.value


_LIST = SiteRequest("GET", _PRODUCTS, api="wc")
_CREATE = SiteRequest("POST", _PRODUCTS, api="wc", json={"name": "x"})


async def test_a_wrong_secret_over_http_is_a_signature_mismatch(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    error = await _error(
        _fake(), _shop("http://shop.example", wc_secret="cs_wrong_secret_1234"), _LIST
    )
    assert error.kind is SiteErrorKind.AUTHENTICATION
    assert "signature" in error.message
    assert error.code == "woocommerce_rest_authentication_error"
    _assert_no_secret([error.describe(), *(r.getMessage() for r in caplog.records)])
    assert caplog.records  # httpx did log the requests...
    assert not [r for r in caplog.records if WC_KEY in r.getMessage()]  # ...without the key


async def test_a_site_echoing_the_key_or_secret_has_them_masked() -> None:
    echoed = f"key {WC_KEY} secret {WC_SECRET} url ?consumer_secret={quote(WC_SECRET)}"

    def echoing(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/wp-json/":
            return httpx.Response(200, json={"name": "Shop", "namespaces": ["wc/v3"]})
        return httpx.Response(500, json={"code": "oops", "message": echoed})

    gateway = gateway_for(echoing)
    with pytest.raises(SiteError) as caught:
        await gateway.call(_shop(), _LIST)
    await gateway.aclose()
    assert caught.value.message.count("[REDACTED]") == 3
    assert WC_KEY not in caught.value.describe()
    _assert_no_secret([caught.value.describe()])


async def test_a_wrong_secret_over_https_is_an_authentication_error() -> None:
    error = await _error(_fake(), _shop(wc_secret="cs_wrong_secret_1234"), _LIST)
    assert error.kind is SiteErrorKind.AUTHENTICATION
    assert "Consumer secret is invalid" in error.message
    assert "cs_wrong_secret_1234" not in error.describe()


async def test_an_unknown_key_over_https_is_explained() -> None:
    error = await _error(_fake(), _shop(wc_key="ck_unknown_key_000"), _LIST)
    assert error.kind is SiteErrorKind.AUTHENTICATION
    assert "consumer key is unknown" in error.message
    error = await _error(
        _fake(application_passwords_in_use=True), _shop(wc_key="ck_unknown_key_000"), _LIST
    )
    assert error.kind is SiteErrorKind.AUTHENTICATION
    assert "does not know this consumer key" in error.message


async def test_a_read_only_key_writing_is_told_to_get_write_permission() -> None:
    fake = _fake(keys=[ApiKey(WC_KEY, WC_SECRET, permissions="read")])
    for base_url in ("https://shop.example", "http://shop.example"):
        error = await _error(fake, _shop(base_url), _CREATE)
        assert error.kind is SiteErrorKind.FORBIDDEN
        assert "no write permission" in error.message


async def test_a_write_only_key_reading_is_told_to_get_read_permission() -> None:
    fake = _fake(keys=[ApiKey(WC_KEY, WC_SECRET, permissions="write")])
    error = await _error(fake, _shop(), _LIST)
    assert error.kind is SiteErrorKind.FORBIDDEN
    assert "no read permission" in error.message


async def test_a_key_whose_user_lacks_the_capability_is_forbidden() -> None:
    fake = _fake(keys=[ApiKey(WC_KEY, WC_SECRET, user_can_manage=False)])
    error = await _error(fake, _shop(), _LIST)
    assert error.kind is SiteErrorKind.FORBIDDEN
    assert (error.status, error.code) == (403, "woocommerce_rest_cannot_view")
    assert "Shop manager" in error.message


async def test_a_stripped_oauth_header_is_diagnosed() -> None:
    fake = _fake()

    def stripping(request: httpx.Request) -> httpx.Response:
        request.headers.pop("authorization", None)
        return fake.handler(request)

    gateway = gateway_for(stripping)
    with pytest.raises(SiteError) as caught:
        await gateway.call(_shop("http://shop.example"), _LIST)
    assert caught.value.kind is SiteErrorKind.AUTH_HEADER_STRIPPED
    assert caught.value.code == "woocommerce_rest_cannot_view"
    await gateway.aclose()


async def test_a_skewed_clock_is_named() -> None:
    error = await _error(
        _fake(), _shop("http://shop.example"), _LIST, wall_clock=lambda: time.time() - 3600
    )
    assert error.kind is SiteErrorKind.AUTHENTICATION
    assert "clock" in error.message


async def test_invalid_product_data_is_a_bad_request_naming_the_field() -> None:
    request = SiteRequest("POST", _PRODUCTS, api="wc", json={"name": "x", "regular_price": 9.5})
    error = await _error(_fake(), _shop(), request)
    assert error.kind is SiteErrorKind.BAD_REQUEST
    assert "regular_price: regular_price is not of type string." in error.message


async def test_trash_then_delete_again_is_a_conflict() -> None:
    fake = _fake()
    product = fake.catalogue.create({"name": "Cup"})
    gateway = gateway_for(fake.handler)
    trash = SiteRequest("DELETE", f"{_PRODUCTS}/{product['id']}", api="wc")
    trashed = await gateway.call(_shop(), trash)
    assert trashed.data["status"] == "trash"
    with pytest.raises(SiteError) as caught:
        await gateway.call(_shop(), trash)
    assert caught.value.kind is SiteErrorKind.CONFLICT
    assert caught.value.code == "woocommerce_rest_already_trashed"
    await gateway.aclose()


def _assert_no_secret(texts: Any) -> None:
    token = base64.b64encode(f"{WC_KEY}:{WC_SECRET}".encode()).decode()
    for text in texts:
        for secret in (WC_SECRET, "cs_wrong_secret_1234", token):
            assert secret not in text
