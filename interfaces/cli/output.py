"""Plain aligned tables, JSON, and timestamps for the terminal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import click


def safe(value: object) -> str:
    """Text for a terminal: anything non-printable (control or escape characters a label
    could smuggle in) becomes ``?``."""
    text = "-" if value is None or value == "" else str(value)
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def when(stamp: str | None) -> str:
    """An ISO timestamp (UTC) as ``YYYY-MM-DD HH:MM``; ``-`` when absent."""
    if not stamp:
        return "-"
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return safe(stamp)
    return moment.strftime("%Y-%m-%d %H:%M")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to their widest cell, two spaces apart; the header in capitals."""
    cells = [[h.upper() for h in headers]] + [[safe(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    )


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[object]], empty: str) -> None:
    if not rows:
        click.echo(empty)
        return
    click.echo(table(headers, rows))


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True, default=str))
