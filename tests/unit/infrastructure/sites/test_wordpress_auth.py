"""F17: application passwords are sent intact, and a stripped ``Authorization`` header is told
apart from a wrong password — without the password ever appearing in an error or a log line."""

from __future__ import annotations

import base64
import logging
import re
from xml.sax.saxutils import unescape

import httpx
import pytest

from application.sites import SiteError, SiteErrorKind, SiteRequest

from .conftest import PASSWORD, ScriptedSite, gateway_for, json_response, site, wp_error

pytestmark = pytest.mark.anyio

_ME = ("GET", "/wp/v2/users/me")


def _strict_wordpress(request: httpx.Request) -> httpx.Response:
    """Like WordPress: the right Basic credentials log in, wrong ones are refused by name, and a
    request without the header is anonymous."""
    header = request.headers.get("authorization")
    if header is None:
        return wp_error(401, "rest_not_logged_in", "You are not currently logged in.")
    user, _, password = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
    if user != "editor":
        return wp_error(401, "invalid_username", "Unknown username.")
    if password.replace(" ", "") != PASSWORD.replace(" ", ""):
        return wp_error(
            401, "incorrect_password", "The provided password is an invalid application password."
        )
    return json_response(200, {"id": 1, "slug": "editor"})


async def test_the_application_password_is_sent_exactly_as_given() -> None:
    scripted = ScriptedSite()
    scripted.routes[_ME] = _strict_wordpress
    gateway = gateway_for(scripted)
    response = await gateway.call(site(), SiteRequest(*_ME))
    assert response.data["slug"] == "editor"
    header = scripted.api_requests()[0].headers["authorization"]
    expected = base64.b64encode(f"editor:{PASSWORD}".encode()).decode()
    assert header == f"Basic {expected}"
    assert base64.b64decode(expected).decode() == "editor:abcd EFGH 1234 ijkl MNOP 5678"
    await gateway.aclose()


async def test_a_stripped_header_is_diagnosed_as_such_when_the_site_offers_app_passwords(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    scripted = ScriptedSite(application_passwords=True)

    def header_stripped(request: httpx.Request) -> httpx.Response:
        request.headers.pop("authorization", None)  # what Apache without CGIPassAuth does
        return _strict_wordpress(request)

    scripted.routes[_ME] = header_stripped
    gateway = gateway_for(scripted)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), SiteRequest(*_ME))
    error = caught.value
    assert error.kind is SiteErrorKind.AUTH_HEADER_STRIPPED
    assert "Authorization header" in error.message
    assert "CGIPassAuth" in error.message
    assert (error.status, error.code) == (401, "rest_not_logged_in")
    _assert_no_password(error, caplog)
    await gateway.aclose()


async def test_a_wrong_password_is_an_authentication_error_not_a_stripped_header(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    scripted = ScriptedSite(application_passwords=True)
    scripted.routes[_ME] = _strict_wordpress
    gateway = gateway_for(scripted)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(wp_password="wxyz WXYZ 9999 wxyz WXYZ 9999"), SiteRequest(*_ME))
    error = caught.value
    assert error.kind is SiteErrorKind.AUTHENTICATION
    assert "wrong username or application password" in error.message
    assert error.code == "incorrect_password"
    assert "wxyz" not in error.describe()
    await gateway.aclose()


async def test_anonymous_answer_without_advertised_app_passwords_is_not_called_stripping() -> None:
    scripted = ScriptedSite(application_passwords=False)
    scripted.routes[_ME] = lambda r: wp_error(401, "rest_not_logged_in", "Not logged in.")
    gateway = gateway_for(scripted)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), SiteRequest(*_ME))
    assert caught.value.kind is SiteErrorKind.AUTHENTICATION
    assert "does not offer application passwords" in caught.value.message
    await gateway.aclose()


async def test_a_logged_in_user_without_the_capability_is_forbidden() -> None:
    scripted = ScriptedSite()
    scripted.routes[("POST", "/wp/v2/posts")] = lambda r: wp_error(
        403, "rest_cannot_create", "Sorry, you are not allowed to create posts as this user."
    )
    gateway = gateway_for(scripted)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), SiteRequest("POST", "/wp/v2/posts", json={"title": "t"}))
    assert caught.value.kind is SiteErrorKind.FORBIDDEN
    assert "not allowed to create posts" in caught.value.message
    await gateway.aclose()


