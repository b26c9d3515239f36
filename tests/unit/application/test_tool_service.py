"""The tool service's answers for the hub's own tools and for client text in refusals."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.dto import SiteCredentials
from domain.access import Endpoint
from domain.principal import MASTER
from domain.tool_call import ToolCall
from infrastructure.settings import load_settings
from infrastructure.sites import HttpxSiteGateway
from interfaces.bootstrap import Container, build

KEY = "tool-service-master-" + "Rk3vQ9mZ" * 3


@pytest.fixture
def container(tmp_path: Path) -> Iterator[Container]:
    built = build(
        load_settings(data_dir=tmp_path / "data", master_api_key=KEY),
        gateway=HttpxSiteGateway(),
    )
    built.hub.register_project(
        MASTER, "shop", "https://shop.example.com", SiteCredentials(wp_user="u", wp_password="p")
    )
    yield built
    built.close()


def denials(container: Container) -> list[ToolCall.Denied]:
    hub = container.hub
    events = [
        hub.mapper.to_domain_event(n)
        for n in hub.recorder.select_notifications(start=1, limit=1000)
    ]
    return [e for e in events if isinstance(e, ToolCall.Denied)]


def test_a_refusal_inside_a_hub_tool_is_answered_with_its_reason(container: Container) -> None:
    principal = container.hub.authenticator.authenticate(
        container.hub.issue_key(MASTER, "shop", "admin").key
    )
    assert principal is not None
    outcome = asyncio.run(
        container.tools.call(
            principal,
            Endpoint.system(),
            "hub_issue_key",
            {"project": "elsewhere", "scope": "read"},
            "test",
        )
    )
    assert outcome.is_error
    message = json.dumps(outcome.content)
    assert "could not complete" not in message
    assert "project" in message


def test_client_text_in_a_refusal_is_bounded_and_redacted_before_it_is_recorded(
    container: Container,
) -> None:
    secret = "mcphub_abcdefghijkl_" + "T" * 43
    asyncio.run(
        container.tools.call(
            MASTER, Endpoint.all(), "x" * 400 + secret, {"site": secret}, f"Bearer {secret}"
        )
    )
    asyncio.run(
        container.tools.call(
            MASTER, Endpoint.all(), "wp_get_post", {"site": "shop", "id": secret}, "c"
        )
    )
    recorded = denials(container)
    assert len(recorded) == 2
    for event in recorded:
        text = json.dumps([event.tool, event.client, event.detail, event.project])
        assert "T" * 20 not in text
        assert len(event.tool) <= 100
    assert recorded[0].project is None  # an unknown site is not recorded as a project
    assert recorded[1].project == "shop"


def test_the_opened_site_connection_follows_a_credential_change(container: Container) -> None:
    sites = container.hub.sites
    first = sites.connection("shop")
    assert first is not None
    assert sites.connection("shop") is first  # opened once, reused
    container.hub.change_project_credentials(
        MASTER, "shop", SiteCredentials(wp_user="v", wp_password="new")
    )
    changed = sites.connection("shop")
    assert changed is not None
    assert (changed.wp_user, changed.wp_password) == ("v", "new")
    container.hub.retire_project(MASTER, "shop")
    assert sites.connection("shop") is None
