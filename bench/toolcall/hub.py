"""The hub: its environment, registering the fake site and issuing a key through the CLI,
``hub_status`` before and after a measurement, and the events its log holds after the run."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolcall.constants import ALIAS, MASTER_KEY, WP_PASSWORD, WP_USER
from toolcall.load import mcp_sessions
from toolcall.processes import mcphub


def hub_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MCPHUB", "DATABASE"))}
    env.update(
        DATA_DIR=str(data_dir),
        MASTER_API_KEY=MASTER_KEY,
        SITE_ALLOWLIST="127.0.0.1",
        HOST="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    return env


def prepare_hub(data_dir: Path, site_url: str, workdir: Path) -> str:
    """Register the fake site and issue a read key through the CLI; return the key."""
    env = hub_env(data_dir)
    subprocess.run(  # noqa: S603 - the venv's mcphub
        [mcphub(), "projects", "add", ALIAS, "--url", site_url, "--wp-user", WP_USER],
        input=(WP_PASSWORD + "\n").encode(),
        env=env,
        cwd=workdir,
        check=True,
        capture_output=True,
        timeout=60,
    )
    issued = subprocess.run(  # noqa: S603 - the venv's mcphub
        [mcphub(), "keys", "issue", "--project", ALIAS, "--scope", "read", "--json"],
        env=env,
        cwd=workdir,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return str(json.loads(issued.stdout)["key"])


async def hub_status(url: str) -> dict[str, Any]:
    async with mcp_sessions(f"{url}/system/mcp", MASTER_KEY, 1) as (client,):
        result = await client.call_tool("hub_status", {})
        if result.is_error:
            raise SystemExit(f"hub_status failed: {result.content}")
        return dict(result.structured_content or {})


def count_logged_events(data_dir: Path) -> Counter[str]:
    """Event types in the hub's log (read after the hub stopped); ToolCall events of tools
    other than wp_get_post are shown apart."""
    counts: Counter[str] = Counter()
    db = sqlite3.connect(f"file:{data_dir / 'events.sqlite3'}?mode=ro", uri=True)
    try:
        for topic, state in db.execute("SELECT topic, state FROM stored_events"):
            kind = str(topic).rsplit(":", 1)[-1]
            if kind.startswith("ToolCall.Requested"):
                try:
                    tool = json.loads(state).get("tool")
                except (ValueError, UnicodeDecodeError, AttributeError):
                    tool = None
                if tool != "wp_get_post":
                    kind = f"{kind} ({tool})"
            counts[kind] += 1
    finally:
        db.close()
    return counts


@dataclass
class HubRound:
    sessions: int
    calls: int
    events: int
    batches: int | None
    appends: int | None


@dataclass
class HubFigures:
    rounds: list[HubRound] = field(default_factory=list)
    logged: Counter[str] = field(default_factory=Counter)


def writer_counts(status: dict[str, Any]) -> tuple[int | None, int | None]:
    writer = status.get("event_writer")
    if not isinstance(writer, dict):
        return None, None
    return writer.get("batches"), writer.get("appends")
