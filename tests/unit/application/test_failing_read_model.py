"""A read model that fails to update never turns a recorded command into an error, and never
loses the one-time key."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from application.dto import SiteCredentials
from application.hub import Hub
from application.memory_view import InMemoryDocumentView, InMemoryViews
from domain.principal import OPERATOR
from infrastructure.crypto import AesGcmSecretBox, HmacSha256Digester
from tests.fakes import FakeClock


class BrokenView(InMemoryDocumentView):
    @contextmanager
    def transaction(self, position: int) -> Iterator[object]:
        raise OSError("disk full")
        yield  # pragma: no cover


class BrokenViews(InMemoryViews):
    def view(self, name: str) -> InMemoryDocumentView:
        return self._views.setdefault(name, BrokenView(name))


@pytest.fixture
def hub() -> Iterator[Hub]:
    made = Hub(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        digester=HmacSha256Digester(os.urandom(32)),
        box=AesGcmSecretBox(os.urandom(32)),
        clock=FakeClock(),
        views=BrokenViews(),
        master_key=None,
    )
    yield made
    made.close()


def test_issuing_a_key_answers_with_the_key_although_the_registry_failed(hub: Hub) -> None:
    issued = hub.issue_key(OPERATOR, None, "admin", label="ops")
    assert issued.info.label == "ops"
    assert issued.info.status == "active"
    # The security index is in memory and current: the key works at once.
    assert hub.authenticator.authenticate(issued.key) is not None
    assert hub.key_registry.all() == []  # the read model really did fail


def test_rotation_revocation_and_projects_answer_from_the_saved_aggregates(hub: Hub) -> None:
    issued = hub.issue_key(OPERATOR, None, "admin")
    rotated = hub.rotate_key(OPERATOR, issued.info.key_id)
    assert rotated.info.rotated_at is not None
    assert hub.authenticator.authenticate(rotated.key) is not None
    revoked = hub.revoke_key(OPERATOR, issued.info.key_id)
    assert revoked.status == "revoked"
    assert revoked.revoked_at is not None
    assert hub.authenticator.authenticate(rotated.key) is None
    info = hub.register_project(
        OPERATOR, "shop", "https://shop.example.com", SiteCredentials(wp_user="u", wp_password="p")
    )
    assert (info.alias, info.status) == ("shop", "active")
    changed = hub.change_project_credentials(
        OPERATOR, "shop", SiteCredentials(wp_user="v", wp_password="q")
    )
    assert changed.wp_user == "v"
    assert changed.credentials_changed_at is not None
    assert hub.retire_project(OPERATOR, "shop").status == "retired"