async def test_a_site_that_echoes_the_password_has_it_masked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    scripted = ScriptedSite()
    scripted.routes[_ME] = lambda r: wp_error(
        401, "incorrect_password", f"Password {PASSWORD} / {PASSWORD.replace(' ', '')} is wrong"
    )
    gateway = gateway_for(scripted)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), SiteRequest(*_ME))
    assert "[REDACTED]" in caught.value.message
    _assert_no_password(caught.value, caplog)
    await gateway.aclose()


def _assert_no_password(error: SiteError, caplog: pytest.LogCaptureFixture) -> None:
    token = base64.b64encode(f"editor:{PASSWORD}".encode()).decode()
    texts = [error.message, error.describe(), str(error), repr(error)]
    texts += [record.getMessage() for record in caplog.records]
    for text in texts:
        for secret in (PASSWORD, PASSWORD.replace(" ", ""), token, "abcd%20EFGH"):
            assert secret not in text


def _xmlrpc(request: httpx.Request) -> httpx.Response:
    """WordPress's XML-RPC ``wp.getUsersBlogs``: credentials in the body."""
    values = [unescape(v) for v in re.findall(r"<string>(.*?)</string>", request.content.decode())]
    if values == ["editor", PASSWORD]:
        body = "<methodResponse><params><param><value><array><data/></array></value></param>"
        return httpx.Response(200, text=body + "</params></methodResponse>")
    fault = (
        "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>403"
        "</int></value></member><member><name>faultString</name><value><string>Incorrect "
        "username or password.</string></value></member></struct></value></fault></methodResponse>"
    )
    return httpx.Response(200, text=fault, headers={"Content-Type": "text/xml"})


def _core_wordpress(*, strip: bool) -> ScriptedSite:
    """Like core WordPress: a wrong application password is answered as 'not logged in'."""
    scripted = ScriptedSite(application_passwords=True, xmlrpc=_xmlrpc)

    def me(request: httpx.Request) -> httpx.Response:
        header = request.headers.get("authorization", "") if not strip else ""
        expected = "Basic " + base64.b64encode(f"editor:{PASSWORD}".encode()).decode()
        if header == expected:
            return json_response(200, {"id": 1})
        return wp_error(401, "rest_not_logged_in", "You are not currently logged in.")

    scripted.routes[_ME] = me
    return scripted


async def test_xml_rpc_confirms_a_stripped_header_when_the_password_is_right() -> None:
    scripted = _core_wordpress(strip=True)
    gateway = gateway_for(scripted)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), SiteRequest(*_ME))
    assert caught.value.kind is SiteErrorKind.AUTH_HEADER_STRIPPED
    assert "accepted it over XML-RPC" in caught.value.message
    probe = [r for r in scripted.requests if r.url.path == "/xmlrpc.php"]
    assert len(probe) == 1
    assert "authorization" not in probe[0].headers
    await gateway.aclose()


async def test_xml_rpc_exposes_a_wrong_password_that_rest_calls_not_logged_in() -> None:
    scripted = _core_wordpress(strip=False)
    gateway = gateway_for(scripted)
    wrong = site(wp_password="zzzz <&> 1234 zzzz")
    for _ in range(2):
        with pytest.raises(SiteError) as caught:
            await gateway.call(wrong, SiteRequest(*_ME))
        assert caught.value.kind is SiteErrorKind.AUTHENTICATION
        assert "wrong username or application password" in caught.value.message
        assert "zzzz" not in caught.value.describe()
    probes = [r for r in scripted.requests if r.url.path == "/xmlrpc.php"]
    assert len(probes) == 1  # once per credential set: login limiters count failures
    assert b"zzzz &lt;&amp;&gt; 1234 zzzz" in probes[0].content
    await gateway.aclose()


async def test_without_xml_rpc_the_diagnosis_names_both_causes() -> None:
    scripted = _core_wordpress(strip=True)
    scripted.xmlrpc = None  # blocked: a 404 page
    gateway = gateway_for(scripted)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), SiteRequest(*_ME))
    assert caught.value.kind is SiteErrorKind.AUTH_HEADER_STRIPPED
    assert "unless the application password itself is wrong" in caught.value.message
    await gateway.aclose()


async def test_the_xml_rpc_check_can_be_switched_off() -> None:
    scripted = _core_wordpress(strip=False)
    gateway = gateway_for(scripted, xmlrpc_probe=False)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(wp_password="zzzz zzzz"), SiteRequest(*_ME))
    assert caught.value.kind is SiteErrorKind.AUTH_HEADER_STRIPPED
    assert not [r for r in scripted.requests if r.url.path == "/xmlrpc.php"]
    await gateway.aclose()
