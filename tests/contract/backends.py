"""The three persistence backends the contract runs against, built from the real adapters.

Every backend makes Hubs with the production digester (HMAC-SHA256) and secret box (AES-GCM);
only the clock is a fake, so that expiry can be tested without waiting. Hubs made by one
SQLite or PostgreSQL backend share one store, as separate processes would.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar, TypeVar

from psycopg.conninfo import make_conninfo

from application.hub import Hub
from application.memory_view import InMemoryViews
from application.ports import ViewFactory
from infrastructure.crypto import AesGcmSecretBox, HmacSha256Digester
from infrastructure.persistence import event_store_env, parse_postgres_url
from infrastructure.settings import load_settings
from infrastructure.views import PostgresViews, SQLiteViews
from tests.fakes import FakeClock

MASTER_KEY = "test-master-key-" + "mQ4zX8wP" * 4
FAST_POLL = 0.05

H = TypeVar("H", bound=Hub)


class Backend(ABC):
    label: ClassVar[str]
    shares_store: ClassVar[bool] = True
    """Whether a second Hub sees the first one's store (a second process would)."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.pepper = os.urandom(32)
        self.encryption_key = os.urandom(32)
        self._open: list[Hub] = []

    @abstractmethod
    def env(self) -> dict[str, str]:
        """The eventsourcing settings of this store."""

    @abstractmethod
    def views(self) -> ViewFactory:
        """A new view factory on this store's read models."""

    def hub(self, hub_class: type[H] = Hub, poll_interval: float = FAST_POLL) -> H:  # type: ignore[assignment]
        """A new Hub on this backend's store, closed with the backend."""
        hub = hub_class(
            self.env(),
            digester=HmacSha256Digester(self.pepper),
            box=AesGcmSecretBox(self.encryption_key),
            clock=self.clock,
            views=self.views(),
            master_key=MASTER_KEY,
            poll_interval=poll_interval,
        )
        self._open.append(hub)
        return hub

    def close(self, hub: Hub) -> None:
        if hub in self._open:
            self._open.remove(hub)
            hub.close()

    def close_all(self) -> None:
        while self._open:
            self.close(self._open[-1])


class InMemoryBackend(Backend):
    label = "in-memory"
    shares_store = False

    def env(self) -> dict[str, str]:
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}

    def views(self) -> ViewFactory:
        return InMemoryViews()


class SQLiteBackend(Backend):
    label = "SQLite"

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.settings = load_settings(data_dir=data_dir, database_url=None)

    def env(self) -> dict[str, str]:
        return event_store_env(self.settings)

    def views(self) -> ViewFactory:
        return SQLiteViews(self.settings.views_path)


class PostgresBackend(Backend):
    label = "PostgreSQL"

    def __init__(self, url: str, schema: str, data_dir: Path) -> None:
        super().__init__()
        self.schema = schema
        self.settings = load_settings(data_dir=data_dir, database_url=url)
        self.conninfo = make_conninfo(
            parse_postgres_url(url).conninfo(), options=f"-c search_path={schema}"
        )

    def env(self) -> dict[str, str]:
        return {**event_store_env(self.settings), "POSTGRES_SCHEMA": self.schema}

    def views(self) -> ViewFactory:
        return PostgresViews(self.conninfo)
