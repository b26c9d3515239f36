"""All settings in one object, read from the environment and ``.env``.

Names follow the security policy where it names them (``MASTER_API_KEY``,
``OAUTH_JWT_SECRET_KEY``, ``DASHBOARD_SESSION_SECRET``). Secrets are ``SecretStr`` so they
never print in a repr, a traceback or a log line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MASTER_KEY_MIN_LENGTH = 32
MASTER_KEY_MIN_DISTINCT = 10


class SettingsError(ValueError):
    """A setting is present but unusable; the message says which and why (never its value)."""


def _split(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class HubSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    master_api_key: SecretStr | None = Field(
        default=None, description="Master key (32+ characters). Unset: generated in DATA_DIR."
    )
    oauth_jwt_secret_key: Path | None = Field(
        default=None,
        description="Signing keyring: a directory of PEM files named by key id, or one PEM file.",
    )
    dashboard_session_secret: SecretStr | None = None
    encryption_key: SecretStr | None = Field(
        default=None,
        description="AES-256-GCM key for site credentials (base64, 32 bytes). Unset: generated.",
    )
    encryption_keys_retired: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Earlier encryption keys (comma-separated), still accepted for opening.",
    )
    key_digest_pepper: SecretStr | None = Field(
        default=None, description="HMAC pepper for stored key digests (base64). Unset: generated."
    )
    pseudonymisation_key: SecretStr | None = Field(
        default=None, description="HMAC key for personal data in audit records. Unset: generated."
    )
    public_base_url: str = "http://127.0.0.1:8080"
    data_dir: Path = Path("./data")
    database_url: SecretStr | None = Field(
        default=None, description="Unset: SQLite in DATA_DIR. postgresql://... : PostgreSQL."
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    projection_poll_interval: float = Field(default=0.2, gt=0, le=5)
    site_allowlist: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Hosts, addresses or CIDRs of sites allowed although private (e.g. 127.0.0.1).",
    )
    mcp_sessions_per_principal: int = Field(default=32, ge=1, le=10_000)
    site_xmlrpc_probe: bool = Field(
        default=True,
        description=(
            "When a site treats an authenticated request as anonymous, check the credentials "
            "once through XML-RPC to tell a stripped Authorization header from a wrong password."
        ),
    )
    log_level: str = "INFO"

    _split_lists = field_validator(
        "trusted_proxies",
        "allowed_hosts",
        "allowed_origins",
        "encryption_keys_retired",
        "site_allowlist",
        mode="before",
    )(_split)

    @field_validator("master_api_key")
    @classmethod
    def _master_key_strength(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return value
        text = value.get_secret_value()
        advice = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        if len(text) < MASTER_KEY_MIN_LENGTH:
            raise ValueError(
                f"MASTER_API_KEY must be at least {MASTER_KEY_MIN_LENGTH} characters; {advice}"
            )
        if len(set(text)) < MASTER_KEY_MIN_DISTINCT:
            raise ValueError(
                f"MASTER_API_KEY uses fewer than {MASTER_KEY_MIN_DISTINCT} distinct characters: "
                f"it is not random; {advice}"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: SecretStr | None) -> SecretStr | None:
        text = value.get_secret_value().strip() if value is not None else ""
        if text and not text.startswith(("postgresql://", "postgres://")):
            raise ValueError("DATABASE_URL must be a postgresql:// URL (unset: SQLite)")
        return SecretStr(text) if text else None

    @field_validator("public_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def database_url_text(self) -> str:
        return self.database_url.get_secret_value() if self.database_url else ""

    @property
    def uses_postgres(self) -> bool:
        return self.database_url_text.startswith(("postgresql://", "postgres://"))

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "events.sqlite3"

    @property
    def views_path(self) -> Path:
        return self.data_dir / "views.sqlite3"


def load_settings(**overrides: object) -> HubSettings:
    """Read settings; a validation failure becomes a :class:`SettingsError` naming the field."""
    try:
        return HubSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper() or 'settings'}: {e['msg']}"
            for e in error.errors(include_input=False, include_url=False)
        )
        raise SettingsError(problems) from None
