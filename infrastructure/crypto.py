"""Keyed digests (HMAC-SHA256) and sealed credentials (AES-256-GCM)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.project import SEALED_PREFIX

NONCE_BYTES = 12
KEY_BYTES = 32


class CryptoError(ValueError):
    """A key or sealed value is unusable. The message never includes key material."""


def decode_key(text: str, what: str) -> bytes:
    """Keys are given as base64 (standard or URL-safe) of 32 random bytes."""
    try:
        raw = base64.urlsafe_b64decode(text.strip().replace("+", "-").replace("/", "_") + "==")
    except ValueError:
        raise CryptoError(f"{what} is not valid base64") from None
    if len(raw) != KEY_BYTES:
        raise CryptoError(f"{what} must decode to {KEY_BYTES} bytes, not {len(raw)}")
    return raw


def key_fingerprint(key: bytes) -> str:
    """A public id for a key: lets a ciphertext name the key that made it."""
    return hashlib.sha256(b"mcphub-key-id:" + key).hexdigest()[:12]


class HmacSha256Digester:
    """HMAC-SHA256 under a server pepper: the stored form of high-entropy secrets."""

    def __init__(self, pepper: bytes) -> None:
        if len(pepper) < KEY_BYTES:
            raise CryptoError("the key digest pepper must be at least 32 bytes")
        self._pepper = pepper

    def digest(self, material: str) -> str:
        return hmac.new(self._pepper, material.encode(), hashlib.sha256).hexdigest()


class AesGcmSecretBox:
    """Seals text as ``sealed:v1:<key id>:<base64url(nonce || ciphertext+tag)>``.

    The current key seals; the current and every retired key open (by key id), so the
    encryption key can be rotated without rewriting history.
    """

    def __init__(self, current: bytes, retired: Iterable[bytes] = ()) -> None:
        self._current_id = key_fingerprint(current)
        self._keys = {key_fingerprint(k): AESGCM(k) for k in (*retired, current)}

    def seal(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self._current_id].encrypt(nonce, plaintext.encode(), context.encode())
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{SEALED_PREFIX}{self._current_id}:{body}"

    def open(self, sealed: str, context: str) -> str:
        if not sealed.startswith(SEALED_PREFIX):
            raise CryptoError("not a sealed value")
        key_id, _, body = sealed[len(SEALED_PREFIX) :].partition(":")
        aead = self._keys.get(key_id)
        if aead is None:
            raise CryptoError(f"sealed with unknown key {key_id}; is ENCRYPTION_KEY right?")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()).decode()
        except (InvalidTag, ValueError):
            raise CryptoError("sealed value does not open: tampered, or a different key") from None
