"""Upstream failures become SiteErrors with the right kind, the status and WordPress code, and
at most a short tag-stripped snippet of an HTML page — never the page, never a trace."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from application.sites import SiteError, SiteErrorKind, SiteRequest

from .conftest import (
    Responder,
    ScriptedSite,
    gateway_for,
    html_response,
    json_response,
    site,
    wp_error,
)

pytestmark = pytest.mark.anyio

_GET = SiteRequest("GET", "/wp/v2/posts/42")

_FATAL_PAGE = (
    "<!DOCTYPE html><html><head><title>WordPress &rsaquo; Error</title>"
    "<style>body{background:#f1f1f1}</style><script>var secret = 1;</script></head><body>"
    "<p>There has been a <strong>critical error</strong> on this website.</p>"
    "<p>PHP Fatal error: Uncaught Error: Call to undefined function wc_x() in "
    "/var/www/html/wp-content/plugins/x/x.php:12\nStack trace:\n#0 /var/www/html/wp-settings.php"
    "(428): include_once()\n#1 {main}</p>" + "<p>padding</p>" * 2000 + "</body></html>"
)


async def _error_for(responder: Responder, request: SiteRequest = _GET) -> SiteError:
    scripted = ScriptedSite()
    scripted.routes[(request.method, request.route)] = responder
    gateway = gateway_for(scripted)
    try:
        with pytest.raises(SiteError) as caught:
            await gateway.call(site(), request)
    finally:
        await gateway.aclose()
    return caught.value


async def test_an_html_error_page_becomes_a_short_snippet_without_trace_or_markup() -> None:
    error = await _error_for(lambda r: html_response(500, _FATAL_PAGE))
    assert error.kind is SiteErrorKind.UPSTREAM
    assert error.status == 500
    assert "critical error" in error.message
    assert "Stack trace" not in error.message
    assert "#0" not in error.message
    assert "<" not in error.message
    assert "var secret" not in error.message
    assert "padding" not in error.message
    assert len(error.message) < 320


async def test_a_missing_post_is_not_found_with_its_code() -> None:
    error = await _error_for(lambda r: wp_error(404, "rest_post_invalid_id", "Invalid post ID."))
    assert error.kind is SiteErrorKind.NOT_FOUND
    assert (error.status, error.code) == (404, "rest_post_invalid_id")
    assert "Invalid post ID." in error.message


async def test_an_unknown_route_names_the_missing_namespace() -> None:
    request = SiteRequest("GET", "/wc/v3/products", api="wc")
    scripted = ScriptedSite()  # its index lists only wp/v2
    gateway = gateway_for(scripted)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(wc_key="ck_x1234", wc_secret="cs_y1234"), request)
    assert caught.value.kind is SiteErrorKind.NOT_FOUND
    assert caught.value.code == "rest_no_route"
    assert "wc/v3" in caught.value.message
    assert "WooCommerce active" in caught.value.message
    await gateway.aclose()


async def test_invalid_parameters_are_listed_with_their_reasons() -> None:
    error = await _error_for(
        lambda r: wp_error(
            400,
            "rest_invalid_param",
            "Invalid parameter(s): per_page",
            params={"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"},
        )
    )
    assert error.kind is SiteErrorKind.BAD_REQUEST
    assert "per_page: per_page must be between 1 (inclusive) and 100 (inclusive)" in error.message


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (409, SiteErrorKind.CONFLICT),
        (410, SiteErrorKind.CONFLICT),
        (429, SiteErrorKind.RATE_LIMITED),
        (500, SiteErrorKind.UPSTREAM),
        (405, SiteErrorKind.BAD_REQUEST),
    ],
)
async def test_statuses_map_to_kinds(status: int, kind: SiteErrorKind) -> None:
    error = await _error_for(
        lambda r: wp_error(status, "some_code", "Something."), SiteRequest("POST", "/x/v1/y")
    )
    assert error.kind is kind
    assert error.status == status


async def test_rate_limiting_says_when_to_come_back() -> None:
    error = await _error_for(
        lambda r: json_response(
            429, {"code": "too_many", "message": "Slow down"}, {"Retry-After": "30"}
        ),
        SiteRequest("POST", "/x/v1/y"),
    )
    assert "retry after 30 s" in error.message


async def test_html_instead_of_json_on_success_is_an_invalid_response() -> None:
    error = await _error_for(lambda r: html_response(200, "<html><body>Cached page</body></html>"))
    assert error.kind is SiteErrorKind.INVALID_RESPONSE
    assert "Cached page" in error.message


async def test_an_answer_larger_than_the_cap_is_refused() -> None:
    scripted = ScriptedSite()
    scripted.routes[("GET", "/wp/v2/posts/42")] = lambda r: httpx.Response(
        200, content=b"[" + b"1," * 5000 + b"1]"
    )
    gateway = gateway_for(scripted, max_response_bytes=4096)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), _GET)
    assert caught.value.kind is SiteErrorKind.INVALID_RESPONSE
    assert "larger than 4096 bytes" in caught.value.message
    await gateway.aclose()


async def test_timeouts_and_connection_failures_have_their_own_kinds() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    error = await _error_for(timeout)
    assert error.kind is SiteErrorKind.TIMEOUT
    error = await _error_for(refused)
    assert error.kind is SiteErrorKind.UNREACHABLE
    assert "Connection refused" in error.message


async def test_a_total_deadline_bounds_a_slow_site() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    gateway = gateway_for(slow, total_timeout=0.05)  # type: ignore[arg-type]  # async handler
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), _GET)
    assert caught.value.kind is SiteErrorKind.TIMEOUT
    await gateway.aclose()


async def test_a_route_that_tries_to_leave_the_api_is_refused_before_sending() -> None:
    scripted = ScriptedSite()
    gateway = gateway_for(scripted)
    for route in ("wp/v2/posts", "//evil.example/x", "/wp/v2/../../wp-admin", "/a b"):
        with pytest.raises(SiteError) as caught:
            await gateway.call(site(), SiteRequest("GET", route))
        assert caught.value.kind is SiteErrorKind.BAD_REQUEST
    assert scripted.requests == []
    await gateway.aclose()
