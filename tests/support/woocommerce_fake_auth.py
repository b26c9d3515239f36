"""Authentication of the WooCommerce contract fake, modelled on ``WC_REST_Authentication``
(WooCommerce 9.x, ``includes/class-wc-rest-authentication.php``) and the REST API v3 docs
("Authentication": Basic over HTTPS, OAuth 1.0a one-legged over HTTP).

Deliberately an independent implementation of the algorithm as WooCommerce's PHP writes it
(``uksort``/``strcmp``, ``rawurlencode``, ``join_with_equals_sign``, ``urldecode`` of header
values), not the hub's RFC 5849 signer — so a signing bug cannot verify itself.

- Over https (judged by the request URL's scheme): ``consumer_key``/``consumer_secret`` query
  parameters first, then Basic. A known key with a wrong secret → 401
  ``woocommerce_rest_authentication_error`` "Consumer secret is invalid." (with a Basic
  ``WWW-Authenticate``). An unknown key is skipped silently, then tried as OAuth — and, when the
  site uses application passwords, by WordPress core as a user name → 401 ``invalid_username``.
- Over http Basic and query-string credentials are never looked at (the request stays anonymous,
  so the route answers 401 ``woocommerce_rest_cannot_*``); only OAuth 1.0a counts: parameters from
  the query, a form body and an ``Authorization: OAuth`` header; HMAC-SHA1 or HMAC-SHA256 keyed
  with ``consumer_secret&``; the signature base string rebuilt and compared in constant time; a
  timestamp within 15 minutes; a nonce not used before by the key (WooCommerce keys its record by
  timestamp; the fake keeps every pair, as its docblock promises).
- A key's own permission (``read``/``write``/``read_write``) is checked before dispatch: 401
  ``woocommerce_rest_authentication_error`` "The API key provided does not have read|write
  permissions."
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote, unquote, unquote_plus

import httpx

Permission = Literal["read", "write", "read_write"]
WINDOW_SECONDS = 15 * 60
_OAUTH_REQUIRED = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
_HEADER_PARAM = re.compile(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))')  # WooCommerce's own regex
_AUTH_ERROR = "woocommerce_rest_authentication_error"


@dataclass
class ApiKey:
    consumer_key: str
    consumer_secret: str = field(repr=False)
    permissions: Permission = "read_write"
    user_can_manage: bool = True
    """Whether the key's WordPress user is a Shop manager/Administrator (else routes answer 403)."""


@dataclass(frozen=True)
class WcError:
    status: int
    code: str
    message: str
    basic_challenge: bool = False


@dataclass(frozen=True)
class Identity:
    key: ApiKey | None = None
    """``None``: anonymous."""
    error: WcError | None = None


def _rawurlencode(text: str) -> str:
    return quote(text, safe="-_.~")


def _rfc3986(text: str) -> str:  # wc_rest_urlencode_rfc3986
    return _rawurlencode(text).replace("+", " ").replace("%7E", "~")


