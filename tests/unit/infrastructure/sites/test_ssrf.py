"""SSRF guard: private, loopback, link-local, CGNAT, metadata and friends are refused unless
allow-listed; connections are pinned to the address that was checked (DNS rebinding)."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from application.sites import SiteError, SiteErrorKind, SiteRequest
from infrastructure.sites import AddressPolicy, BlockedAddressError, PinnedTransport
from infrastructure.sites.ssrf import classify, resolve_checked

from .conftest import PUBLIC_IP, FakeResolver, ScriptedSite, gateway_for, json_response, site

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.5",
        "172.16.4.4",
        "192.168.1.1",
        "169.254.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        "2002:a00:1::1",
        "168.63.129.16",
    ],
)
def test_non_public_addresses_are_classified_as_refusable(address: str) -> None:
    assert classify(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert classify(ipaddress.ip_address(address)) is None


def test_allow_list_accepts_addresses_networks_and_hostnames() -> None:
    policy = AddressPolicy(["127.0.0.1", "10.20.0.0/16", "wp.intranet.example"])
    policy.check("127.0.0.1", [ipaddress.ip_address("127.0.0.1")])
    policy.check("x", [ipaddress.ip_address("10.20.3.4")])
    policy.check("WP.Intranet.Example.", [ipaddress.ip_address("192.168.9.9")])
    with pytest.raises(BlockedAddressError):
        policy.check("x", [ipaddress.ip_address("10.21.0.1")])
    with pytest.raises(BlockedAddressError):
        policy.check("127.0.0.2", [ipaddress.ip_address("127.0.0.2")])


def test_metadata_addresses_and_names_stay_refused_even_when_allow_listed() -> None:
    policy = AddressPolicy(["169.254.0.0/16", "fd00::/8", "metadata.google.internal"])
    with pytest.raises(BlockedAddressError, match="metadata"):
        policy.check("x", [ipaddress.ip_address("169.254.169.254")])
    with pytest.raises(BlockedAddressError, match="metadata"):
        policy.check("x", [ipaddress.ip_address("fd00:ec2::254")])
    with pytest.raises(BlockedAddressError, match="metadata"):
        policy.check("metadata.google.internal", [ipaddress.ip_address("8.8.8.8")])
    policy.check("x", [ipaddress.ip_address("169.254.10.10")])  # the rest of the network is fine


def test_an_allow_list_entry_that_is_a_url_is_rejected() -> None:
    with pytest.raises(ValueError, match="allow-list"):
        AddressPolicy(["http://10.0.0.1/"])


async def test_one_private_answer_among_public_ones_refuses_the_host() -> None:
    resolver = FakeResolver({"mixed.example": [PUBLIC_IP, "10.1.1.1"]})
    with pytest.raises(BlockedAddressError, match="private"):
        await resolve_checked("mixed.example", 443, AddressPolicy(), resolver)


async def test_the_gateway_refuses_loopback_without_an_allow_list_and_sends_nothing() -> None:
    scripted = ScriptedSite()
    gateway = gateway_for(scripted)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site("http://127.0.0.1:8080"), SiteRequest("GET", "/wp/v2/posts"))
    assert caught.value.kind is SiteErrorKind.BLOCKED
    assert "allow-list" in caught.value.message
    assert scripted.requests == []
    await gateway.aclose()


async def test_the_gateway_reaches_loopback_when_it_is_allow_listed() -> None:
    scripted = ScriptedSite()
    scripted.routes[("GET", "/wp/v2/posts")] = lambda r: json_response(200, [])
    gateway = gateway_for(scripted, allow=["127.0.0.1"])
    response = await gateway.call(site("http://127.0.0.1:8080"), SiteRequest("GET", "/wp/v2/posts"))
    assert response.data == []
    assert scripted.requests[0].url.host == "127.0.0.1"
    await gateway.aclose()


@pytest.mark.parametrize(
    ("base_url", "table"),
    [
        ("http://169.254.169.254", {}),
        ("http://[::ffff:169.254.169.254]", {}),
        ("https://internal.example", {"internal.example": ["10.9.8.7"]}),
        ("https://cgnat.example", {"cgnat.example": ["100.100.1.1"]}),
        ("https://metadata.google.internal", {"metadata.google.internal": [PUBLIC_IP]}),
    ],
)
async def test_private_and_metadata_targets_are_blocked(
    base_url: str, table: dict[str, list[str]]
) -> None:
    scripted = ScriptedSite()
    gateway = gateway_for(scripted, resolver=FakeResolver(table), allow=["127.0.0.1"])
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(base_url), SiteRequest("GET", "/wp/v2/posts"))
    assert caught.value.kind is SiteErrorKind.BLOCKED
    assert scripted.requests == []
    assert "10.9.8.7" not in caught.value.message  # internal DNS answers are not echoed
    await gateway.aclose()


async def test_a_name_that_does_not_resolve_is_unreachable_not_blocked() -> None:
    gateway = gateway_for(ScriptedSite(), resolver=FakeResolver({}))
    with pytest.raises(SiteError) as caught:
        await gateway.call(site("https://nowhere.example"), SiteRequest("GET", "/wp/v2/posts"))
    assert caught.value.kind is SiteErrorKind.UNREACHABLE
    await gateway.aclose()


async def test_connections_go_to_the_checked_address_with_the_original_host_and_sni() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    transport = PinnedTransport(
        httpx.MockTransport(handler), AddressPolicy(), FakeResolver({"blog.example": [PUBLIC_IP]})
    )
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("https://blog.example/wp-json/")
    assert seen[0].url.host == PUBLIC_IP
    assert seen[0].headers["host"] == "blog.example"
    assert seen[0].extensions["sni_hostname"] == "blog.example"


async def test_a_rebinding_second_answer_cannot_swap_in_a_private_address() -> None:
    resolver = FakeResolver()
    resolver.answer("blog.example", [PUBLIC_IP], ["10.0.0.1"])
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        return httpx.Response(200)

    transport = PinnedTransport(httpx.MockTransport(handler), AddressPolicy(), resolver, ttl=0)
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("https://blog.example/")
        with pytest.raises(BlockedAddressError):
            await client.get("https://blog.example/")
    assert seen == [PUBLIC_IP]


async def test_a_checked_answer_is_reused_within_its_ttl() -> None:
    resolver = FakeResolver()
    resolver.answer("blog.example", [PUBLIC_IP], ["10.0.0.1"])
    transport = PinnedTransport(
        httpx.MockTransport(lambda r: httpx.Response(200)), AddressPolicy(), resolver, ttl=60
    )
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("https://blog.example/")
        await client.get("https://blog.example/")
    assert resolver.lookups == ["blog.example"]
