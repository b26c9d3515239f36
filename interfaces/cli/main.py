"""The ``mcphub`` command: the group, its global options, and how errors reach the operator.

Settings errors exit 2 with one line; refusals of the domain or the application (and an
unreachable store) exit 1 with ``error: <message>``. Neither prints a traceback, and no message
ever carries a secret value: settings errors name the setting, never its value.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from eventsourcing.persistence import PersistenceError

from application.errors import ApplicationError
from domain.errors import DomainError
from infrastructure.crypto import CryptoError
from infrastructure.settings import SettingsError
from interfaces.cli.context import CliError, CliState, ConfigError, describe_settings_error
from interfaces.cli.doctor import doctor
from interfaces.cli.keys import keys
from interfaces.cli.projections import projections
from interfaces.cli.projects import projects
from interfaces.cli.serve import serve


class HubGroup(click.Group):
    """Turns the errors an operator can act on into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as error:
            raise ConfigError(f"invalid settings: {describe_settings_error(error)}") from None
        except CryptoError as error:
            raise ConfigError(str(error)) from None
        except (DomainError, ApplicationError) as error:
            raise CliError(str(error)) from None
        except PersistenceError as error:
            raise CliError(f"event store: {error}") from None


@click.group(cls=HubGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory (overrides DATA_DIR).",
)
@click.version_option(package_name="mcphub", prog_name="mcphub")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """MCP Hub: manage the hub from the machine it runs on (as the local operator)."""
    state = CliState(data_dir)
    ctx.obj = state
    ctx.call_on_close(state.close)


cli.add_command(serve)
cli.add_command(keys)
cli.add_command(projects)
cli.add_command(projections)
cli.add_command(doctor)


def main() -> None:
    # Everything the hub writes (store, read models, secrets, logs) is for its owner only.
    os.umask(0o077)
    cli.main(prog_name="mcphub")


__all__ = ["CliError", "cli", "main"]
