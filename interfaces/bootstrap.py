"""The composition root: settings -> secrets -> adapters -> the hub application."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from application.hub import Hub
from application.ports import ViewFactory
from infrastructure.clock import SystemClock
from infrastructure.crypto import AesGcmSecretBox, HmacSha256Digester, decode_key
from infrastructure.local_secrets import ResolvedSecrets, resolve_secrets
from infrastructure.persistence import ensure_data_dir, event_store_env, parse_postgres_url
from infrastructure.settings import HubSettings
from infrastructure.views import PostgresViews, SQLiteViews


@dataclass
class Container:
    settings: HubSettings
    secrets: ResolvedSecrets
    hub: Hub

    def close(self) -> None:
        self.hub.close()


def build_views(settings: HubSettings) -> ViewFactory:
    if settings.uses_postgres:
        dsn = parse_postgres_url(settings.database_url_text)
        return PostgresViews(dsn.conninfo())
    ensure_data_dir(settings)
    return SQLiteViews(settings.views_path)


def build(settings: HubSettings) -> Container:
    secrets = resolve_secrets(settings)
    pepper = base64.urlsafe_b64decode(secrets.pepper + "==")
    box = AesGcmSecretBox(
        decode_key(secrets.encryption_key, "ENCRYPTION_KEY"),
        [decode_key(k, "ENCRYPTION_KEYS_RETIRED") for k in secrets.retired_encryption_keys],
    )
    hub = Hub(
        event_store_env(settings),
        digester=HmacSha256Digester(pepper),
        box=box,
        clock=SystemClock(),
        views=build_views(settings),
        master_key=secrets.master_key,
        poll_interval=settings.projection_poll_interval,
    )
    return Container(settings=settings, secrets=secrets, hub=hub)
