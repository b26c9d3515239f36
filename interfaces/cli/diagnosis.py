"""What ``doctor`` checks are made of: findings, and the deployment they look at.

A check is a function ``check(diagnosis) -> Iterable[Finding]``: it yields one finding (or one
per thing it inspected, e.g. per site), each a ``(status, name, detail)`` tuple. Later issues add
their own checks by appending functions to :data:`interfaces.cli.doctor_checks.CHECKS`.

A check that needs something unavailable (settings that do not load, a store that cannot be
opened) raises :class:`Unavailable` with the finding that explains why; the report lists each
such reason once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import SecretStr, ValidationError, field_validator

from infrastructure.local_secrets import ResolvedSecrets, resolve_secrets
from infrastructure.persistence import parse_postgres_url
from infrastructure.settings import HubSettings, SettingsError, load_settings
from interfaces.bootstrap import Container
from interfaces.cli.context import CliState, describe_settings_error

Status = Literal["PASS", "WARN", "FAIL"]


class Finding(NamedTuple):
    status: Status
    name: str
    detail: str


Check = Callable[["Diagnosis"], Iterable[Finding]]


class Unavailable(Exception):  # noqa: N818 - a check's outcome, not a fault
    """A check's prerequisite is missing; ``finding`` says why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.detail)
        self.finding = finding


class _LenientSettings(HubSettings):
    """The settings as given, with a weak master key admitted so that doctor can report it
    (``serve`` and every other command refuse it)."""

    @field_validator("master_api_key")
    @classmethod
    def _master_key_strength(cls, value: SecretStr | None) -> SecretStr | None:
        return value


def load_for_diagnosis(overrides: dict[str, object]) -> tuple[HubSettings | None, str | None]:
    """``(settings, None)``, or ``(None, message)`` when they cannot be used at all."""
    try:
        return load_settings(**overrides), None
    except SettingsError as error:
        try:
            return _LenientSettings(**overrides), None  # type: ignore[arg-type]
        except ValidationError:
            return None, describe_settings_error(error)


class Diagnosis:
    """The deployment under examination. Expensive parts (secrets, the store) load lazily."""

    def __init__(self, state: CliState, cwd: Path) -> None:
        self.state = state
        self.cwd = cwd
        self.settings, self.settings_error = load_for_diagnosis(state.overrides())
        self._secrets: ResolvedSecrets | None = None
        self._store_error: str | None = None
        self._store_probed = False

    def require_settings(self) -> HubSettings:
        if self.settings is None:
            raise Unavailable(Finding("FAIL", "settings", self.settings_error or "unusable"))
        return self.settings

    def secrets(self) -> ResolvedSecrets:
        """The secrets as the hub resolves them (a development setup generates missing ones
        into the data directory, as any command would)."""
        if self._secrets is None:
            settings = self.require_settings()
            try:
                self._secrets = resolve_secrets(settings)
            except OSError as error:
                detail = f"cannot read or create: {error}"
                raise Unavailable(Finding("FAIL", "secrets", detail)) from None
        return self._secrets

    def store_error(self) -> str | None:
        """None when the event store answers; else why not. PostgreSQL is probed with a short
        timeout first, so an unreachable server costs seconds, not a pool's patience."""
        if not self._store_probed:
            self._store_probed = True
            settings = self.require_settings()
            if settings.uses_postgres:
                self._store_error = _probe_postgres(settings)
        return self._store_error

    def container(self) -> Container:
        settings = self.require_settings()
        error = self.store_error()
        if error is not None:
            raise Unavailable(Finding("FAIL", "persistence", error))
        self.secrets()
        try:
            return self.state.container(settings, announce=False)
        except Exception as failure:
            detail = f"cannot open the hub: {type(failure).__name__}: {failure}"
            raise Unavailable(Finding("FAIL", "hub", detail)) from None


def _database_url(settings: HubSettings) -> str:
    return settings.database_url.get_secret_value() if settings.database_url else ""


def postgres_location(settings: HubSettings) -> str:
    dsn = parse_postgres_url(_database_url(settings))
    return f"{dsn.host}:{dsn.port}/{dsn.dbname}"


def _probe_postgres(settings: HubSettings) -> str | None:
    try:
        import psycopg  # noqa: PLC0415 - an optional dependency (extra "postgres")
    except ImportError:
        return "DATABASE_URL names PostgreSQL but psycopg is missing (pip install '.[postgres]')"
    dsn = parse_postgres_url(_database_url(settings))
    try:
        with psycopg.connect(dsn.conninfo(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
        return f"PostgreSQL at {postgres_location(settings)} is unreachable: {first_line}"
    return None


def in_process_environment(name: str) -> bool:
    """Settings are case-insensitive; was this one given in the environment (else .env)?"""
    return any(key.upper() == name for key in os.environ)