def _php_get(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """PHP's ``$_GET``/``$_POST``: the last duplicate wins."""
    return dict(pairs)


def _basic_credentials(request: httpx.Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def _header_params(request: httpx.Request) -> dict[str, str]:
    header = request.headers.get("authorization", "").strip()
    if not header.startswith("OAuth "):
        return {}
    params: dict[str, str] = {}
    for name, _all, quoted, bare in _HEADER_PARAM.findall(header):
        params[name] = unquote_plus(quoted if quoted else bare)
    return params


class WooCommerceAuthenticator:
    def __init__(
        self,
        keys: dict[str, ApiKey],
        *,
        now: Callable[[], float] = time.time,
        application_passwords_in_use: bool = False,
    ) -> None:
        self.keys = keys
        self.now = now
        self.application_passwords_in_use = application_passwords_in_use
        self.used_nonces: dict[str, set[tuple[str, str]]] = {}

    def authenticate(
        self,
        request: httpx.Request,
        *,
        home_url: str,
        query: Sequence[tuple[str, str]],
        form: Sequence[tuple[str, str]],
    ) -> Identity:
        is_ssl = request.url.scheme == "https"
        if is_ssl:
            outcome = self._basic(request, query)
            if outcome is not None:
                return outcome
        outcome = self._oauth(request, home_url, query, form)
        if outcome is not None:
            return outcome
        basic = _basic_credentials(request)
        if is_ssl and basic is not None and self.application_passwords_in_use:
            # WordPress core tries Basic credentials WooCommerce did not claim as a user login.
            return Identity(
                error=WcError(
                    401,
                    "invalid_username",
                    "Unknown username. Check again or try your email address.",
                )
            )
        return Identity()

    def _basic(self, request: httpx.Request, query: Sequence[tuple[str, str]]) -> Identity | None:
        get = _php_get(query)
        key, secret = "", ""
        if get.get("consumer_key") and get.get("consumer_secret"):
            key, secret = get["consumer_key"], get["consumer_secret"]
        if not key:
            basic = _basic_credentials(request)
            if basic is not None and basic[0] and basic[1]:
                key, secret = basic
        if not key or not secret:
            return None
        found = self.keys.get(key)
        if found is None:
            return None
        if not hmac.compare_digest(found.consumer_secret.encode(), secret.encode()):
            return Identity(
                error=WcError(401, _AUTH_ERROR, "Consumer secret is invalid.", basic_challenge=True)
            )
        return Identity(key=found)

    def _oauth(
        self,
        request: httpx.Request,
        home_url: str,
        query: Sequence[tuple[str, str]],
        form: Sequence[tuple[str, str]],
    ) -> Identity | None:
        params = {**_php_get(query), **_php_get(form), **_header_params(request)}
        missing = [name for name in _OAUTH_REQUIRED if not params.get(name)]
        if len(missing) == len(_OAUTH_REQUIRED):
            return None
        if missing:
            noun = "parameter" if len(missing) == 1 else "parameters"
            return Identity(
                error=WcError(
                    401,
                    "woocommerce_rest_authentication_missing_parameter",
                    f"Missing OAuth {noun} {', '.join(missing)}",
                )
            )
        key = self.keys.get(params["oauth_consumer_key"])
        if key is None:
            return Identity(error=WcError(401, _AUTH_ERROR, "Consumer key is invalid."))
        problem = self._check_signature(request, home_url, key, params)
        if problem is None:
            problem = self._check_timestamp_and_nonce(key, params)
        if problem is not None:
            return Identity(error=WcError(401, _AUTH_ERROR, problem))
        return Identity(key=key)

    def _check_signature(
        self, request: httpx.Request, home_url: str, key: ApiKey, params: dict[str, str]
    ) -> str | None:
        path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
        base_request_uri = _rawurlencode(home_url.rstrip("/") + path)
        consumer_signature = unquote(params["oauth_signature"].replace(" ", "+"))
        signed = {k: v for k, v in params.items() if k != "oauth_signature"}
        ordered = sorted(signed.items(), key=lambda item: item[0].encode())  # uksort strcmp
        normalised = [(_rfc3986(k), _rfc3986(v)) for k, v in ordered]
        query_string = "%26".join(_rfc3986(f"{k}={v}") for k, v in normalised)
        string_to_sign = f"{request.method.upper()}&{base_request_uri}&{query_string}"
        method = signed["oauth_signature_method"]
        if method not in ("HMAC-SHA1", "HMAC-SHA256"):
            return "Invalid signature - signature method is invalid."
        algorithm = hashlib.sha1 if method == "HMAC-SHA1" else hashlib.sha256
        digest = hmac.new(f"{key.consumer_secret}&".encode(), string_to_sign.encode(), algorithm)
        expected = base64.b64encode(digest.digest()).decode("ascii")
        if not hmac.compare_digest(expected.encode(), consumer_signature.encode()):
            return "Invalid signature - provided signature does not match."
        return None

    def _check_timestamp_and_nonce(self, key: ApiKey, params: dict[str, str]) -> str | None:
        try:
            timestamp = int(params["oauth_timestamp"])
        except ValueError:
            return "Invalid timestamp."
        now = self.now()
        if timestamp < now - WINDOW_SECONDS or timestamp > now + WINDOW_SECONDS:
            return "Invalid timestamp."
        used = self.used_nonces.setdefault(key.consumer_key, set())
        nonce = params["oauth_nonce"]
        if any(seen == nonce for _ts, seen in used):
            return "Invalid nonce - nonce has already been used."
        used.add((str(timestamp), nonce))
        return None


def key_permission_error(key: ApiKey, method: str) -> WcError | None:
    """``check_permissions``: the key's own read/write rights, before dispatch."""
    method = method.upper()
    if method in ("HEAD", "GET"):
        if key.permissions not in ("read", "read_write"):
            return WcError(401, _AUTH_ERROR, "The API key provided does not have read permissions.")
    elif method in ("POST", "PUT", "PATCH", "DELETE"):
        if key.permissions not in ("write", "read_write"):
            return WcError(
                401, _AUTH_ERROR, "The API key provided does not have write permissions."
            )
    elif method != "OPTIONS":
        return WcError(401, _AUTH_ERROR, "Unknown request method.")
    return None
