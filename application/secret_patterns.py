"""What counts as a credential: key names and value shapes (the machinery of
``application.redaction``; use that module).

A key NAME is split into lower-case components (camelCase, snake, kebab, dotted, ``a[b]``;
percent-encoded names decoded first): ``db.password`` -> db, password; ``X-Api-Key`` -> x, api,
key. It names a credential when a component is a credential word and the component right after
it (if any) is not a qualifier making the name metadata about the credential (``key_id``,
``token_type``, ``client_secret_expires_at``, ``authorization_endpoint``, ``secret_digest``).
Credential words: ``password(s)``, ``passwd``, ``passphrase``, ``pwd``, ``secret(s)``, ``token``,
``credential(s)``, ``cookie(s)``, ``signature(s)``, ``verifier``, ``authorization``, ``nonce``,
``sessid`` (also glued: ``wppassword``, ``authtoken``, ``_wpnonce``); the whole components
``pass``, ``pw``, ``otp``, ``jwt``, ``salt``. Decisions on the ambiguous ones:

- ``key`` counts as a whole component (``consumer_key``, ``api-key``, ``KEY``) or glued to a
  credential prefix (``apikey``, ``privatekey`` ...), never inside a word (``monkey``,
  ``keyword``, ``keys``); ``meta_key``, ``sort_key``, ``cache_key``, ``idempotency_key`` ...
  name a field. Publishable/public keys are masked too (simpler than telling them apart).
- ``tokens`` is a count (``tokens_used``, ``max_tokens``); ``keys`` and ``sessions`` are lists
  of names or records. Plural ``passwords``, ``secrets``, ``credentials``, ``cookies`` and
  ``signatures`` are masked.
- ``auth``, ``oauth`` and ``session`` count only as the last component (``basic_auth``), so
  ``oauth_client_id`` and ``session_id`` stay readable.
- ``code``, ``state`` (and ``sig``) are secrets only as query or form parameters (or in a
  mapping that is an OAuth request); as plain names they are error codes and statuses.

VALUE shapes masked wherever they sit: ``Bearer <8+ chars>`` and ``Basic <8+ base64 chars of
user:password>`` (scheme kept), the hub's keys (public prefix kept), JWT/JWE, ``ck_``/``cs_``
keys, application passwords in display form (with a digit or inner capitals, so six plain words
are not one), URL userinfo, and values of credential-named ``name=value``, ``name: value`` (to
the end of the line) and ``"name": value`` pairs. A secret in prose with no separator ("my
password is x") is not recognisable and is not masked.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import unquote

from domain.api_key import KEY_ID_ALPHABET, KEY_ID_LENGTH, KEY_PREFIX

MASK = "[REDACTED]"

# -- key names --------------------------------------------------------------------------------

_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_CREDENTIAL_WORD = re.compile(
    r"(?:passwords?|passwd|passphrase|pwd|secrets?|token|credentials?|cookies?|signatures?"
    r"|verifier|authorization|nonce|sessid"
    r"|(?:api|private|secret|access|consumer|master|signing|encryption|license|client|auth"
    r"|session|ssh)key)$"
)
_CREDENTIAL_EXACT = frozenset({"pass", "pw", "otp", "jwt", "salt"})
_LAST_ONLY = frozenset({"auth", "oauth", "session"})
_FIELD_KEY_PREFIXES = frozenset(
    {"meta", "sort", "cache", "idempotency", "primary", "foreign", "partition", "object", "lookup"}
)
# Words that, right after a credential word, make the name metadata about the credential.
_QUALIFIERS = frozenset(
    """id ids uuid type types kind name names label count counts used usage expires expiry
    expiration exp expired ttl lifetime age at length len size min max limit hint prefix suffix
    url uri endpoint endpoints server servers path file required enabled disabled present status
    strength policy format version scope scopes header field param method methods scheme
    created updated issued changed last rotation rotated revoked protected digest fingerprint
    signing alg algorithm algorithms""".split()  # noqa: SIM905 (a word list, not 70 literals)
)
_QUERY_ONLY = frozenset({"code", "state", "sig"})
_NAMES_MAX = 8192


class _NameCache(dict[str, bool]):
    """``CREDENTIAL_NAMES[name]``: classified once per distinct name; a hit is one lookup."""

    def __missing__(self, name: str) -> bool:
        verdict = _classify(name)
        if len(self) < _NAMES_MAX:
            self[name] = verdict
        return verdict


CREDENTIAL_NAMES = _NameCache()


def is_credential_name(name: str) -> bool:
    """Whether a key or parameter name names a credential (see the module docstring)."""
    return CREDENTIAL_NAMES[name]


def _classify(name: str) -> bool:
    parts = [word.lower() for word in _WORDS.findall(unquote(name) if "%" in name else name)]
    last = len(parts) - 1
    for i, part in enumerate(parts):
        if part == "key":
            if i > 0 and parts[i - 1] in _FIELD_KEY_PREFIXES:
                continue
        elif part in _LAST_ONLY:
            if i != last:
                continue
        elif part not in _CREDENTIAL_EXACT and _CREDENTIAL_WORD.search(part) is None:
            continue
        if i == last or parts[i + 1] not in _QUALIFIERS:
            return True
    return False


# -- masking one value ------------------------------------------------------------------------

_KEPT_PREFIX = re.compile(  # a hub key's public part, a WooCommerce key's kind
    rf"({KEY_PREFIX}[{KEY_ID_ALPHABET}]{{{KEY_ID_LENGTH}}}_)(?:\[REDACTED\]|[A-Za-z0-9_-]{{8,}})"
    r"|(c[ks]_)(?:\[REDACTED\]|[0-9a-f]{40})"
)
_SCHEME = re.compile(
    r"(?i)(bearer|basic|digest|token|negotiate|ntlm|oauth|dpop|hmac|aws4-hmac-sha256)\s+(?=\S)"
)


def mask_value(value: str) -> str:
    """The mask for a string known to be a secret: the auth scheme, the hub key's public prefix
    or a WooCommerce key's ``ck_``/``cs_`` survives, the rest becomes ``MASK``."""
    kept = _KEPT_PREFIX.fullmatch(value)
    if kept is not None:
        return (kept[1] or kept[2]) + MASK
    scheme = _SCHEME.match(value)
    if scheme is not None:
        return f"{scheme[1]} {MASK}"
    return MASK


