"""The WooCommerce contract fake rejects what WooCommerce's reference says it rejects.

Requests are built by hand here, and OAuth signatures by a signer written from the REST API docs
in this file — neither the hub's gateway nor its signer is involved, so the fake is checked on its
own before the gateway tests lean on it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest

from tests.support.woocommerce_fake import ApiKey, WooCommerceFake

KEY, SECRET = "ck_test_key_0123456789", "cs_test_secret_9876543210"
RO_KEY, RO_SECRET = "ck_read_only_key", "cs_read_only_secret"
WO_KEY, WO_SECRET = "ck_write_only_key", "cs_write_only_secret"
CUSTOMER_KEY, CUSTOMER_SECRET = "ck_customer_key", "cs_customer_secret"
PRODUCTS = "/wp-json/wc/v3/products"


@pytest.fixture
def fake() -> WooCommerceFake:
    return WooCommerceFake(
        [
            ApiKey(KEY, SECRET),
            ApiKey(RO_KEY, RO_SECRET, permissions="read"),
            ApiKey(WO_KEY, WO_SECRET, permissions="write"),
            ApiKey(CUSTOMER_KEY, CUSTOMER_SECRET, user_can_manage=False),
        ]
    )


def _enc(text: str) -> str:
    return quote(text, safe="-._~")


def signed(
    method: str,
    url: str,
    key: str = KEY,
    secret: str = SECRET,
    *,
    algorithm: str = "HMAC-SHA256",
    timestamp: int | None = None,
    nonce: str = "n1",
    drop: str | None = None,
    in_query: bool = False,
    body: Any = None,
) -> httpx.Request:
    """A request signed the way WooCommerce's docs describe one-legged OAuth 1.0a."""
    parsed = httpx.URL(url)
    oauth = {
        "oauth_consumer_key": key,
        "oauth_nonce": nonce,
        "oauth_signature_method": algorithm,
        "oauth_timestamp": str(int(time.time()) if timestamp is None else timestamp),
    }
    params = sorted([*parsed.params.multi_items(), *oauth.items()])
    normalized = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in params)
    base_uri = str(parsed.copy_with(query=None))
    base = f"{method}&{_enc(base_uri)}&{_enc(normalized)}"
    digest = hashlib.sha1 if algorithm == "HMAC-SHA1" else hashlib.sha256
    oauth["oauth_signature"] = base64.b64encode(
        hmac.new(f"{secret}&".encode(), base.encode(), digest).digest()
    ).decode()
    if drop:
        del oauth[drop]
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    if in_query:
        return httpx.Request(method, parsed.copy_merge_params(oauth), **kwargs)
    header = "OAuth " + ", ".join(f'{k}="{_enc(v)}"' for k, v in oauth.items())
    return httpx.Request(method, parsed, headers={"Authorization": header}, **kwargs)


def basic(method: str, url: str, key: str = KEY, secret: str = SECRET, **kw: Any) -> httpx.Request:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return httpx.Request(method, url, headers={"Authorization": f"Basic {token}"}, **kw)


def _code(response: httpx.Response) -> str:
    return str(response.json()["code"])


# -- authentication over https ---------------------------------------------------------------


def test_basic_auth_over_https_is_accepted(fake: WooCommerceFake) -> None:
    response = fake.handler(basic("GET", f"https://shop.example{PRODUCTS}"))
    assert response.status_code == 200
    assert response.headers["X-WP-Total"] == "0"


def test_a_wrong_secret_over_https_is_refused_with_a_basic_challenge(fake: WooCommerceFake) -> None:
    response = fake.handler(basic("GET", f"https://shop.example{PRODUCTS}", secret="cs_nope"))
    assert response.status_code == 401
    assert _code(response) == "woocommerce_rest_authentication_error"
    assert response.json()["message"] == "Consumer secret is invalid."
    assert response.headers["WWW-Authenticate"].startswith("Basic realm=")


def test_query_string_credentials_count_over_https_only(fake: WooCommerceFake) -> None:
    query = urlencode({"consumer_key": KEY, "consumer_secret": SECRET})
    assert (
        fake.handler(httpx.Request("GET", f"https://s.example{PRODUCTS}?{query}")).status_code
        == 200
    )
    over_http = fake.handler(httpx.Request("GET", f"http://s.example{PRODUCTS}?{query}"))
    assert over_http.status_code == 401
    assert _code(over_http) == "woocommerce_rest_cannot_view"


