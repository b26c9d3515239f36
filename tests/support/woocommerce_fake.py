"""A contract fake of WooCommerce's REST API, ``wc/v3`` products.

Written from the published reference — WooCommerce REST API v3 documentation
(woocommerce.github.io/woocommerce-rest-api-docs, "Authentication", "Pagination", "Products"; docs
as of WooCommerce 9.x) — and, where the docs are silent, from the plugin's sources of that
generation (``WC_REST_Authentication``, ``WC_REST_CRUD_Controller``,
``WC_REST_Products_V2_Controller``) and WordPress's REST server.

Served routes, each both at ``/wp-json/wc/v3/...`` (pretty permalinks; switch them off and that
path is an HTML 404 page like any unknown URL) and at ``/?rest_route=/wc/v3/...``:

- ``GET /`` — the REST index (``name``, ``namespaces``, ``authentication``; honours ``_fields``);
  ``application-passwords`` is advertised only over https, as WordPress does;
- ``GET|POST /wc/v3/products`` — list (``page``, ``per_page`` 1..100, ``search``, ``status``,
  ``sku``, ``type``, ``orderby``, ``order``; ``X-WP-Total``/``X-WP-TotalPages``) and create (201);
- ``GET|PUT|PATCH|POST|DELETE /wc/v3/products/{id}`` — read, update, trash / ``force=true`` delete.

The order of checks is WordPress's: authentication (:mod:`tests.support.woocommerce_fake_auth`),
the key's own read/write permission, route matching (404 ``rest_no_route``), argument validation
(400 ``rest_invalid_param``, 400 ``rest_invalid_json``), the route's permission callback (401
``woocommerce_rest_cannot_view|create|edit|delete`` when anonymous, 403 when the key's user lacks
the capability; item routes check only existing items), then the handler
(:mod:`tests.support.woocommerce_fake_products`).

Use it with ``httpx.MockTransport(fake.handler)``, or serve ``fake.asgi`` over real HTTP. Every
request is kept in ``fake.requests`` for assertions.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl

import httpx

from tests.support.woocommerce_fake_auth import (
    ApiKey,
    Identity,
    WcError,
    WooCommerceAuthenticator,
    key_permission_error,
)
from tests.support.woocommerce_fake_products import (
    COLLECTION_SCHEMA,
    ITEM_SCHEMA,
    Catalogue,
    JsonObject,
    RestError,
    to_bool,
    validate,
)

__all__ = ["ApiKey", "WooCommerceFake"]

_ITEM_ROUTE = re.compile(r"/wc/v3/products/(?P<id>\d+)/?")
_LIST_ROUTE = re.compile(r"/wc/v3/products/?")
_EDITABLE = ("POST", "PUT", "PATCH")
_DENIED = {
    "list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "create": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "read": ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
    "edit": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "delete": (
        "woocommerce_rest_cannot_delete",
        "Sorry, you are not allowed to delete this resource.",
    ),
}


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def _error(error: RestError | WcError) -> httpx.Response:
    if isinstance(error, WcError):
        headers = {}
        if error.basic_challenge:
            headers["WWW-Authenticate"] = (
                'Basic realm="WooCommerce API. Use a consumer key in '
                'the username field and a consumer secret in the password field."'
            )
        body = {"code": error.code, "message": error.message, "data": {"status": error.status}}
        return _json(error.status, body, headers)
    return _json(error.status, error.body())


class WooCommerceFake:
    def __init__(
        self,
        keys: Sequence[ApiKey] = (),
        *,
        pretty_permalinks: bool = True,
        trash_enabled: bool = True,
        application_passwords_in_use: bool = False,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.pretty_permalinks = pretty_permalinks
        self.auth = WooCommerceAuthenticator(
            {k.consumer_key: k for k in keys},
            now=now,
            application_passwords_in_use=application_passwords_in_use,
        )
        self.catalogue = Catalogue(trash_enabled=trash_enabled)
        self.requests: list[httpx.Request] = []

    # -- entry points --------------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        """For ``httpx.MockTransport``."""
        request.read()
        self.requests.append(request)
        query = parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)
        route = self._route(request, query)
        if route is None:
            return httpx.Response(
                404,
                text="<html><body><h1>Page not found</h1></body></html>",
                headers={"Content-Type": "text/html; charset=UTF-8"},
            )
        home = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc.decode())}"
        return self._serve(request, route, query, home)

    async def asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The same app as ASGI (serve with uvicorn for tests over real HTTP)."""
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        host = {k.lower(): v for k, v in headers}.get("host", "localhost")
        raw_path = scope.get("raw_path") or scope["path"].encode()
        url = f"{scope['scheme']}://{host}{raw_path.decode('latin-1')}"
        if scope.get("query_string"):
            url += "?" + scope["query_string"].decode("latin-1")
        request = httpx.Request(scope["method"], url, headers=headers, content=body)
        response = self.handler(request)
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": [(k.lower(), v) for k, v in response.headers.raw],
            }
        )
        await send({"type": "http.response.body", "body": response.content})

    # -- WordPress's REST server ---------------------------------------------------------------

    def _route(self, request: httpx.Request, query: list[tuple[str, str]]) -> str | None:
        rest_route = dict(query).get("rest_route")
        path = request.url.path
        if rest_route is not None and path in ("/", "/index.php"):
            return rest_route or "/"
        if self.pretty_permalinks and (path == "/wp-json" or path.startswith("/wp-json/")):
            return path.removeprefix("/wp-json") or "/"
        return None

    def _serve(
        self, request: httpx.Request, route: str, query: list[tuple[str, str]], home: str
    ) -> httpx.Response:
        params: JsonObject = {k: v for k, v in query if k != "rest_route"}
        if route in ("/", ""):
            return self._index(request, params, home)
        if not route.startswith("/wc/"):
            return _json(
                404,
                {
                    "code": "rest_no_route",
                    "message": "No route was found matching the URL and request method.",
                    "data": {"status": 404},
                },
            )
        form = (
            parse_qsl(request.content.decode("utf-8", "replace"), keep_blank_values=True)
            if "x-www-form-urlencoded" in request.headers.get("content-type", "")
            else []
        )
        identity = self.auth.authenticate(request, home_url=home, query=query, form=form)
        if identity.error is not None:
            return _error(identity.error)
        method = request.method.upper()
        if identity.key is not None:
            denied = key_permission_error(identity.key, method)
            if denied is not None:
                return _error(denied)
        try:
            return self._dispatch(request, route, method, params, form, identity, home)
        except RestError as error:
            return _error(error)

    def _index(self, request: httpx.Request, params: JsonObject, home: str) -> httpx.Response:
        auth: Any = []
        if request.url.scheme == "https":
            auth = {
                "application-passwords": {
                    "endpoints": {"authorization": f"{home}/wp-admin/authorize-application.php"}
                }
            }
        index = {
            "name": "Fake Shop",
            "description": "",
            "url": home,
            "home": home,
            "namespaces": ["wp/v2", "wc/v3"],
            "authentication": auth,
            "routes": {},
        }
        fields = [f for f in str(params.get("_fields", "")).split(",") if f]
        if fields:
            index = {k: v for k, v in index.items() if k in fields}
        return _json(200, index, {"Link": f'<{home}/wp-json/>; rel="https://api.w.org/"'})

    def _body(self, request: httpx.Request, form: list[tuple[str, str]]) -> JsonObject:
        if "json" not in request.headers.get("content-type", ""):
            return dict(form)
        if not request.content.strip():
            return {}
        try:
            body = json.loads(request.content)
        except ValueError:
            raise RestError(400, "rest_invalid_json", "Invalid JSON body passed.") from None
        return body if isinstance(body, dict) else {}

    def _permit(self, identity: Identity, action: str) -> None:
        if identity.key is not None and identity.key.user_can_manage:
            return
        code, message = _DENIED[action]
        raise RestError(401 if identity.key is None else 403, code, message)

    def _dispatch(
        self,
        request: httpx.Request,
        route: str,
        method: str,
        params: JsonObject,
        form: list[tuple[str, str]],
        identity: Identity,
        home: str,
    ) -> httpx.Response:
        catalogue = self.catalogue
        item = _ITEM_ROUTE.fullmatch(route)
        if _LIST_ROUTE.fullmatch(route) and method in ("GET", "HEAD"):
            validate(params, COLLECTION_SCHEMA)
            self._permit(identity, "list")
            page, total, pages = catalogue.listing(params)
            headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
            return _json(200, [catalogue.view(p, home) for p in page], headers)
        if _LIST_ROUTE.fullmatch(route) and method == "POST":
            values = {**params, **self._body(request, form)}
            validate(values, ITEM_SCHEMA)
            self._permit(identity, "create")
            product = catalogue.create(values)
            location = f"{home}/wp-json/wc/v3/products/{product['id']}"
            return _json(201, catalogue.view(product, home), {"Location": location})
        if item is None:
            return _json(
                404,
                {
                    "code": "rest_no_route",
                    "message": "No route was found matching the URL and request method.",
                    "data": {"status": 404},
                },
            )
        product_id = int(item["id"])
        exists = product_id in catalogue.products
        if method in ("GET", "HEAD"):
            if exists:
                self._permit(identity, "read")
            return _json(200, catalogue.view(catalogue.get(product_id), home))
        if method in _EDITABLE:
            values = {**params, **self._body(request, form)}
            validate(values, ITEM_SCHEMA)
            if exists:
                self._permit(identity, "edit")
            return _json(200, catalogue.view(catalogue.update(product_id, values), home))
        if method == "DELETE":
            validate(params, {"force": ("boolean", None)})
            if exists:
                self._permit(identity, "delete")
            force = to_bool(params.get("force", False))
            return _json(200, catalogue.view(catalogue.delete(product_id, force), home))
        return _json(
            404,
            {
                "code": "rest_no_route",
                "message": "No route was found matching the URL and request method.",
                "data": {"status": 404},
            },
        )