def mask_all(value: Any, depth: int = 0) -> Any:
    """Under a credential name: keys and structure kept, every leaf but ``None`` masked."""
    if value is None:
        return None
    if isinstance(value, str):
        return mask_value(value)
    if depth >= 64:
        return MASK
    if isinstance(value, Mapping):
        return {key: mask_all(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_all(item, depth + 1) for item in value]
    return MASK


# -- value shapes in text ---------------------------------------------------------------------

_USERINFO = re.compile(r"://[^\s/?#@\"'<>]{1,256}@")
_BEARER = re.compile(r"\b((?i:bearer)\s+)[A-Za-z0-9._~+/-]{8,}=*")
_BASIC = re.compile(r"\b((?i:basic)\s+)([A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])")
_HUB = re.compile(rf"({KEY_PREFIX}[{KEY_ID_ALPHABET}]{{{KEY_ID_LENGTH}}}_)[A-Za-z0-9_-]{{8,}}")
_JWT = re.compile(  # literal first (fast search), then the boundary check behind it
    r"eyJ(?<![\w-]eyJ)[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}"
)
_WOO = re.compile(r"(c[ks]_)(?<![A-Za-z0-9]c[ks]_)[0-9a-f]{40}(?![0-9a-f])")
_APP_PASSWORD = re.compile(r"\b[A-Za-z0-9]{4}(?: [A-Za-z0-9]{4}){5}\b")


def _scrub_shapes(text: str) -> str:
    """Each shape runs only when a substring it needs is present: separate literal-led
    patterns plus substring tests cost a fraction of one combined alternation."""
    low = text.lower()
    if "://" in text and "@" in text:
        text = _USERINFO.sub(f"://{MASK}@", text)
    if "bearer" in low:
        text = _BEARER.sub(lambda m: m[1] + MASK, text)
    if "basic" in low:
        text = _BASIC.sub(lambda m: m[1] + MASK if _is_basic_credential(m[2]) else m[0], text)
    if "mcphub_" in text:
        text = _HUB.sub(lambda m: m[1] + MASK, text)
    if "eyJ" in text:
        text = _JWT.sub(MASK, text)
    if "ck_" in text or "cs_" in text:
        text = _WOO.sub(lambda m: m[1] + MASK, text)
    if len(text) >= 29 and text.count(" ") >= 5:
        text = _APP_PASSWORD.sub(lambda m: MASK if _looks_generated(m[0]) else m[0], text)
    return text


def _is_basic_credential(token: str) -> bool:
    """Basic credentials decode to printable ``user:password``; an English word rarely does."""
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode()
    except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
        return False
    return ":" in decoded and decoded.isprintable()


def _looks_generated(groups: str) -> bool:
    """Six groups of four that are a generated password rather than six short words: a digit,
    or upper case past the start of a group next to lower case."""
    letters = groups.replace(" ", "")
    if any(char.isdigit() for char in letters):
        return True
    inner_upper = any(char.isupper() for i, char in enumerate(letters) if i % 4)
    return inner_upper and any(char.islower() for char in letters)


# -- name/value pairs in text -----------------------------------------------------------------

_PAIR = re.compile(
    r"(?<![\w%.\\])(?P<q>\\?[\"'])?(?P<name>[A-Za-z_%][\w.%\[\]-]{0,80}+)(?(q)(?P=q))"
    r"[ \t]{0,8}+(?P<sep>[=:])[ \t]{0,8}+"  # possessive: no backtracking into the name
)
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
_ESCAPED_QUOTED = re.compile(r"\\\"(?:[^\"\\]|\\[^\"])*\\\"")
_JSON_BARE = re.compile(r"[^\s,}\]\"'{\[][^\s,}\]]*")
_FORM_VALUE = re.compile(r"[^\s&;\"'<>]+")
_LINE_VALUE = re.compile(r"(?:[^\r\n\"\\]|\\(?!\"))+")
_OAUTH_TEXT = re.compile(r"grant_type=|response_type=|redirect_uri=|code_verifier=")
_DECODER = json.JSONDecoder()


def scrub_text(text: str) -> str:
    """Mask value shapes, then the values of credential-named pairs."""
    if not text:
        return text
    text = _scrub_shapes(text)
    if "=" in text or ":" in text:
        text = _scrub_pairs(text)
    return text


def _scrub_pairs(text: str) -> str:
    pieces: list[str] = []
    last = pos = 0
    oauth: bool | None = None
    json_ok = True  # after one failed parse, no more: a failure may cost a scan to the end
    while (match := _PAIR.search(text, pos)) is not None:
        pos = match.end()
        name = match["name"]
        if not is_credential_name(name):
            if match["sep"] != "=" or unquote(name).lower() not in _QUERY_ONLY:
                continue
            if match.start() > 0 and text[match.start() - 1] not in "?&#;":
                if oauth is None:
                    oauth = _OAUTH_TEXT.search(text) is not None
                if not oauth:
                    continue
        found = _value_span(text, match, json_ok)
        if not found:
            json_ok = json_ok and found is None
            continue
        start, end, replacement = found
        pieces += (text[last:start], replacement)
        last = pos = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _value_span(
    text: str, match: re.Match[str], json_ok: bool
) -> tuple[int, int, str] | Literal[False] | None:
    """Where the value after ``name<sep>`` is and what replaces it; ``None`` when there is
    nothing to mask, ``False`` when embedded JSON did not parse."""
    at = match.end()
    if at >= len(text):
        return None
    quote = match["q"]
    first = text[at]
    if quote and match["sep"] == ":":
        if quote[0] == "\\":
            found = _ESCAPED_QUOTED.match(text, at)
            if found is not None:
                return at + 2, found.end() - 2, mask_value(found[0][2:-2])
        elif first in "{[":
            return _json_span(text, at) if json_ok else None
        if first in "\"'":
            found = _QUOTED.match(text, at)
            if found is not None:
                return at + 1, found.end() - 1, mask_value(found[0][1:-1])
        found = _JSON_BARE.match(text, at)
        if found is None or found[0] in ("null", "None"):
            return None
        return at, found.end(), f"{quote}{MASK}{quote}"
    if first in "\"'":
        found = _QUOTED.match(text, at)
        if found is not None:
            return at + 1, found.end() - 1, mask_value(found[0][1:-1])
    found = (_FORM_VALUE if match["sep"] == "=" else _LINE_VALUE).match(text, at)
    value = found[0].rstrip() if found is not None else ""
    if not value:
        return None
    return at, at + len(value), mask_value(value)


def _json_span(text: str, at: int) -> tuple[int, int, str] | Literal[False]:
    """A JSON object or array under a credential name in text: every leaf masked."""
    try:
        value, end = _DECODER.raw_decode(text, at)
    except (ValueError, RecursionError):
        return False
    return at, end, json.dumps(mask_all(value), ensure_ascii=False)
