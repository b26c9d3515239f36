"""Which event store the application uses: SQLite in the data directory, or PostgreSQL.

The eventsourcing library reads its settings from an environment mapping; we build that mapping
from :class:`HubSettings` and hand it over explicitly, so nothing else in the process
environment can redirect the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from infrastructure.settings import HubSettings


@dataclass(frozen=True)
class PostgresDsn:
    host: str
    port: int
    dbname: str
    user: str
    password: str

    def conninfo(self) -> str:
        from psycopg.conninfo import make_conninfo  # noqa: PLC0415 - optional extra

        return make_conninfo(
            host=self.host,
            port=self.port,
            dbname=self.dbname,
            user=self.user,
            password=self.password or None,
        )


def parse_postgres_url(url: str) -> PostgresDsn:
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError("DATABASE_URL must start with postgresql://")
    return PostgresDsn(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        dbname=unquote(parts.path.lstrip("/")) or "postgres",
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
    )


def ensure_data_dir(settings: HubSettings) -> None:
    """The data directory holds the store and generated secrets: owner-only (0700)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)


def event_store_env(settings: HubSettings) -> dict[str, str]:
    if settings.uses_postgres:
        dsn = parse_postgres_url(settings.database_url_text)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_HOST": dsn.host,
            "POSTGRES_PORT": str(dsn.port),
            "POSTGRES_DBNAME": dsn.dbname,
            "POSTGRES_USER": dsn.user,
            # The library insists on a password setting even under trust authentication.
            "POSTGRES_PASSWORD": dsn.password,
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_LOCK_TIMEOUT": "5",
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
            "CREATE_TABLE": "y",
        }
    ensure_data_dir(settings)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(settings.sqlite_path),
        "SQLITE_LOCK_TIMEOUT": "10",
        "CREATE_TABLE": "y",
    }
