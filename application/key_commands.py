"""Use cases for API keys: issue, rotate, revoke, list."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from application.dto import IssuedKey, KeyInfo
from application.errors import ConflictError, NotFoundError
from application.hub_state import HubState
from application.key_registry import iso, registry_key
from application.redaction import redact_text
from domain.api_key import (
    KEY_ID_ALPHABET,
    KEY_ID_LENGTH,
    ApiKey,
    KeyParts,
    check_key_id,
    check_label,
)
from domain.errors import InvalidValueError, KeyRevokedError, NotPermittedError
from domain.principal import Principal
from domain.scopes import Scope

MAX_EXPIRY_YEAR = 9000


def new_key_parts() -> KeyParts:
    key_id = "".join(secrets.choice(KEY_ID_ALPHABET) for _ in range(KEY_ID_LENGTH))
    return KeyParts(key_id, secrets.token_urlsafe(32))


def key_status(doc: dict[str, Any], now: datetime) -> str:
    expires_at = doc["expires_at"]
    if doc["status"] == "active" and expires_at and datetime.fromisoformat(expires_at) <= now:
        return "expired"
    return str(doc["status"])


class KeyCommands(HubState):
    """Mixed into :class:`~application.hub.Hub`."""

    def issue_key(
        self,
        principal: Principal,
        project: str | None,
        scope: str,
        expires_at: datetime | None = None,
        label: str = "",
    ) -> IssuedKey:
        level = Scope.parse(scope)
        now = self.clock.now()
        if expires_at is not None:
            expires_at = _utc(expires_at)
            if expires_at <= now:
                raise InvalidValueError("expires_at must be in the future", "expires_at")
        if principal.expires_at is not None:
            # A key never hands out more than it holds: a child cannot outlive its issuer.
            expires_at = min(expires_at or principal.expires_at, principal.expires_at)
        principal.check_can_issue(project, level)
        project_id = self.live_project_id(project) if project is not None else None
        parts = new_key_parts()
        key = ApiKey(
            key_id=parts.key_id,
            prefix=parts.public_prefix,
            digest=self.digester.digest(parts.render()),
            project=project,
            scope=level.value,
            expires_at=expires_at,
            label=_no_credential(check_label(label)),
            actor=principal.actor,
            project_id=project_id,
        )
        self.save(key)
        return IssuedKey(key=parts.render(), info=self.key_info_of(key))

    def rotate_key(self, principal: Principal, key_id: str) -> IssuedKey:
        key = self._load_key(principal, key_id)
        parts = KeyParts(key.key_id, secrets.token_urlsafe(32))
        key.rotate(self.digester.digest(parts.render()), principal.actor, self.clock.now())
        self._save_key_change(key)
        return IssuedKey(key=parts.render(), info=self.key_info_of(key))

    def revoke_key(self, principal: Principal, key_id: str, reason: str = "") -> KeyInfo:
        key = self._load_key(principal, key_id)
        key.revoke(principal.actor, reason)
        self._save_key_change(key)
        return self.key_info_of(key)

    def list_keys(self, principal: Principal) -> list[KeyInfo]:
        principal.check_scope(Scope.ADMIN)
        now = self.clock.now()
        current = self._current_project_id(principal)
        return [
            _key_info(doc, now)
            for doc in self.key_registry.all()
            if principal.project is None
            or (doc["project"] == principal.project and doc.get("project_id") == current)
        ]

    def _current_project_id(self, principal: Principal) -> str | None:
        """The live project a project principal belongs to: an earlier project that used the
        same alias (retired) is another project, and its keys are not this admin's business."""
        if principal.project is None:
            return None
        try:
            return str(self.live_project_id(principal.project))
        except NotFoundError:
            return None

    def get_key(self, principal: Principal, key_id: str) -> KeyInfo:
        doc = self.key_registry.get(registry_key(_known_form(key_id)))
        if doc is None:
            raise NotFoundError("no such key")
        try:
            principal.check_can_manage_key_of(doc["project"])
        except NotPermittedError:
            # A key outside the caller's reach is reported as absent, not as forbidden.
            raise NotFoundError("no such key") from None
        if principal.project is not None and doc.get("project_id") != self._current_project_id(
            principal
        ):
            raise NotFoundError("no such key")
        return _key_info(doc, self.clock.now())

    def key_info_of(self, key: ApiKey) -> KeyInfo:
        """A command's answer comes from the aggregate it just saved, not from a read model
        that might lag: the one-time key must never be lost to a view that failed."""
        now = self.clock.now()
        status = "revoked" if key.is_revoked else "expired" if key.is_expired(now) else "active"
        try:
            doc = self.key_registry.get(registry_key(key.key_id))
        except Exception:  # best effort: "last used" is the only thing the view adds
            doc = None
        return KeyInfo(
            key_id=key.key_id,
            prefix=key.prefix,
            project=key.project,
            scope=key.scope.value,
            label=key.label,
            status=status,
            issued_by=key.issued_by,
            created_at=iso(key.created_on),
            expires_at=iso(key.expires_at),
            rotated_at=iso(key.rotated_at),
            revoked_at=iso(key.revoked_at),
            last_used_at=doc["last_used_at"] if doc else None,
        )

    def _load_key(self, principal: Principal, key_id: str) -> ApiKey:
        try:
            key: ApiKey = self.repository.get(ApiKey.create_id(_known_form(key_id)))
        except AggregateNotFoundError:
            raise NotFoundError("no such key") from None
        try:
            principal.check_can_manage_key_of(key.project)
        except NotPermittedError:
            raise NotFoundError("no such key") from None
        if principal.project is not None and str(key.project_id) != self._current_project_id(
            principal
        ):
            raise NotFoundError("no such key")
        return key

    def _save_key_change(self, key: ApiKey) -> None:
        try:
            self.save(key)
        except IntegrityError:
            # Another command changed this key between our load and our save.
            raise ConflictError("the key was changed concurrently; reload and retry") from None

    def revoke_project_keys(self, project: str, actor: str) -> list[ApiKey]:
        """The project's live keys, revoked (unsaved): retiring a site ends its keys."""
        revoked = []
        for doc in self.key_registry.all():
            if doc["project"] == project and doc["status"] == "active":
                key: ApiKey = self.repository.get(ApiKey.create_id(doc["key_id"]))
                try:
                    key.revoke(actor, "project retired")
                except KeyRevokedError:
                    continue
                revoked.append(key)
        return revoked


def _no_credential(label: str) -> str:
    """Labels are stored in clear: one that carries something credential-shaped is refused."""
    if redact_text(label) != label:
        raise InvalidValueError("label must not contain a credential", "label")
    return label


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise InvalidValueError("expires_at must carry a timezone", "expires_at")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise InvalidValueError("expires_at is out of range", "expires_at") from None
    if utc.year > MAX_EXPIRY_YEAR:
        raise InvalidValueError(f"expires_at must be before {MAX_EXPIRY_YEAR + 1}", "expires_at")
    return utc


def _known_form(key_id: str) -> str:
    """A malformed id names no key: the same answer as an unknown one."""
    try:
        return check_key_id(key_id)
    except InvalidValueError:
        raise NotFoundError("no such key") from None


def _key_info(doc: dict[str, Any], now: datetime) -> KeyInfo:
    return KeyInfo(**{**doc, "status": key_status(doc, now)})
