"""The ``ApiKey`` aggregate and the key format.

A key reads ``mcphub_<key id>_<secret>``: a recognisable prefix (secret scanners can match
it), a public key id that names the aggregate, and 256 bits of secret. Only a keyed digest of
the secret ever enters an event; the raw key is shown once and then exists only with its holder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValueError, KeyExpiredError, KeyRevokedError
from domain.scopes import Scope
from domain.text import is_clean_text

KEY_PREFIX = "mcphub_"
KEY_ID_LENGTH = 12
SECRET_LENGTH = 43  # base64url characters: 258 bits
KEY_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_KEY_RE = re.compile(
    rf"^{KEY_PREFIX}(?P<key_id>[{KEY_ID_ALPHABET}]{{{KEY_ID_LENGTH}}})_"
    rf"(?P<secret>[A-Za-z0-9_-]{{{SECRET_LENGTH}}})$"
)
_KEY_ID_RE = re.compile(rf"^[{KEY_ID_ALPHABET}]{{{KEY_ID_LENGTH}}}$")
LABEL_MAX = 200
REASON_MAX = 200


@dataclass(frozen=True, slots=True)
class KeyParts:
    key_id: str
    secret: str

    @property
    def public_prefix(self) -> str:
        return public_prefix(self.key_id)

    def render(self) -> str:
        return f"{KEY_PREFIX}{self.key_id}_{self.secret}"


def public_prefix(key_id: str) -> str:
    """The part of a key that may be shown, logged and stored in clear."""
    return f"{KEY_PREFIX}{key_id}"


def parse_key(value: str) -> KeyParts | None:
    """Split a presented key into id and secret, or None when it is not of our format."""
    match = _KEY_RE.fullmatch(value)
    if match is None:
        return None
    return KeyParts(match["key_id"], match["secret"])


def check_key_id(key_id: str) -> str:
    if not _KEY_ID_RE.fullmatch(key_id):
        raise InvalidValueError("malformed key id")
    return key_id


def check_label(label: str) -> str:
    label = label.strip()
    if len(label) > LABEL_MAX or not is_clean_text(label):
        raise InvalidValueError(f"label must be at most {LABEL_MAX} printable characters", "label")
    return label


def tidy_reason(reason: str) -> str:
    """A revocation must never fail on its note: keep it short and storable."""
    kept = "".join(c if is_clean_text(c) else "\ufffd" for c in reason.strip())
    return kept[:REASON_MAX]


class ApiKey(Aggregate):
    """An issued API key: bound to one project (or, when the master key issued it, to all)."""

    class Issued(Aggregate.Created):
        key_id: str
        prefix: str
        digest: str
        project: str | None
        scope: str
        expires_at: datetime | None
        label: str
        actor: str
        project_id: UUID | None

    class Rotated(Aggregate.Event):
        digest: str
        actor: str

        def apply(self, aggregate: Any) -> None:
            aggregate.digest = self.digest
            aggregate.rotated_at = self.timestamp

    class Revoked(Aggregate.Event):
        actor: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.revoked_at = self.timestamp

    @staticmethod
    def create_id(key_id: str, **_: object) -> UUID:
        return uuid5(NAMESPACE_URL, f"mcphub:api-key:{key_id}")

    @event(Issued)
    def __init__(
        self,
        key_id: str,
        prefix: str,
        digest: str,
        project: str | None,
        scope: str,
        expires_at: datetime | None,
        label: str,
        actor: str,
        project_id: UUID | None = None,
    ) -> None:
        self.key_id = key_id
        self.prefix = prefix
        self.digest = digest
        self.project = project
        # The project's aggregate id: a later project under the same alias is another project.
        self.project_id = project_id
        self.scope = Scope(scope)
        self.expires_at = expires_at
        self.label = label
        self.issued_by = actor
        self.rotated_at: datetime | None = None
        self.revoked_at: datetime | None = None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def check_usable(self, now: datetime) -> None:
        if self.is_revoked:
            raise KeyRevokedError("the key is revoked")
        if self.is_expired(now):
            raise KeyExpiredError("the key has expired")

    def rotate(self, digest: str, actor: str, now: datetime) -> None:
        """Give the key a new secret; its id, scope, project and expiry stay."""
        self.check_usable(now)
        self.trigger_event(self.Rotated, digest=digest, actor=actor)

    def revoke(self, actor: str, reason: str = "") -> None:
        if self.is_revoked:
            raise KeyRevokedError("the key is already revoked")
        self.trigger_event(self.Revoked, actor=actor, reason=tidy_reason(reason))
