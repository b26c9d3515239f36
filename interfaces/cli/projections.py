"""``mcphub projections``: rebuild read models from the log, and show how far each has come.

A rebuild drops a view and replays the whole log into it in one transaction: readers see the old
view until the new one is complete, so it is safe while a server runs.
"""

from __future__ import annotations

import click

from application.hub import Hub
from application.projections import read_log
from interfaces.cli.context import CliError, CliState, pass_state
from interfaces.cli.output import echo_json, echo_table


def _check_name(hub: Hub, name: str) -> None:
    if name not in hub.persistent_projections:
        known = ", ".join(sorted(hub.persistent_projections))
        raise CliError(f"unknown projection {name!r}; known projections: {known}")


def _rebuild_one(hub: Hub, name: str) -> int:
    end = hub.recorder.max_notification_id() or 0
    with click.progressbar(length=max(end, 1), label=f"rebuilding {name}") as bar:

        def progress(position: int, last: int) -> None:
            if last != bar.length:
                bar.length = max(last, 1)
            if position > bar.pos:
                bar.update(position - bar.pos)

        return hub.rebuild_projection(name, progress)


@click.group()
def projections() -> None:
    """Rebuild read models from the event log and show their positions."""


@projections.command("rebuild")
@click.argument("name", required=False)
@pass_state
def rebuild(state: CliState, name: str | None) -> None:
    """Drop a projection's view and replay the log into it (all persistent ones without NAME)."""
    hub = state.hub
    if name is not None:
        _check_name(hub, name)
    names = [name] if name is not None else sorted(hub.persistent_projections)
    for each in names:
        applied = _rebuild_one(hub, each)
        position = hub.projections.followers[each].view.position()
        click.echo(f"rebuilt {each}: {applied} event(s) applied, at position {position}")


@projections.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def status(state: CliState, as_json: bool) -> None:
    """Each projection's position against the end of the log."""
    hub = state.hub
    end = hub.recorder.max_notification_id() or 0
    report = []
    for name in sorted(hub.persistent_projections):
        projection = hub.persistent_projections[name]
        position = hub.projections.followers[name].view.position()
        # Positions advance only over the events a projection reads, so count what is pending.
        pending = sum(1 for _ in read_log(hub, position, end, projection.topics))
        report.append({"name": name, "position": position, "log_end": end, "pending": pending})
    if as_json:
        echo_json(report)
        return
    rows = [
        (
            r["name"],
            r["position"],
            r["log_end"],
            "up to date" if r["pending"] == 0 else f"behind by {r['pending']} event(s)",
        )
        for r in report
    ]
    echo_table(("projection", "position", "log end", "state"), rows, empty="no projections")
