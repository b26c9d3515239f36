"""WordPress REST API root discovery and route URLs (WordPress REST API Handbook, "Routes and
Endpoints" and "Discovery"; field case F18).

With pretty permalinks the API lives at ``{base}/wp-json/`` and a route is ``{root}{route}``.
Without them ``/wp-json/`` is an ordinary 404 page, and the same API answers at
``{base}/?rest_route=/``: a route then travels as the ``rest_route`` query parameter, merged with
the request's own parameters into one query string (never a second ``?``).

The index also says whether the site offers application passwords (``authentication`` →
``application-passwords``, WordPress 5.6+, only when they are available — by default over
https) and which namespaces exist (``wc/v3`` when WooCommerce is active); both feed the error
diagnosis (F17). Discovery asks for just those fields (``_fields``): an index with every route of
every plugin can weigh megabytes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import httpx

from infrastructure.sites.wire import NOT_JSON, RawResponse, parse_json

__all__ = ["ApiRoot", "Fetch", "NoApiFoundError", "discover", "index_candidates"]

Fetch = Callable[[httpx.URL], Awaitable[RawResponse]]
_INDEX_FIELDS = "name,namespaces,authentication"


@dataclass(frozen=True, slots=True)
class ApiRoot:
    url: str
    """``https://site/wp-json`` (pretty) or ``https://site/`` (``?rest_route=``)."""
    pretty: bool
    application_passwords: bool | None = None
    """Whether the index advertises application passwords; ``None`` when unknown."""
    namespaces: frozenset[str] | None = None

    def url_for(self, route: str, params: Sequence[tuple[str, str]] = ()) -> httpx.URL:
        path, _, query = route.partition("?")
        pairs = [*parse_qsl(query, keep_blank_values=True), *params]
        if self.pretty:
            return httpx.URL(self.url + path).copy_with(params=pairs or None)
        return httpx.URL(self.url).copy_with(params=[("rest_route", path), *pairs])


class NoApiFoundError(Exception):
    """Neither candidate answered like a WordPress REST index."""

    def __init__(self, tried: Sequence[RawResponse]) -> None:
        super().__init__("no WordPress REST API found")
        self.tried = tuple(tried)


def index_candidates(base_url: str) -> tuple[httpx.URL, httpx.URL]:
    base = base_url.rstrip("/")
    fields = [("_fields", _INDEX_FIELDS)]
    pretty = httpx.URL(f"{base}/wp-json/").copy_with(params=fields)
    plain = httpx.URL(f"{base}/").copy_with(params=[("rest_route", "/"), *fields])
    return pretty, plain


def _index_facts(data: Any) -> tuple[bool | None, frozenset[str] | None]:
    if not isinstance(data, dict) or not ({"name", "namespaces", "authentication"} & set(data)):
        return None, None
    auth = data.get("authentication")
    advertised = isinstance(auth, dict) and "application-passwords" in auth
    raw_namespaces = data.get("namespaces")
    namespaces = (
        frozenset(str(n) for n in raw_namespaces) if isinstance(raw_namespaces, list) else None
    )
    return advertised, namespaces


def _answer(raw: RawResponse, pretty: bool) -> ApiRoot | None:
    """The root if ``raw`` came from a REST index, else ``None``."""
    data = parse_json(raw)
    if data is NOT_JSON or not isinstance(data, dict):
        return None
    final = raw.url.copy_with(query=None, fragment=None)
    root = str(final).rstrip("/") if pretty else str(final)
    if raw.status == 200:
        advertised, namespaces = _index_facts(data)
        return ApiRoot(root, pretty, advertised, namespaces)
    if raw.status in (401, 403) and isinstance(data.get("code"), str):
        # The API is here but closed to anonymous callers (a hardening plugin).
        return ApiRoot(root, pretty)
    return None


async def discover(base_url: str, fetch: Fetch) -> ApiRoot:
    """Try ``/wp-json/``, then ``?rest_route=/``. Transport failures propagate from ``fetch``;
    :class:`NoApiFoundError` carries both answers so the caller can explain them."""
    pretty_url, plain_url = index_candidates(base_url)
    first = await fetch(pretty_url)
    root = _answer(first, pretty=True)
    if root is not None:
        return root
    second = await fetch(plain_url)
    root = _answer(second, pretty=False)
    if root is not None:
        return root
    raise NoApiFoundError([first, second])
