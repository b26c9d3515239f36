"""Reading secrets from the operator: a hidden prompt, or standard input when it is piped.

Never from arguments or options: those end up in shell history and in ``ps`` output, and an
option fed from an environment variable is expanded into the command line by the shell. No
command offers such an option, so there is nothing to misuse.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

import click

from interfaces.cli.context import CliError


def _stdin() -> TextIO:
    if sys.stdin is None:
        raise CliError("there is no standard input to read the secrets from")
    return sys.stdin


def interactive() -> bool:
    """True when standard input is a terminal (then we prompt with echo off)."""
    return _stdin().isatty()


def read_secrets(names: Sequence[str]) -> list[str]:
    """One value per name: prompted without echo on a terminal, else one line each from
    standard input, in the order given. Surrounding whitespace is dropped; empty is refused."""
    if interactive():
        return [_prompt(name) for name in names]
    stdin = _stdin()
    values = []
    for name in names:
        line = stdin.readline()
        if not line:
            expected = ", ".join(names)
            raise CliError(
                f"standard input ended before the {name}; "
                f"give one value per line, in this order: {expected}"
            )
        value = line.strip()
        if not value:
            raise CliError(f"the {name} read from standard input is empty")
        values.append(value)
    return values


def _prompt(name: str) -> str:
    while True:
        value: str = click.prompt(name[:1].upper() + name[1:], hide_input=True, err=True).strip()
        if value:
            return value
        click.echo(f"the {name} cannot be empty", err=True)
