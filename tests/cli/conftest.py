"""CLI tests: ``mcphub`` driven in-process by click's runner against a temporary data directory.

Every setting the hub reads is removed from the environment first and the working directory is
an empty folder, so neither a developer's shell nor a stray ``.env`` can leak into a test.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from infrastructure.settings import HubSettings, load_settings
from interfaces.bootstrap import Container, build
from interfaces.cli.main import cli

MASTER = secrets.token_urlsafe(32)
KEY_RE = re.compile(r"mcphub_[a-z2-7]{12}_[A-Za-z0-9_-]{43}")
SETTING_NAMES = {name.upper() for name in HubSettings.model_fields}


@dataclass
class Hub:
    """Runs ``mcphub`` commands and opens fresh containers on the same data directory."""

    data_dir: Path
    work_dir: Path
    runner: CliRunner

    def __call__(self, *args: str, input: str | None = None, **env: str) -> Result:
        return self.runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=False)

    def ok(self, *args: str, input: str | None = None, **env: str) -> Result:
        result = self(*args, input=input, **env)
        assert result.exit_code == 0, result.output
        return result

    def add_project(
        self,
        alias: str,
        url: str,
        *flags: str,
        wp_user: str = "u",
        secrets: str = "pw\n",
        check: bool = True,
    ) -> Result:
        """``projects add``, its secrets on standard input (one per line)."""
        args = ("projects", "add", alias, "--url", url, "--wp-user", wp_user, *flags)
        result = self(*args, input=secrets)
        assert result.exit_code == 0 or not check, result.output
        return result

    @contextmanager
    def container(self) -> Iterator[Container]:
        built = build(load_settings())
        try:
            yield built
        finally:
            built.close()


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Hub:
    for name in list(os.environ):
        if name.upper() in SETTING_NAMES:
            monkeypatch.delenv(name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MASTER_API_KEY", MASTER)
    return Hub(data_dir=tmp_path / "data", work_dir=work, runner=CliRunner())


def errors(result: Result) -> str:
    """Standard error without the notes (e.g. "started a new, empty" store)."""
    return "\n".join(
        line for line in result.stderr.splitlines() if not line.startswith("note: ")
    ).strip()


def issued_key(output: str) -> str:
    found = KEY_RE.findall(output)
    assert len(found) == 1, output
    return str(found[0])
