"""The one redactor: everything that records or returns data passes through here.

- ``redact(value)`` — anything recorded or echoed (event data, audit lines, logs, error
  details): a deep copy with credential-named keys and credential-shaped values masked.
- ``redact_text(text)`` — the same value rules for free text (log lines, error messages).
- ``mask_result_secrets(result)`` — tool results, which are NOT pattern-scrubbed (post content
  the model may write back must survive intact): only the secret fields WordPress and
  WooCommerce are known to return are masked.
- ``minimise(arguments, personal, pseudonymise)`` — the arguments of ``ToolCall.Requested``:
  redacted, with free text and personal data reduced to a keyed digest and a length.

What counts as a credential (and the decisions on ambiguous names such as ``key``, ``tokens``
or ``session_id``) is documented in ``application.secret_patterns``. Key names and auth schemes
survive, the value becomes ``MASK``, JSON stays JSON: same structure, same keys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from application.secret_patterns import (
    CREDENTIAL_NAMES,
    MASK,
    is_credential_name,
    mask_all,
    scrub_text,
)

__all__ = [
    "DIGEST_CAP",
    "MASK",
    "mask_result_secrets",
    "minimise",
    "redact",
    "redact_text",
]

MAX_DEPTH = 64
"""Nesting deeper than this is masked whole rather than walked (no JSON argument needs it)."""
DIGEST_CAP = 512
"""Strings longer than this are free text by nature: ``minimise`` keeps only digest + length."""
_BLOB_MIN = 128
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_DATA_URL = re.compile(r"data:[\w.+/-]*(?:;[\w.+=-]+)*;base64,", re.I)
_OAUTH_MARKERS = frozenset({"grant_type", "response_type", "redirect_uri", "code_verifier"})
_OAUTH_ONLY = frozenset({"code", "state"})
_PAIR_NAMES = ("key", "name", "id")
_SCALARS = (bool, int, float)  # a tuple: isinstance with a union type is three times slower


def redact(value: Any) -> Any:
    """A deep copy of JSON-like data with every credential masked.

    Under a credential-named key every leaf except ``None`` becomes ``MASK`` (an auth scheme or
    the hub key's public prefix survives); every other string is scrubbed by ``redact_text``.
    Tuples stay tuples; an object that is not JSON-like is rendered with ``str`` and scrubbed.
    """
    return _REDACT.walk(value, 0)


def redact_text(text: str) -> str:
    """The value rules for free text: shapes (``Bearer``/``Basic``, hub keys, JWTs, ``ck_``/
    ``cs_``, application passwords, URL userinfo) and credential-named pairs (query strings,
    form bodies, ``Header: value`` lines, JSON or Python literals embedded in text)."""
    return scrub_text(text)


class _Walker:
    """One deep copy: masks credential keys, digests ``personal`` names, maps every string."""

    __slots__ = ("digest", "leaf", "personal", "tuples")

    def __init__(
        self,
        leaf: Callable[[str], Any],
        personal: Collection[str] = frozenset(),
        digest: Callable[[Any], Any] = lambda value: MASK,
        tuples: bool = True,
    ) -> None:
        self.leaf = leaf
        self.personal = personal
        self.digest = digest
        self.tuples = tuples

    def walk(self, value: Any, depth: int) -> Any:
        if isinstance(value, str):
            return self.leaf(value)
        if value is None or isinstance(value, _SCALARS):
            return value
        if depth >= MAX_DEPTH:
            return MASK
        if isinstance(value, Mapping):
            return self.mapping(value, depth + 1)
        if isinstance(value, list):
            return [self.walk(item, depth + 1) for item in value]
        if isinstance(value, tuple):
            items = [self.walk(item, depth + 1) for item in value]
            return tuple(items) if self.tuples else items
        if isinstance(value, bytes | bytearray | memoryview):
            return MASK
        return self.leaf(str(value))

    def mapping(self, value: Mapping[Any, Any], depth: int) -> dict[Any, Any]:
        pair = "value" in value and _names_credential(value)
        oauth = ("code" in value or "state" in value) and not _OAUTH_MARKERS.isdisjoint(value)
        special = pair or oauth
        leaf, walk, personal, names = self.leaf, self.walk, self.personal, CREDENTIAL_NAMES
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str):
                if (names[key] or special) and _is_secret_key(key, value, pair, oauth):
                    out[key] = mask_all(item)
                    continue
                if key in personal and item is not None:
                    out[key] = self.digest(item)
                    continue
            if isinstance(item, str):
                out[key] = leaf(item)
            elif item is None or isinstance(item, _SCALARS):
                out[key] = item
            else:
                out[key] = walk(item, depth)
        return out


def _is_secret_key(key: str, siblings: Mapping[Any, Any], pair: bool, oauth: bool) -> bool:
    if is_credential_name(key):
        # {"key": "_price", "value": ...} is a name/value pair (WordPress and WooCommerce meta):
        # there "key" is the name, and the value is masked when that name is a credential.
        return not (key.lower() == "key" and "value" in siblings)
    if key == "value":
        return pair
    return oauth and key in _OAUTH_ONLY


def _names_credential(pair: Mapping[Any, Any]) -> bool:
    """Whether a ``{"key"|"name"|"id": <name>, "value": ...}`` pair holds a credential."""
    for field in _PAIR_NAMES:
        name = pair.get(field)
        if isinstance(name, str) and len(name) <= 80 and is_credential_name(name):
            return True
    return False


_REDACT = _Walker(scrub_text)


# -- tool results -----------------------------------------------------------------------------

_RESULT_SECRETS = frozenset(
    {"secret", "consumer_key", "consumer_secret", "new_password", "application_passwords"}
)
_APP_PASSWORD_MARKERS = frozenset({"uuid", "app_id"})


def mask_result_secrets(result: Any) -> Any:
    """A deep copy of a tool result with the secret fields sites are known to return masked.

    Masked (every leaf but ``None``, structure kept): WooCommerce webhook ``secret``,
    ``consumer_key``/``consumer_secret`` (WooCommerce key endpoints), the ``password`` and
    ``new_password`` of WordPress application-password objects (they carry ``uuid``/``app_id``),
    a user's ``application_passwords``, payment-gateway ``settings`` entries whose name is a
    credential (``secret_key``, ``api_password``, ``api_signature``; publishable keys too, for
    simplicity — their ``value`` only when the entry is a setting object), and the ``value`` of
    ``{"id"|"key": <credential name>, "value": ...}`` settings and meta pairs.

    Nothing else: no string is pattern-scrubbed, so post, page and comment content survives even
    when it says "password" or "Bearer abc". A post's own ``password`` (post protection) is
    content the model manages and is kept. Generic names such as ``key`` or ``token`` are kept
    too: the hub's own tools return a newly issued key once, on purpose.
    """
    return _result(result, 0)


def _result(value: Any, depth: int) -> Any:
    if depth >= MAX_DEPTH:
        return value
    if isinstance(value, Mapping):
        return _result_mapping(value, depth + 1)
    if isinstance(value, list | tuple):
        return [_result(item, depth + 1) for item in value]
    return value


def _result_mapping(value: Mapping[Any, Any], depth: int) -> dict[Any, Any]:
    app_password = "password" in value and not _APP_PASSWORD_MARKERS.isdisjoint(value)
    pair = "value" in value and _setting_names_credential(value)
    out: dict[Any, Any] = {}
    for key, item in value.items():
        name = key.lower() if isinstance(key, str) else None
        if (
            name in _RESULT_SECRETS
            or (app_password and name == "password")
            or (pair and name == "value")
        ):
            out[key] = mask_all(item)
        elif name == "settings" and isinstance(item, Mapping):
            out[key] = _gateway_settings(item, depth)
        else:
            out[key] = _result(item, depth)
    return out


def _setting_names_credential(pair: Mapping[Any, Any]) -> bool:
    for field in ("id", "key"):
        name = pair.get(field)
        if isinstance(name, str) and len(name) <= 80 and is_credential_name(name):
            return True
    return False


def _gateway_settings(settings: Mapping[Any, Any], depth: int) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for name, entry in settings.items():
        if not (isinstance(name, str) and is_credential_name(name)):
            out[name] = _result(entry, depth)
        elif isinstance(entry, Mapping) and "value" in entry:
            kept = _result_mapping(entry, depth + 1)
            kept["value"] = mask_all(entry["value"])
            out[name] = kept
        else:
            out[name] = mask_all(entry)
    return out


# -- ToolCall.Requested arguments -------------------------------------------------------------


def minimise(
    arguments: Mapping[str, Any],
    personal: Collection[str],
    pseudonymise: Callable[[str], str],
) -> dict[str, Any]:
    """The arguments as ``ToolCall.Requested`` records them.

    Identifiers and options are kept after ``redact``. A value under a name in ``personal`` (at
    any depth; free text and personal data) becomes ``{"digest": pseudonymise(text), "length":
    len(text)}`` — for an object or list, of its canonical JSON (sorted keys, compact). Strings
    longer than ``DIGEST_CAP`` anywhere, and base64 blobs (data URLs, or 128+ characters of the
    base64 alphabet), are digested the same way. ``pseudonymise`` receives the raw text; the
    result is JSON-serialisable (tuples become lists) and holds no credential.
    """

    def digest(value: Any) -> dict[str, Any]:
        text = value if isinstance(value, str) else _canonical(value)
        return {"digest": pseudonymise(text), "length": len(text)}

    def leaf(text: str) -> Any:
        if len(text) > DIGEST_CAP or _is_blob(text):
            return digest(text)
        return scrub_text(text)

    return _Walker(leaf, personal, digest, tuples=False).mapping(arguments, 1)


def _is_blob(text: str) -> bool:
    if len(text) >= _BLOB_MIN and _BASE64.fullmatch(text) is not None:
        # Encoded bytes mix cases and digits; a long slug or a run of one letter does not.
        return not (text.islower() or text.isupper() or text.isalpha())
    return text[:5].lower() == "data:" and _DATA_URL.match(text) is not None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
