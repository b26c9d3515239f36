"""The ``Project`` aggregate (a managed site) and the ``ProjectAlias`` index that keeps
aliases unique.

Site credentials arrive here already sealed (AES-GCM, see the secrets ADR): the domain checks
that every credential value has the sealed form, so a plaintext password cannot become event data
by mistake.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import AliasTakenError, InvalidValueError, ProjectRetiredError
from domain.text import is_clean_text

SEALED_PREFIX = "sealed:v1:"
_ALIAS_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
_RESERVED_ALIASES = frozenset(
    {"mcp", "system", "api", "health", "docs", "wordpress", "woocommerce"}
)
WP_USER_MAX = 60


def check_alias(alias: str) -> str:
    if not _ALIAS_RE.fullmatch(alias) or alias in _RESERVED_ALIASES:
        raise InvalidValueError(
            "alias must be 1-40 lowercase letters, digits or inner hyphens,"
            " and not a reserved word",
            "alias",
        )
    return alias


def check_base_url(url: str) -> str:
    """A site's base URL: http(s), a host, no credentials, query or fragment. Normalised
    without a trailing slash so that URLs built from it never double one."""
    url = url.strip()
    # urlsplit keeps spaces and most control characters (a NUL cannot even be stored in a
    # PostgreSQL jsonb view) and silently drops tabs and newlines: refuse them all.
    if " " in url or not is_clean_text(url):
        raise InvalidValueError(
            "base URL must not contain spaces or control characters", "base_url"
        )
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        raise InvalidValueError("base URL is not a valid URL", "base_url") from None
    if port == 0:
        raise InvalidValueError("base URL port must be between 1 and 65535", "base_url")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidValueError(
            "base URL must be an http:// or https:// URL with a host", "base_url"
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise InvalidValueError(
            "base URL must not carry credentials; give them separately", "base_url"
        )
    if parts.query or parts.fragment:
        raise InvalidValueError("base URL must not have a query or fragment", "base_url")
    host = parts.hostname
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


def check_sealed(value: str) -> str:
    if not value.startswith(SEALED_PREFIX):
        raise InvalidValueError("credential must be sealed before it becomes event data")
    return value


def check_wp_user(user: str) -> str:
    user = user.strip()
    if not user or len(user) > WP_USER_MAX or not is_clean_text(user):
        raise InvalidValueError(
            f"WordPress user must be 1-{WP_USER_MAX} printable characters", "wp_user"
        )
    return user


def check_connection(
    wp_user: str, wp_password: str, wc_key: str | None, wc_secret: str | None
) -> None:
    check_wp_user(wp_user)
    check_sealed(wp_password)
    if (wc_key is None) != (wc_secret is None):
        raise InvalidValueError("a WooCommerce connection needs both consumer key and secret")
    if wc_key is not None and wc_secret is not None:
        check_sealed(wc_key)
        check_sealed(wc_secret)


class Project(Aggregate):
    """A site the hub manages: a WordPress connection, and optionally a WooCommerce one."""

    class Registered(Aggregate.Created):
        alias: str
        base_url: str
        wp_user: str
        wp_password: str
        wc_key: str | None
        wc_secret: str | None
        actor: str

    class CredentialsChanged(Aggregate.Event):
        wp_user: str
        wp_password: str
        wc_key: str | None
        wc_secret: str | None
        actor: str

        def apply(self, aggregate: Any) -> None:
            aggregate.wp_user = self.wp_user
            aggregate.wp_password = self.wp_password
            aggregate.wc_key = self.wc_key
            aggregate.wc_secret = self.wc_secret
            aggregate.credentials_changed_at = self.timestamp

    class Retired(Aggregate.Event):
        actor: str

    @staticmethod
    def create_id(**_: object) -> UUID:
        return uuid4()

    @event(Registered)
    def __init__(
        self,
        alias: str,
        base_url: str,
        wp_user: str,
        wp_password: str,
        wc_key: str | None,
        wc_secret: str | None,
        actor: str,
    ) -> None:
        self.alias = alias
        self.base_url = base_url
        self.wp_user = wp_user
        self.wp_password = wp_password
        self.wc_key = wc_key
        self.wc_secret = wc_secret
        self.is_retired = False
        self.registered_by = actor
        self.credentials_changed_at: datetime | None = None

    @classmethod
    def register(
        cls,
        project_id: UUID,
        alias: str,
        base_url: str,
        wp_user: str,
        wp_password: str,
        wc_key: str | None,
        wc_secret: str | None,
        actor: str,
    ) -> Project:
        check_alias(alias)
        check_connection(wp_user, wp_password, wc_key, wc_secret)
        return cls._create(
            cls.Registered,
            id=project_id,
            alias=alias,
            base_url=check_base_url(base_url),
            wp_user=wp_user.strip(),
            wp_password=wp_password,
            wc_key=wc_key,
            wc_secret=wc_secret,
            actor=actor,
        )

    @property
    def has_woocommerce(self) -> bool:
        return self.wc_key is not None

    def change_credentials(
        self,
        wp_user: str,
        wp_password: str,
        wc_key: str | None,
        wc_secret: str | None,
        actor: str,
    ) -> None:
        if self.is_retired:
            raise ProjectRetiredError("the project is retired")
        check_connection(wp_user, wp_password, wc_key, wc_secret)
        self.trigger_event(
            self.CredentialsChanged,
            wp_user=wp_user.strip(),
            wp_password=wp_password,
            wc_key=wc_key,
            wc_secret=wc_secret,
            actor=actor,
        )

    def retire(self, actor: str) -> None:
        if self.is_retired:
            raise ProjectRetiredError("the project is already retired")
        self._retired(actor=actor)

    @event(Retired)
    def _retired(self, actor: str) -> None:
        self.is_retired = True


class ProjectAlias(Aggregate):
    """Index aggregate: one per alias, naming the live project that holds it.

    Its id derives from the alias, so two concurrent registrations of one alias collide on the
    same aggregate version and exactly one of them is recorded.
    """

    class Claimed(Aggregate.Created):
        alias: str
        project_id: UUID

    class Released(Aggregate.Event):
        pass

    class Reclaimed(Aggregate.Event):
        project_id: UUID

    @staticmethod
    def create_id(alias: str, **_: object) -> UUID:
        return uuid5(NAMESPACE_URL, f"mcphub:project-alias:{alias}")

    @event(Claimed)
    def __init__(self, alias: str, project_id: UUID) -> None:
        self.alias = alias
        self.project_id: UUID | None = project_id

    def release(self) -> None:
        if self.project_id is not None:
            self._released()

    @event(Released)
    def _released(self) -> None:
        self.project_id = None

    def reclaim(self, project_id: UUID) -> None:
        if self.project_id is not None:
            raise AliasTakenError(f"alias {self.alias!r} is in use")
        self._reclaimed(project_id=project_id)

    @event(Reclaimed)
    def _reclaimed(self, project_id: UUID) -> None:
        self.project_id = project_id
