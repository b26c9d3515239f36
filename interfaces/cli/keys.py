"""``mcphub keys``: issue, list, rotate and revoke API keys.

A key's secret is printed exactly once, by ``issue`` or ``rotate``; nothing else can show it
again, because only its keyed digest is stored.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click

from application.dto import IssuedKey, KeyInfo
from domain.scopes import Scope
from interfaces.cli.context import CliState, pass_state
from interfaces.cli.output import echo_json, echo_table, safe, when

_DURATION = re.compile(r"^\s*(?P<amount>\d{1,9})\s*(?P<unit>[smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_SHOWN_ONCE = (
    "warning: this key is shown once and cannot be shown again; store it now "
    "(a password manager or your client's secret store)."
)


def parse_duration(_: click.Context, __: click.Parameter, value: str | None) -> timedelta | None:
    """``30d``, ``12h``, ``90m``, ``2w``, ``3600s``: a positive duration."""
    if value is None:
        return None
    match = _DURATION.match(value)
    if match is None:
        raise click.BadParameter("use a number and a unit: s, m, h, d or w (e.g. 30d, 12h)")
    try:
        duration = timedelta(**{_UNITS[match["unit"]]: int(match["amount"])})
    except OverflowError:
        raise click.BadParameter("that duration is too long") from None
    if duration <= timedelta(0):
        raise click.BadParameter("the duration must be positive")
    return duration


def parse_moment(_: click.Context, __: click.Parameter, value: str | None) -> datetime | None:
    """An ISO 8601 date or time; without a timezone it is taken as UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _project_label(project: str | None) -> str:
    return "all projects" if project is None else project


def _key_json(info: KeyInfo) -> dict[str, object]:
    return info.model_dump(mode="json")


def _echo_issued(issued: IssuedKey, headline: str, as_json: bool) -> None:
    info = issued.info
    if as_json:
        echo_json({"key": issued.key, **_key_json(info)})
    else:
        click.echo(headline)
        click.echo("")
        click.echo(f"    {issued.key}")
        click.echo("")
        click.echo(f"  id:       {info.key_id}")
        click.echo(f"  prefix:   {info.prefix}")
        click.echo(f"  project:  {safe(_project_label(info.project))}")
        click.echo(f"  scope:    {info.scope} ({', '.join(Scope(info.scope).implied())})")
        click.echo(f"  expires:  {when(info.expires_at) if info.expires_at else 'never'}")
        if info.label:
            click.echo(f"  label:    {safe(info.label)}")
    click.echo(_SHOWN_ONCE, err=True)


@click.group()
def keys() -> None:
    """Issue, list, rotate and revoke API keys."""


@keys.command("issue")
@click.option("--project", "project", metavar="ALIAS", help="Bind the key to this project.")
@click.option(
    "--all-projects",
    is_flag=True,
    help="Bind the key to every project (only the operator or the master key can issue one).",
)
@click.option(
    "--scope",
    required=True,
    type=click.Choice([s.value for s in Scope]),
    help="read ⊂ write ⊂ admin.",
)
@click.option(
    "--expires-in", metavar="DURATION", callback=parse_duration, help="e.g. 30d, 12h, 90m, 2w."
)
@click.option(
    "--expires-at",
    metavar="ISO",
    callback=parse_moment,
    help="e.g. 2026-01-31T12:00:00Z (UTC if no zone).",
)
@click.option("--label", default="", help="A note for admins (not secret).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def issue(
    state: CliState,
    project: str | None,
    all_projects: bool,
    scope: str,
    expires_in: timedelta | None,
    expires_at: datetime | None,
    label: str,
    as_json: bool,
) -> None:
    """Issue an API key; it is printed once."""
    if (project is None) == (not all_projects):
        raise click.UsageError("give exactly one of --project ALIAS or --all-projects")
    if expires_in is not None and expires_at is not None:
        raise click.UsageError("give at most one of --expires-in and --expires-at")
    expiry = datetime.now(UTC) + expires_in if expires_in is not None else expires_at
    issued = state.hub.issue_key(state.principal, project, scope, expiry, label)
    _echo_issued(issued, "API key issued:", as_json)


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def list_keys(state: CliState, as_json: bool) -> None:
    """List API keys (never their secrets)."""
    hub = state.hub
    hub.projections.catch_up()
    infos = hub.list_keys(state.principal)
    if as_json:
        echo_json([_key_json(info) for info in infos])
        return
    rows = [
        (
            info.key_id,
            info.prefix,
            info.project or "(all)",
            info.scope,
            info.status,
            when(info.created_at),
            when(info.expires_at) if info.expires_at else "never",
            when(info.last_used_at),
            info.label,
        )
        for info in infos
    ]
    headers = (
        "id",
        "prefix",
        "project",
        "scope",
        "status",
        "created",
        "expires",
        "last used",
        "label",
    )
    echo_table(headers, rows, empty="no API keys")


@keys.command("rotate")
@click.argument("key_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def rotate(state: CliState, key_id: str, as_json: bool) -> None:
    """Give a key a new secret (same id, scope and expiry); the old secret stops working."""
    issued = state.hub.rotate_key(state.principal, key_id)
    _echo_issued(issued, "API key rotated; the old secret no longer works. New key:", as_json)


@keys.command("revoke")
@click.argument("key_id")
@click.option("--reason", default="", help="Why (recorded with the event; not secret).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def revoke(state: CliState, key_id: str, reason: str, as_json: bool) -> None:
    """Revoke a key at once."""
    info = state.hub.revoke_key(state.principal, key_id, reason)
    if as_json:
        echo_json(_key_json(info))
        return
    click.echo(f"revoked key {info.key_id} ({info.prefix})")
