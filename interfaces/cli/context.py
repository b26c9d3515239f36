"""What every command shares: settings, the container, and how errors reach the operator.

Each command runs as the local operator (:data:`domain.principal.OPERATOR`, actor ``cli``): a
person with access to the store itself. The container is built lazily, once per invocation,
and closed when the command ends.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

import click

from application.hub import Hub
from domain.principal import OPERATOR, Principal
from infrastructure.settings import HubSettings, SettingsError, load_settings
from interfaces.bootstrap import Container, build

__all__ = [
    "OPERATOR",
    "CliError",
    "CliState",
    "ConfigError",
    "describe_settings_error",
    "pass_state",
]


class CliError(click.ClickException):
    """An error the operator can act on: printed as one ``error: ...`` line, no traceback."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class ConfigError(CliError):
    """The settings are unusable (exit status 2, like a usage error)."""

    exit_code = 2


_VALUE_ERROR = re.compile(r"(?P<field>\b[A-Z][A-Z0-9_]*): Value error, (?P=field) ")


def describe_settings_error(error: SettingsError) -> str:
    """The validator's message without pydantic's decoration ("FIELD: Value error, FIELD ...")."""
    text = _VALUE_ERROR.sub(lambda m: f"{m['field']} ", str(error))
    return text.replace("Value error, ", "")


class CliState:
    """Per-invocation state: the ``--data-dir`` override and the lazily built container."""

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self._container: Container | None = None

    @property
    def principal(self) -> Principal:
        return OPERATOR

    def overrides(self) -> dict[str, object]:
        return {"data_dir": self.data_dir} if self.data_dir is not None else {}

    def settings(self) -> HubSettings:
        return load_settings(**self.overrides())

    def container(self, settings: HubSettings | None = None, *, announce: bool = True) -> Container:
        """Build the object graph once. ``announce``: say on stderr when this call generated
        the development master key (``serve`` prints its own banner instead)."""
        if self._container is None:
            settings = settings if settings is not None else self.settings()
            new_store = not settings.uses_postgres and not settings.sqlite_path.exists()
            self._container = build(settings)
            if new_store:
                # Run from the wrong directory, a relative DATA_DIR makes a second, empty hub.
                click.echo(
                    f"note: no hub store in {settings.data_dir.resolve()}; started a new, "
                    "empty one (set DATA_DIR or --data-dir to use an existing hub)",
                    err=True,
                )
            created = self._container.secrets
            if announce and created.master_key_created_now:
                path = created.generated["MASTER_API_KEY"]
                click.echo(
                    f"note: MASTER_API_KEY is not set; generated one into {path} "
                    "(development setup; see `mcphub doctor`)",
                    err=True,
                )
        return self._container

    @property
    def hub(self) -> Hub:
        return self.container().hub

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None


pass_state = click.make_pass_decorator(CliState)
