"""The composition root: settings -> secrets -> adapters -> the hub application."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from application.catalogue import woocommerce_tools, wordpress_tools
from application.hub import Hub
from application.ports import ViewFactory
from application.sites import SiteGateway
from application.system_tools import system_tools
from application.tool_calls import ToolService
from application.tools.catalogue import Catalogue
from infrastructure.clock import SystemClock
from infrastructure.crypto import AesGcmSecretBox, HmacSha256Digester, decode_key
from infrastructure.local_secrets import ResolvedSecrets, resolve_secrets
from infrastructure.persistence import ensure_data_dir, event_store_env, parse_postgres_url
from infrastructure.settings import HubSettings
from infrastructure.sites import HttpxSiteGateway
from infrastructure.views import PostgresViews, SQLiteViews
from interfaces.version import hub_version


@dataclass
class Container:
    settings: HubSettings
    secrets: ResolvedSecrets
    hub: Hub
    tools: ToolService
    gateway: SiteGateway

    def close(self) -> None:
        self.hub.close()


def build_views(settings: HubSettings) -> ViewFactory:
    if settings.uses_postgres:
        dsn = parse_postgres_url(settings.database_url_text)
        return PostgresViews(dsn.conninfo())
    ensure_data_dir(settings)
    return SQLiteViews(settings.views_path)


def build_tools(hub: Hub, gateway: SiteGateway, pseudonymisation_key: bytes) -> ToolService:
    catalogue = Catalogue(
        [*wordpress_tools(), *woocommerce_tools(), *system_tools(hub, hub_version())]
    )
    return ToolService(
        catalogue,
        hub.sites,
        gateway,
        hub.writer,
        HmacSha256Digester(pseudonymisation_key).digest,
    )


def build(settings: HubSettings, gateway: SiteGateway | None = None) -> Container:
    """The object graph. ``gateway``: a site gateway to use instead of the httpx one (tests)."""
    secrets = resolve_secrets(settings)
    pepper = _key_bytes(secrets.pepper)
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
    site_gateway = gateway or HttpxSiteGateway(
        allow=settings.site_allowlist, xmlrpc_probe=settings.site_xmlrpc_probe
    )
    tools = build_tools(hub, site_gateway, _key_bytes(secrets.pseudonymisation_key))
    return Container(settings=settings, secrets=secrets, hub=hub, tools=tools, gateway=site_gateway)


def _key_bytes(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
