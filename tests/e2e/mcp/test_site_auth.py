"""F17 through the hub: a server that strips ``Authorization`` and a wrong application password
are told apart in what the AI client reads, and the password is in no result and no event.

Core WordPress answers both as "not logged in" over REST; the site gateway asks XML-RPC once to
tell them apart, which needs PHP's XML extension. Without it the wrong-password diagnosis names
both causes (as ``tests/integration/test_site_gateway_wordpress.py`` documents).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.leaks import leaks
from tests.e2e.mcp.call_log import check_call_log, error_text
from tests.e2e.mcp.hub_server import running_hub
from tests.support.wordpress import wordpress_site

if TYPE_CHECKING:
    from tests.support.wordpress import WordPressSite

pytestmark = pytest.mark.slow

WRONG_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
STRIPPED = "probably stripped the Authorization header"


@cache
def xmlrpc_works() -> bool:
    php = shutil.which("php")
    if php is None:
        return False
    probe = 'echo function_exists("xml_parser_create") ? "yes" : "no";'
    result = subprocess.run([php, "-r", probe], capture_output=True, text=True, check=False)
    return result.stdout.strip() == "yes"


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


def test_a_stripped_header_and_a_wrong_password_are_told_apart(
    wordpress: WordPressSite, tmp_path: Path
) -> None:
    stripping = wordpress_site(strip_authorization=True)
    try:
        with running_hub(tmp_path / "hub") as hub:
            hub.register("stripped", stripping.base_url, stripping.user, stripping.app_password)
            hub.register("wrongpw", wordpress.base_url, wordpress.user, WRONG_PASSWORD)
            results = asyncio.run(_calls(hub))
            events = hub.tool_calls()
            stored = hub.all_state()
    finally:
        stripping.stop()

    # The server that strips the header: the connection test fails with the diagnosis ...
    test_stripped = error_text(results["stripped_test"])
    assert STRIPPED in test_stripped
    assert "CGIPassAuth" in test_stripped
    # ... and a tool that needs the login fails with the same diagnosis.
    listing = error_text(results["stripped_list"])
    assert STRIPPED in listing
    assert "rest_" in listing  # the upstream code is quoted
    if xmlrpc_works():
        assert "the application password is right" in listing
    assert "wrong username" not in listing

    # The wrong password: a different message.
    test_wrong = error_text(results["wrong_test"])
    wrong = error_text(results["wrong_list"])
    if xmlrpc_works():
        for message in (test_wrong, wrong):
            assert "wrong username or application password" in message
            assert STRIPPED not in message
    else:
        for message in (test_wrong, wrong):
            assert "unless the application password itself is wrong" in message

    wrong_kind = "failed:authentication" if xmlrpc_works() else "failed:auth_header_stripped"
    assert check_call_log(events) == [
        ("wp_test_connection", "failed:auth_header_stripped"),
        ("wp_list_posts", "failed:auth_header_stripped"),
        ("wp_test_connection", wrong_kind),
        ("wp_list_posts", wrong_kind),
    ]
    # No password in any tool result or event, in any shape.
    sinks = {name: _text(result).encode() for name, result in results.items()}
    sinks["events"] = stored
    assert leaks([stripping.app_password, WRONG_PASSWORD, wordpress.app_password], sinks) == []


async def _calls(hub: Any) -> dict[str, Any]:
    results = {}
    async with hub.client("/project/stripped/mcp", hub.master_key, mode="legacy") as client:
        results["stripped_test"] = await client.call_tool("wp_test_connection", {})
        results["stripped_list"] = await client.call_tool("wp_list_posts", {"status": "draft"})
    async with hub.client("/mcp", hub.master_key, mode="auto") as client:
        site = {"site": "wrongpw"}
        results["wrong_test"] = await client.call_tool("wp_test_connection", site)
        results["wrong_list"] = await client.call_tool("wp_list_posts", {**site, "status": "draft"})
    return results