def test_an_unknown_basic_key_is_anonymous_or_an_unknown_user_name() -> None:
    plain = WooCommerceFake([ApiKey(KEY, SECRET)])
    response = plain.handler(basic("GET", f"https://s.example{PRODUCTS}", key="ck_who"))
    assert (response.status_code, _code(response)) == (401, "woocommerce_rest_cannot_view")
    with_app_passwords = WooCommerceFake([ApiKey(KEY, SECRET)], application_passwords_in_use=True)
    response = with_app_passwords.handler(
        basic("GET", f"https://s.example{PRODUCTS}", key="ck_who")
    )
    assert (response.status_code, _code(response)) == (401, "invalid_username")


# -- authentication over http ------------------------------------------------------------------


def test_basic_auth_over_plain_http_is_never_looked_at(fake: WooCommerceFake) -> None:
    response = fake.handler(basic("GET", f"http://shop.example{PRODUCTS}"))
    assert response.status_code == 401
    assert _code(response) == "woocommerce_rest_cannot_view"
    write = fake.handler(basic("POST", f"http://shop.example{PRODUCTS}", json={"name": "x"}))
    assert (write.status_code, _code(write)) == (401, "woocommerce_rest_cannot_create")
    assert fake.catalogue.products == {}


@pytest.mark.parametrize("algorithm", ["HMAC-SHA256", "HMAC-SHA1"])
def test_oauth1_signed_requests_are_accepted(fake: WooCommerceFake, algorithm: str) -> None:
    url = f"http://shop.example{PRODUCTS}?per_page=5&search=a%20b"
    assert fake.handler(signed("GET", url, algorithm=algorithm)).status_code == 200


def test_oauth1_parameters_may_travel_in_the_query_string(fake: WooCommerceFake) -> None:
    assert (
        fake.handler(signed("GET", f"http://s.example{PRODUCTS}", in_query=True)).status_code == 200
    )


def test_oauth1_over_plain_permalinks_signs_the_rest_route() -> None:
    fake = WooCommerceFake([ApiKey(KEY, SECRET)], pretty_permalinks=False)
    url = "http://s.example/?rest_route=%2Fwc%2Fv3%2Fproducts&page=1"
    assert fake.handler(signed("GET", url)).status_code == 200
    assert fake.handler(signed("GET", f"http://s.example{PRODUCTS}", nonce="n2")).status_code == 404


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        ({"secret": "cs_wrong"}, "Invalid signature - provided signature does not match."),
        ({"key": "ck_unknown"}, "Consumer key is invalid."),
        ({"algorithm": "PLAINTEXT"}, "Invalid signature - signature method is invalid."),
        # Offsets, turned into timestamps when the test runs (not when it is collected).
        ({"timestamp": -16 * 60}, "Invalid timestamp."),
        ({"timestamp": +16 * 60}, "Invalid timestamp."),
    ],
)
def test_bad_oauth1_requests_are_refused(
    fake: WooCommerceFake, mutate: dict[str, Any], message: str
) -> None:
    if "timestamp" in mutate:
        mutate = {"timestamp": int(time.time()) + mutate["timestamp"]}
    response = fake.handler(signed("GET", f"http://shop.example{PRODUCTS}", **mutate))
    assert response.status_code == 401
    assert _code(response) == "woocommerce_rest_authentication_error"
    assert response.json()["message"] == message


def test_a_request_changed_after_signing_is_refused(fake: WooCommerceFake) -> None:
    request = signed("GET", f"http://shop.example{PRODUCTS}?per_page=5")
    tampered = httpx.Request(
        "GET", f"http://shop.example{PRODUCTS}?per_page=50", headers=request.headers
    )
    response = fake.handler(tampered)
    assert response.json()["message"] == "Invalid signature - provided signature does not match."
    other_method = httpx.Request(
        "DELETE", f"http://shop.example{PRODUCTS}?per_page=5", headers=request.headers
    )
    assert fake.handler(other_method).status_code == 401


def test_a_timestamp_inside_the_window_is_accepted(fake: WooCommerceFake) -> None:
    request = signed("GET", f"http://s.example{PRODUCTS}", timestamp=int(time.time()) - 14 * 60)
    assert fake.handler(request).status_code == 200


def test_a_replayed_nonce_is_refused(fake: WooCommerceFake) -> None:
    request = signed("GET", f"http://shop.example{PRODUCTS}", nonce="once")
    assert fake.handler(request).status_code == 200
    replay = fake.handler(signed("GET", f"http://shop.example{PRODUCTS}", nonce="once"))
    assert replay.status_code == 401
    assert replay.json()["message"] == "Invalid nonce - nonce has already been used."


