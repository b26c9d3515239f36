"""HttpxSiteGateway against a real WordPress (tests/support/wordpress.py): plain permalinks found
through the ``?rest_route=`` fallback, the application password accepted as WordPress displays it,
F17 (a wrong password vs. a server that strips ``Authorization``) and F18 (250 posts in three
upstream calls).

Core WordPress answers a wrong application password over REST as "not logged in", like a
stripped header; the gateway tells them apart over XML-RPC, which needs PHP's XML extension
(Debian's ``php-xml``). Without it the diagnosis has to name both causes — and says so.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import AsyncIterator
from functools import cache
from typing import TYPE_CHECKING

import httpx
import pytest

from application.sites import SiteConnection, SiteError, SiteErrorKind, SiteRequest
from infrastructure.sites import HttpxSiteGateway

if TYPE_CHECKING:
    from tests.support.wordpress import WordPressSite

pytest_plugins = ("tests.support.wordpress",)
pytestmark = [pytest.mark.slow, pytest.mark.anyio]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class CountingTransport(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport(retries=0)
        self.urls: list[httpx.URL] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(request.url)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
async def transport() -> AsyncIterator[CountingTransport]:
    counting = CountingTransport()
    yield counting
    await counting.aclose()


@cache
def _xmlrpc_works() -> bool:
    php = shutil.which("php")
    if php is None:
        return False
    probe = 'echo function_exists("xml_parser_create") ? "yes" : "no";'
    result = subprocess.run([php, "-r", probe], capture_output=True, text=True, check=False)
    return result.stdout.strip() == "yes"


def _connection(site: WordPressSite, password: str | None = None) -> SiteConnection:
    return SiteConnection("wp", site.base_url, site.user, password or site.app_password)


async def test_the_gateway_finds_the_api_and_logs_in_with_the_displayed_password(
    wordpress: WordPressSite, transport: CountingTransport
) -> None:
    gateway = HttpxSiteGateway(allow=["127.0.0.1"], transport=transport)
    try:
        me = await gateway.call(_connection(wordpress), SiteRequest("GET", "/wp/v2/users/me"))
    finally:
        await gateway.aclose()
    assert me.data["id"] == wordpress.user_id
    assert transport.urls[-1].params["rest_route"] == "/wp/v2/users/me"


async def test_a_wrong_password_is_an_authentication_error(wordpress: WordPressSite) -> None:
    gateway = HttpxSiteGateway(allow=["127.0.0.1"])
    wrong = _connection(wordpress, "aaaa bbbb cccc dddd eeee ffff")
    try:
        with pytest.raises(SiteError) as caught:
            await gateway.call(wrong, SiteRequest("GET", "/wp/v2/users/me"))
    finally:
        await gateway.aclose()
    if _xmlrpc_works():
        assert caught.value.kind is SiteErrorKind.AUTHENTICATION
        assert "wrong username or application password" in caught.value.message
    else:
        assert caught.value.kind is SiteErrorKind.AUTH_HEADER_STRIPPED
        assert "unless the application password itself is wrong" in caught.value.message
    assert "aaaa bbbb" not in caught.value.describe()


async def test_a_server_that_strips_authorization_is_diagnosed() -> None:
    from tests.support.wordpress import wordpress_site

    stripping = wordpress_site(strip_authorization=True)
    gateway = HttpxSiteGateway(allow=["127.0.0.1"])
    try:
        with pytest.raises(SiteError) as caught:
            await gateway.call(_connection(stripping), SiteRequest("GET", "/wp/v2/users/me"))
    finally:
        await gateway.aclose()
        stripping.stop()
    assert caught.value.kind is SiteErrorKind.AUTH_HEADER_STRIPPED
    assert "Authorization header" in caught.value.message
    if _xmlrpc_works():
        assert "accepted it over XML-RPC" in caught.value.message
    assert stripping.app_password not in caught.value.describe()


async def test_listing_250_posts_takes_three_upstream_calls(
    wordpress: WordPressSite, transport: CountingTransport
) -> None:
    wordpress.reset_content()
    wordpress.seed_posts(250)
    gateway = HttpxSiteGateway(allow=["127.0.0.1"], transport=transport)
    try:
        listing = await gateway.call_all(
            _connection(wordpress), SiteRequest("GET", "/wp/v2/posts"), max_pages=10
        )
    finally:
        await gateway.aclose()
        wordpress.reset_content()
    assert len(listing.data) == 250
    assert (listing.total, listing.total_pages) == (250, 3)
    pages = [u for u in transport.urls if u.params.get("rest_route") == "/wp/v2/posts"]
    assert [u.params["page"] for u in pages] == ["1", "2", "3"]
