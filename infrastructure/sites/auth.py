"""How the hub authenticates to a site (field cases F17 and F19).

WordPress (``api="wp"``): HTTP Basic with the user name and the application password **exactly as
stored** — spaces kept, nothing trimmed, never percent-encoded (WordPress strips the spaces itself
before comparing, so both forms work; sending what the admin gave keeps one form everywhere).
Credentials are UTF-8 before base64 (RFC 7617 ``charset="UTF-8"``).

WooCommerce (``api="wc"``, WooCommerce REST API v3 authentication):

- over **https**: Basic with consumer key and secret;
- over plain **http**: OAuth 1.0a "one-legged" (RFC 5849 without a token), HMAC-SHA256. The
  OAuth parameters travel in the ``Authorization: OAuth ...`` header (RFC 5849 §3.5.1), so
  neither the key nor anything else credential-like lands in a URL, an access log or an httpx log
  line; the secret is only ever the HMAC key (``consumer_secret&``, as WooCommerce computes it)
  and is never sent. Query-string credentials are not offered at all.

The signature base string follows RFC 5849 §3.4.1 — method, base string URI (scheme and host in
lower case, default port omitted, path as sent), and the sorted, encoded query and OAuth
parameters — which is what WooCommerce's ``check_oauth_signature`` rebuilds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from urllib.parse import quote

import httpx

__all__ = ["basic_authorization", "oauth1_authorization", "oauth1_base_string"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def basic_authorization(user: str, password: str) -> str:
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def _enc(text: str) -> str:
    """RFC 5849 §3.6 percent-encoding: everything but unreserved characters, UTF-8 first."""
    return quote(text, safe="-._~")


def base_string_uri(url: httpx.URL) -> str:
    scheme = url.scheme.lower()
    host = url.host.lower()
    if ":" in host:
        host = f"[{host}]"
    port = url.port
    authority = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = url.raw_path.split(b"?", 1)[0].decode("ascii") or "/"
    return f"{scheme}://{authority}{path}"


def oauth1_base_string(method: str, url: httpx.URL, oauth_params: Sequence[tuple[str, str]]) -> str:
    """The signature base string for ``url`` (its query parameters included) and ``oauth_params``
    (without ``oauth_signature``). Form bodies are not signed: the gateway sends JSON."""
    pairs = sorted(
        (_enc(name), _enc(value)) for name, value in [*url.params.multi_items(), *oauth_params]
    )
    normalised = "&".join(f"{name}={value}" for name, value in pairs)
    return "&".join((method.upper(), _enc(base_string_uri(url)), _enc(normalised)))


def oauth1_authorization(
    method: str,
    url: httpx.URL,
    consumer_key: str,
    consumer_secret: str,
    *,
    timestamp: int,
    nonce: str | None = None,
) -> str:
    """The ``Authorization`` header value for one request (a fresh nonce unless given)."""
    oauth_params = [
        ("oauth_consumer_key", consumer_key),
        ("oauth_nonce", nonce if nonce is not None else secrets.token_hex(16)),
        ("oauth_signature_method", "HMAC-SHA256"),
        ("oauth_timestamp", str(timestamp)),
        ("oauth_version", "1.0"),
    ]
    base = oauth1_base_string(method, url, oauth_params)
    # WooCommerce keys with the raw secret plus "&" (there is no token secret).
    digest = hmac.new(f"{consumer_secret}&".encode(), base.encode(), hashlib.sha256).digest()
    signature = base64.b64encode(digest).decode("ascii")
    fields = [*oauth_params, ("oauth_signature", signature)]
    return "OAuth " + ", ".join(f'{_enc(name)}="{_enc(value)}"' for name, value in fields)
