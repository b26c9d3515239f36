"""The gateway over real sockets (no MockTransport): the WooCommerce contract fake served by
uvicorn on 127.0.0.1, reached by a host name that the fake resolver points at the loopback
address — so the pinned connection, the preserved ``Host`` header (which the OAuth signature
covers, port included), TLS verification of the original name over a connection to the pinned
address, and the allow-list all run through httpx's real transport."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from application.sites import SiteError, SiteErrorKind, SiteRequest
from infrastructure.sites import HttpxSiteGateway
from tests.support.woocommerce_fake import ApiKey, WooCommerceFake

from .conftest import WC_KEY, WC_SECRET, FakeResolver, site

pytestmark = pytest.mark.anyio


def _certificate(directory: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for ``name`` (its own trust anchor in the tests)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / f"{name}.crt", directory / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@asynccontextmanager
async def _serve(fake: WooCommerceFake, **tls: Any) -> AsyncIterator[int]:
    config = uvicorn.Config(
        fake.asgi,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        ws="none",
        interface="asgi3",
        proxy_headers=False,
        **tls,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def served() -> AsyncIterator[tuple[WooCommerceFake, int]]:
    fake = WooCommerceFake([ApiKey(WC_KEY, WC_SECRET)])
    async with _serve(fake) as port:
        yield fake, port


async def test_oauth_over_real_http_to_an_allow_listed_loopback_site(
    served: tuple[WooCommerceFake, int],
) -> None:
    fake, port = served
    gateway = HttpxSiteGateway(
        allow=["127.0.0.1"], resolver=FakeResolver({"shop.test": ["127.0.0.1"]})
    )
    shop = site(f"http://shop.test:{port}", wc_key=WC_KEY, wc_secret=WC_SECRET)
    try:
        created = await gateway.call(
            shop, SiteRequest("POST", "/wc/v3/products", api="wc", json={"name": "Real"})
        )
        listed = await gateway.call(shop, SiteRequest("GET", "/wc/v3/products", api="wc"))
    finally:
        await gateway.aclose()
    assert created.status == 201
    assert [p["name"] for p in listed.data] == ["Real"]
    hosts = {r.headers["host"] for r in fake.requests}
    assert hosts == {f"shop.test:{port}"}
    assert all(
        r.headers["authorization"].startswith("OAuth ")
        for r in fake.requests
        if "/wc/v3/" in str(r.url)
    )


async def test_the_same_loopback_site_is_refused_without_the_allow_list(
    served: tuple[WooCommerceFake, int],
) -> None:
    fake, port = served
    gateway = HttpxSiteGateway(resolver=FakeResolver({"shop.test": ["127.0.0.1"]}))
    shop = site(f"http://shop.test:{port}", wc_key=WC_KEY, wc_secret=WC_SECRET)
    with pytest.raises(SiteError) as caught:
        await gateway.call(shop, SiteRequest("GET", "/wc/v3/products", api="wc"))
    await gateway.aclose()
    assert caught.value.kind is SiteErrorKind.BLOCKED
    assert fake.requests == []


@pytest.mark.parametrize(("certified", "works"), [("shop.test", True), ("other.test", False)])
async def test_https_to_a_pinned_address_still_verifies_the_site_s_name(
    tmp_path: Path, certified: str, works: bool
) -> None:
    cert_file, key_file = _certificate(tmp_path, certified)
    trust = ssl.create_default_context(cafile=str(cert_file))
    fake = WooCommerceFake([ApiKey(WC_KEY, WC_SECRET)])
    async with _serve(fake, ssl_certfile=str(cert_file), ssl_keyfile=str(key_file)) as port:
        gateway = HttpxSiteGateway(
            allow=["127.0.0.1"],
            resolver=FakeResolver({"shop.test": ["127.0.0.1"]}),
            verify=trust,
        )
        shop = site(f"https://shop.test:{port}", wc_key=WC_KEY, wc_secret=WC_SECRET)
        try:
            if works:
                response = await gateway.call(shop, SiteRequest("GET", "/wc/v3/products", api="wc"))
                assert response.data == []
            else:
                with pytest.raises(SiteError) as caught:
                    await gateway.call(shop, SiteRequest("GET", "/wc/v3/products", api="wc"))
                assert caught.value.kind is SiteErrorKind.UNREACHABLE
                assert "certificate" in caught.value.message
        finally:
            await gateway.aclose()
    if works:
        api = [r for r in fake.requests if "/wc/v3/" in str(r.url)]
        assert api[0].headers["authorization"].startswith("Basic ")