def test_a_missing_oauth_parameter_is_named(fake: WooCommerceFake) -> None:
    response = fake.handler(signed("GET", f"http://s.example{PRODUCTS}", drop="oauth_nonce"))
    assert response.status_code == 401
    assert _code(response) == "woocommerce_rest_authentication_missing_parameter"
    assert "oauth_nonce" in response.json()["message"]


# -- key permissions and capabilities ------------------------------------------------------


def test_a_read_only_key_cannot_write(fake: WooCommerceFake) -> None:
    response = fake.handler(
        basic("POST", f"https://s.example{PRODUCTS}", RO_KEY, RO_SECRET, json={"name": "x"})
    )
    assert (response.status_code, _code(response)) == (401, "woocommerce_rest_authentication_error")
    assert response.json()["message"] == "The API key provided does not have write permissions."
    assert fake.handler(basic("GET", f"https://s.example{PRODUCTS}", RO_KEY, RO_SECRET)).is_success


def test_a_write_only_key_cannot_read(fake: WooCommerceFake) -> None:
    response = fake.handler(basic("GET", f"https://s.example{PRODUCTS}", WO_KEY, WO_SECRET))
    assert response.json()["message"] == "The API key provided does not have read permissions."


def test_a_key_of_a_user_without_the_capability_is_forbidden(fake: WooCommerceFake) -> None:
    request = basic("GET", f"https://s.example{PRODUCTS}", CUSTOMER_KEY, CUSTOMER_SECRET)
    response = fake.handler(request)
    assert (response.status_code, _code(response)) == (403, "woocommerce_rest_cannot_view")


# -- products ----------------------------------------------------------------------------------


