from __future__ import annotations

import json

import click
import pytest

from interfaces.cli import secret_input
from interfaces.cli.projects import add, set_credentials
from tests.cli.conftest import Hub, errors, issued_key

WP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
WC_KEY = "ck_0123456789abcdef0123456789abcdef01234567"
WC_SECRET = "cs_fedcba9876543210fedcba9876543210fedcba98"


def test_credentials_from_stdin_are_stored_sealed_and_never_printed(hub: Hub) -> None:
    secrets = f"{WP_PASSWORD}\n{WC_KEY}\n{WC_SECRET}\n"
    result = hub.add_project(
        "shop", "https://shop.example.com/", "--woocommerce", wp_user="editor", secrets=secrets
    )
    assert "registered project shop (https://shop.example.com)" in result.stdout
    listed = hub.ok("projects", "list")
    as_json = hub.ok("projects", "list", "--json")
    for output in (result.output, listed.output, as_json.output):
        for secret in (WP_PASSWORD, WC_KEY, WC_SECRET):
            assert secret not in output
    (info,) = json.loads(as_json.stdout)
    assert info["alias"] == "shop"
    assert info["has_woocommerce"] is True
    with hub.container() as container:
        stored = container.hub.project_credentials("shop")
    assert stored.wp_user == "editor"
    assert (stored.wp_password, stored.wc_key, stored.wc_secret) == (WP_PASSWORD, WC_KEY, WC_SECRET)
    store = (hub.data_dir / "events.sqlite3").read_bytes()
    assert WP_PASSWORD.encode() not in store
    assert WC_SECRET.encode() not in store


@pytest.mark.parametrize("option", ["--password", "--wp-password", "--app-password", "--secret"])
def test_a_password_cannot_be_given_as_an_argument(hub: Hub, option: str) -> None:
    result = hub.add_project(
        "blog",
        "https://blog.example.com",
        option,
        WP_PASSWORD,
        secrets=f"{WP_PASSWORD}\n",
        check=False,
    )
    assert result.exit_code == 2
    assert "No such option" in result.output
    assert json.loads(hub.ok("projects", "list", "--json").stdout) == []


def test_no_command_that_takes_credentials_has_an_option_for_a_secret() -> None:
    for command in (add, set_credentials):
        names = [
            opt for param in command.params if isinstance(param, click.Option) for opt in param.opts
        ]
        assert not [n for n in names if any(w in n for w in ("pass", "secret", "key", "token"))]
        assert all(param.envvar is None for param in command.params)


def test_the_interactive_prompt_does_not_echo_the_secrets(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(secret_input, "interactive", lambda: True)
    result = hub.add_project("blog", "https://blog.example.com", secrets=f"   \n{WP_PASSWORD}\n")
    assert "WordPress application password" in result.output
    assert "cannot be empty" in result.output
    assert WP_PASSWORD not in result.output
    with hub.container() as container:
        assert container.hub.project_credentials("blog").wp_password == WP_PASSWORD


def test_missing_or_empty_stdin_lines_register_nothing(hub: Hub) -> None:
    short = hub.add_project(
        "shop", "https://shop.example.com", "--woocommerce", secrets="pw\nkey\n", check=False
    )
    assert short.exit_code == 1
    assert errors(short).startswith("error: standard input ended before the WooCommerce consumer")
    empty = hub.add_project("blog", "https://blog.example.com", secrets="   \n", check=False)
    assert empty.exit_code == 1
    assert "empty" in empty.stderr
    assert json.loads(hub.ok("projects", "list", "--json").stdout) == []


def test_set_credentials_replaces_them_keeps_the_shop_and_can_drop_it(hub: Hub) -> None:
    secrets = f"old-pw\n{WC_KEY}\n{WC_SECRET}\n"
    hub.add_project("shop", "https://shop.example.com", "--woocommerce", secrets=secrets)
    result = hub.ok(
        "projects", "set-credentials", "shop", "--wp-user", "new", input=f"{WP_PASSWORD}\n"
    )
    assert WP_PASSWORD not in result.output
    with hub.container() as container:
        stored = container.hub.project_credentials("shop")
    # Without --woocommerce the shop connection stays as it was.
    assert (stored.wp_user, stored.wp_password, stored.wc_key) == ("new", WP_PASSWORD, WC_KEY)
    hub.ok(
        "projects",
        "set-credentials",
        "shop",
        "--wp-user",
        "new",
        "--remove-woocommerce",
        input=f"{WP_PASSWORD}\n",
    )
    with hub.container() as container:
        assert container.hub.project_credentials("shop").wc_key is None
    missing = hub("projects", "set-credentials", "nowhere", "--wp-user", "x", input="pw\n")
    assert missing.exit_code == 1
    assert errors(missing) == "error: no such project"


def test_remove_retires_the_project_and_says_which_keys_it_revoked(hub: Hub) -> None:
    hub.add_project("blog", "https://blog.example.com", wp_user="bot")
    key = issued_key(hub.ok("keys", "issue", "--project", "blog", "--scope", "write").stdout)
    key_id = key.split("_")[1]
    other = issued_key(hub.ok("keys", "issue", "--all-projects", "--scope", "read").stdout)

    declined = hub("projects", "remove", "blog", input="n\n")
    assert declined.exit_code == 1
    assert "revokes its 1 active API key" in declined.output
    assert [p["alias"] for p in json.loads(hub.ok("projects", "list", "--json").stdout)] == ["blog"]

    removed = hub.ok("projects", "remove", "blog", "--yes")
    assert "retired project blog" in removed.stdout
    assert f"revoked 1 API key(s): {key_id}" in removed.stdout
    assert json.loads(hub.ok("projects", "list", "--json").stdout) == []
    statuses = {
        k["key_id"]: k["status"] for k in json.loads(hub.ok("keys", "list", "--json").stdout)
    }
    assert statuses == {key_id: "revoked", other.split("_")[1]: "active"}


def test_project_refusals_are_one_error_line(hub: Hub) -> None:
    hub.add_project("blog", "https://blog.example.com", wp_user="bot")
    taken = hub.add_project("blog", "https://b.example.com", check=False)
    bad_url = hub.add_project("site", "ftp://x.example.com", check=False)
    unknown = hub("projects", "remove", "nowhere", "--yes")
    for result in (taken, bad_url, unknown):
        assert result.exit_code == 1
        assert result.stderr.startswith("error: ")
        assert len(result.stderr.strip().splitlines()) == 1
    assert "in use" in taken.stderr
    assert "base URL" in bad_url.stderr
