"""``mcphub projects``: register, list, retire managed sites and change their credentials.

The WordPress application password and the WooCommerce consumer key and secret are read from a
hidden prompt or, when standard input is not a terminal, one per line from it (in order: the
WordPress password, then the consumer key, then the consumer secret). They are sealed before
they become event data and are never printed.
"""

from __future__ import annotations

import click

from application.dto import ProjectInfo, SiteCredentials
from interfaces.cli.context import CliError, CliState, pass_state
from interfaces.cli.output import echo_json, echo_table, safe, when
from interfaces.cli.secret_input import read_secrets

# Names shown in prompts and messages (not secrets).
WP_PASSWORD = "WordPress application password"  # noqa: S105
WC_KEY = "WooCommerce consumer key"
WC_SECRET = "WooCommerce consumer secret"  # noqa: S105

_woocommerce_option = click.option(
    "--woocommerce",
    is_flag=True,
    help="Also read a WooCommerce consumer key and secret (for a shop).",
)
_wp_user_option = click.option(
    "--wp-user", required=True, metavar="USER", help="The WordPress user the hub acts as."
)


def read_credentials(wp_user: str, woocommerce: bool) -> SiteCredentials:
    names = [WP_PASSWORD, WC_KEY, WC_SECRET] if woocommerce else [WP_PASSWORD]
    values = read_secrets(names)
    if woocommerce:
        return SiteCredentials(
            wp_user=wp_user, wp_password=values[0], wc_key=values[1], wc_secret=values[2]
        )
    return SiteCredentials(wp_user=wp_user, wp_password=values[0])


def _project_json(info: ProjectInfo) -> dict[str, object]:
    return info.model_dump(mode="json")


def _describe(info: ProjectInfo) -> str:
    shop = " with WooCommerce" if info.has_woocommerce else ""
    return f"{info.alias} ({safe(info.base_url)}) as WordPress user {safe(info.wp_user)}{shop}"


@click.group()
def projects() -> None:
    """Register, list and retire managed sites."""


@projects.command("add")
@click.argument("alias")
@click.option("--url", "base_url", required=True, metavar="BASE_URL", help="The site's base URL.")
@_wp_user_option
@_woocommerce_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def add(
    state: CliState, alias: str, base_url: str, wp_user: str, woocommerce: bool, as_json: bool
) -> None:
    """Register a site. Its secrets are read from a prompt or standard input."""
    hub = state.hub  # settings and store first: no point asking for secrets we cannot keep
    credentials = read_credentials(wp_user, woocommerce)
    info = hub.register_project(state.principal, alias, base_url, credentials)
    if as_json:
        echo_json(_project_json(info))
        return
    click.echo(f"registered project {_describe(info)}")
    click.echo(f"next: mcphub keys issue --project {info.alias} --scope write")


@projects.command("set-credentials")
@click.argument("alias")
@_wp_user_option
@_woocommerce_option
@click.option(
    "--remove-woocommerce", is_flag=True, help="Drop the shop connection (default: keep it)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def set_credentials(
    state: CliState,
    alias: str,
    wp_user: str,
    woocommerce: bool,
    remove_woocommerce: bool,
    as_json: bool,
) -> None:
    """Replace a site's WordPress credentials; --woocommerce also replaces the shop's (kept
    otherwise, unless --remove-woocommerce)."""
    if woocommerce and remove_woocommerce:
        raise CliError("give --woocommerce or --remove-woocommerce, not both")
    hub = state.hub
    hub.get_project(state.principal, alias)  # "no such project" before asking for secrets
    credentials = read_credentials(wp_user, woocommerce)
    info = hub.change_project_credentials(
        state.principal, alias, credentials, keep_woocommerce=not remove_woocommerce
    )
    if as_json:
        echo_json(_project_json(info))
        return
    click.echo(f"changed the credentials of project {_describe(info)}")


@projects.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def list_projects(state: CliState, as_json: bool) -> None:
    """List the active sites (never their credentials)."""
    hub = state.hub
    hub.projections.catch_up()
    infos = hub.list_projects(state.principal)
    if as_json:
        echo_json([_project_json(info) for info in infos])
        return
    rows = [
        (
            info.alias,
            info.base_url,
            info.wp_user,
            "yes" if info.has_woocommerce else "no",
            info.status,
            when(info.created_at),
            when(info.credentials_changed_at),
        )
        for info in infos
    ]
    headers = (
        "alias",
        "base url",
        "wp user",
        "woocommerce",
        "status",
        "created",
        "credentials changed",
    )
    echo_table(headers, rows, empty="no projects")


@projects.command("remove")
@click.argument("alias")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def remove(state: CliState, alias: str, yes: bool, as_json: bool) -> None:
    """Retire a site. This revokes every API key bound to it."""
    hub = state.hub
    hub.projections.catch_up()
    hub.get_project(state.principal, alias)
    live = [
        k.key_id
        for k in hub.list_keys(state.principal)
        if k.project == alias and k.status == "active"
    ]
    if not yes:
        click.confirm(
            f"Retire project {alias!r}? This revokes its {len(live)} active API key(s).",
            abort=True,
            err=True,
        )
    info = hub.retire_project(state.principal, alias)
    revoked = [
        k.key_id
        for k in hub.list_keys(state.principal)
        if k.key_id in live and k.status == "revoked"
    ]
    if as_json:
        echo_json({**_project_json(info), "revoked_keys": revoked})
        return
    click.echo(f"retired project {info.alias}")
    if revoked:
        click.echo(f"revoked {len(revoked)} API key(s): {', '.join(revoked)}")
    else:
        click.echo("it had no active API keys")