def _call(fake: WooCommerceFake, method: str, path: str, body: Any = None) -> httpx.Response:
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    return fake.handler(basic(method, f"https://s.example{path}", **kwargs))


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("status=sold", "status"),
        ("orderby=price", "orderby"),
    ],
)
def test_invalid_list_arguments_are_rest_invalid_param(
    fake: WooCommerceFake, query: str, param: str
) -> None:
    response = _call(fake, "GET", f"{PRODUCTS}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rest_invalid_param"
    assert param in body["data"]["params"]


@pytest.mark.parametrize(
    ("field", "value", "detail"),
    [
        ("regular_price", 9.99, "rest_invalid_type"),
        ("status", "sold", "rest_not_in_enum"),
        ("type", "bundle", "rest_not_in_enum"),
        ("manage_stock", "maybe", "rest_invalid_type"),
        ("stock_quantity", "many", "rest_invalid_type"),
        ("categories", [7], "rest_invalid_type"),
    ],
)
def test_invalid_product_fields_are_refused(
    fake: WooCommerceFake, field: str, value: Any, detail: str
) -> None:
    response = _call(fake, "POST", PRODUCTS, {"name": "Mug", field: value})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rest_invalid_param"
    assert body["data"]["details"][field]["code"] == detail
    assert fake.catalogue.products == {}


def test_invalid_json_is_refused(fake: WooCommerceFake) -> None:
    request = httpx.Request(
        "POST",
        f"https://s.example{PRODUCTS}",
        content=b"{nope",
        headers={**basic("GET", "https://s.example/").headers, "Content-Type": "application/json"},
    )
    response = fake.handler(request)
    assert (response.status_code, _code(response)) == (400, "rest_invalid_json")


def test_create_read_update_and_the_product_shape(fake: WooCommerceFake) -> None:
    created = _call(
        fake,
        "POST",
        PRODUCTS,
        {
            "name": "Blue Mug",
            "regular_price": "12.00",
            "sku": "MUG-B",
            "manage_stock": True,
            "stock_quantity": 3,
            "categories": [{"id": 15}],
        },
    )
    assert created.status_code == 201
    product = created.json()
    assert created.headers["Location"].endswith(f"/wc/v3/products/{product['id']}")
    assert (product["slug"], product["type"], product["status"]) == (
        "blue-mug",
        "simple",
        "publish",
    )
    assert (product["regular_price"], product["price"], product["stock_quantity"]) == (
        "12.00",
        "12.00",
        3,
    )
    assert product["categories"][0]["slug"] == "uncategorized"
    updated = _call(fake, "PUT", f"{PRODUCTS}/{product['id']}", {"sale_price": "9.00"})
    assert (updated.json()["price"], updated.json()["on_sale"]) == ("9.00", True)
    assert _call(fake, "GET", f"{PRODUCTS}/{product['id']}").json()["sku"] == "MUG-B"


def test_duplicates_and_unknown_ids(fake: WooCommerceFake) -> None:
    _call(fake, "POST", PRODUCTS, {"name": "A", "sku": "S1"})
    assert _code(_call(fake, "POST", PRODUCTS, {"name": "B", "sku": "S1"})) == "product_invalid_sku"
    assert (
        _code(_call(fake, "POST", PRODUCTS, {"id": 5, "name": "C"}))
        == "woocommerce_rest_product_exists"
    )
    missing = _call(fake, "GET", f"{PRODUCTS}/999")
    assert (missing.status_code, _code(missing)) == (404, "woocommerce_rest_product_invalid_id")
    assert _call(fake, "PUT", f"{PRODUCTS}/999", {"name": "x"}).status_code == 400
    assert _call(fake, "DELETE", f"{PRODUCTS}/999").status_code == 404
    assert _code(_call(fake, "GET", f"{PRODUCTS}/abc")) == "rest_no_route"
    assert _code(_call(fake, "PATCH", PRODUCTS, {"name": "x"})) == "rest_no_route"


def test_delete_trashes_unless_forced(fake: WooCommerceFake) -> None:
    product_id = _call(fake, "POST", PRODUCTS, {"name": "Cup"}).json()["id"]
    trashed = _call(fake, "DELETE", f"{PRODUCTS}/{product_id}")
    assert (trashed.status_code, trashed.json()["status"]) == (200, "trash")
    again = _call(fake, "DELETE", f"{PRODUCTS}/{product_id}")
    assert (again.status_code, _code(again)) == (410, "woocommerce_rest_already_trashed")
    assert _call(fake, "DELETE", f"{PRODUCTS}/{product_id}?force=maybe").status_code == 400
    assert _call(fake, "DELETE", f"{PRODUCTS}/{product_id}?force=true").status_code == 200
    assert product_id not in fake.catalogue.products


def test_without_trash_a_delete_needs_force() -> None:
    fake = WooCommerceFake([ApiKey(KEY, SECRET)], trash_enabled=False)
    product_id = _call(fake, "POST", PRODUCTS, {"name": "Cup"}).json()["id"]
    response = _call(fake, "DELETE", f"{PRODUCTS}/{product_id}")
    assert (response.status_code, _code(response)) == (501, "woocommerce_rest_trash_not_supported")
    assert product_id in fake.catalogue.products


def test_lists_are_paginated_with_total_headers(fake: WooCommerceFake) -> None:
    for n in range(25):
        fake.catalogue.create({"name": f"P{n}"})
    page = _call(fake, "GET", f"{PRODUCTS}?per_page=10&page=3&orderby=id&order=asc")
    assert [p["name"] for p in page.json()] == [f"P{n}" for n in range(20, 25)]
    assert (page.headers["X-WP-Total"], page.headers["X-WP-TotalPages"]) == ("25", "3")
    assert _call(fake, "GET", f"{PRODUCTS}?per_page=10&page=4").json() == []


def test_without_pretty_permalinks_wp_json_is_an_html_page(fake: WooCommerceFake) -> None:
    plain = WooCommerceFake([ApiKey(KEY, SECRET)], pretty_permalinks=False)
    response = plain.handler(basic("GET", f"https://s.example{PRODUCTS}"))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_the_index_advertises_application_passwords_over_https_only(fake: WooCommerceFake) -> None:
    secure = fake.handler(httpx.Request("GET", "https://s.example/wp-json/?_fields=authentication"))
    assert set(secure.json()) == {"authentication"}
    assert "application-passwords" in secure.json()["authentication"]
    plain = fake.handler(httpx.Request("GET", "http://s.example/?rest_route=/"))
    assert plain.json()["authentication"] == []
    assert "wc/v3" in plain.json()["namespaces"]


@pytest.mark.anyio
async def test_the_fake_also_runs_as_an_asgi_app(fake: WooCommerceFake) -> None:
    transport = httpx.ASGITransport(app=fake.asgi)
    async with httpx.AsyncClient(transport=transport, base_url="https://s.example") as client:
        token = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
        response = await client.post(
            "/wp-json/wc/v3/products",
            json={"name": "Via ASGI"},
            headers={"Authorization": f"Basic {token}"},
        )
    assert response.status_code == 201
    assert json.loads(response.content)["name"] == "Via ASGI"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
