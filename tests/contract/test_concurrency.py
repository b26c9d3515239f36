"""Races on one aggregate, resolved by optimistic concurrency on the shared store.

Each contender is a separate Hub instance (as a separate process would be) running in its own
thread. ``RacingHub`` holds every contender at a barrier just before its save, so that all
of them have loaded the same aggregate version before any of them writes: the race is real
every time, not only when the scheduler happens to interleave the threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest

from application.dto import SiteCredentials
from application.errors import ConflictError
from application.hub import Hub
from domain.api_key import ApiKey
from domain.errors import AliasTakenError, KeyRevokedError
from domain.principal import MASTER
from domain.project import Project, ProjectAlias
from tests.contract.backends import Backend

CONTENDERS = 2


class RacingHub(Hub):
    """A Hub whose next save first waits for its rivals at ``barrier``."""

    barrier: threading.Barrier | None = None

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        barrier, self.barrier = self.barrier, None
        if barrier is not None:
            barrier.wait(timeout=10)
        return super().save(*objs, **kwargs)


def race(hubs: list[RacingHub], command: Callable[[Hub], Any]) -> list[Any]:
    """Run ``command`` on every hub at once, each in its own thread; return results or errors."""
    barrier = threading.Barrier(len(hubs))
    outcomes: list[Any] = [None] * len(hubs)

    def contend(index: int, hub: RacingHub) -> None:
        try:
            outcomes[index] = command(hub)
        except Exception as error:
            outcomes[index] = error

    for hub in hubs:
        hub.barrier = barrier
    threads = [threading.Thread(target=contend, args=(i, h)) for i, h in enumerate(hubs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a contender hung"
    return outcomes


def events_of(hub: Hub, aggregate_id: UUID) -> list[Any]:
    return list(hub.events.get(aggregate_id))


def split(outcomes: list[Any]) -> tuple[list[Any], list[BaseException]]:
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    return [o for o in outcomes if not isinstance(o, BaseException)], errors


class ConcurrencyContract:
    @pytest.fixture
    def backend(self) -> Backend:
        raise NotImplementedError("each backend class provides its backend")

    @pytest.fixture
    def hubs(self, backend: Backend) -> list[RacingHub]:
        hubs = [backend.hub(RacingHub) for _ in range(CONTENDERS)]
        hubs[0].register_project(
            MASTER, "shop", "https://shop.example", SiteCredentials(wp_user="a", wp_password="p")
        )
        return hubs

    def issue(self, hubs: list[RacingHub]) -> tuple[str, str]:
        issued = hubs[0].issue_key(MASTER, "shop", "write")
        for hub in hubs[1:]:
            hub.projections.catch_up()
        return issued.key, issued.info.key_id

    def test_two_concurrent_revocations_record_exactly_one(self, hubs: list[RacingHub]) -> None:
        key, key_id = self.issue(hubs)
        winners, losers = split(race(hubs, lambda hub: hub.revoke_key(MASTER, key_id)))
        assert len(winners) == 1
        assert winners[0].status == "revoked"
        assert len(losers) == CONTENDERS - 1
        assert all(isinstance(e, ConflictError | KeyRevokedError) for e in losers), losers
        events = events_of(hubs[0], ApiKey.create_id(key_id))
        assert [type(e) for e in events] == [ApiKey.Issued, ApiKey.Revoked]
        for hub in hubs:
            hub.projections.catch_up()
            assert hub.authenticator.authenticate(key) is None

    def test_two_concurrent_rotations_record_exactly_one(self, hubs: list[RacingHub]) -> None:
        old_key, key_id = self.issue(hubs)
        winners, losers = split(race(hubs, lambda hub: hub.rotate_key(MASTER, key_id)))
        assert len(winners) == 1
        assert len(losers) == CONTENDERS - 1
        assert all(isinstance(e, ConflictError) for e in losers), losers
        events = events_of(hubs[0], ApiKey.create_id(key_id))
        assert [type(e) for e in events] == [ApiKey.Issued, ApiKey.Rotated]
        # The recorded digest is the winner's: its key works everywhere, the old one nowhere.
        for hub in hubs:
            hub.projections.catch_up()
            assert hub.authenticator.authenticate(winners[0].key) is not None
            assert hub.authenticator.authenticate(old_key) is None

    def test_two_concurrent_registrations_of_one_alias_let_exactly_one_succeed(
        self, hubs: list[RacingHub]
    ) -> None:
        def register(hub: Hub) -> Any:
            password = f"password of {id(hub)}"
            credentials = SiteCredentials(wp_user="a", wp_password=password)
            info = hub.register_project(MASTER, "blog", "https://blog.example", credentials)
            return info, password

        winners, losers = split(race(hubs, register))
        assert len(winners) == 1
        assert len(losers) == CONTENDERS - 1
        assert all(isinstance(e, AliasTakenError) for e in losers), losers
        hub = hubs[0]
        hub.projections.catch_up()
        notes = hub.recorder.select_notifications(start=1, limit=1000)
        registered = [
            e
            for e in map(hub.mapper.to_domain_event, notes)
            if isinstance(e, Project.Registered) and e.alias == "blog"
        ]
        assert len(registered) == 1
        alias_events = events_of(hub, ProjectAlias.create_id("blog"))
        assert [type(e) for e in alias_events] == [ProjectAlias.Claimed]
        assert alias_events[0].project_id == registered[0].originator_id
        assert [p.alias for p in hub.list_projects(MASTER)].count("blog") == 1
        assert hub.project_credentials("blog").wp_password == winners[0][1]

    def test_concurrent_reclaims_of_a_released_alias_let_exactly_one_succeed(
        self, hubs: list[RacingHub]
    ) -> None:
        hubs[0].retire_project(MASTER, "shop")
        credentials = SiteCredentials(wp_user="a", wp_password="p")
        winners, losers = split(
            race(
                hubs,
                lambda hub: hub.register_project(MASTER, "shop", "https://s.example", credentials),
            )
        )
        assert (len(winners), len(losers)) == (1, CONTENDERS - 1)
        assert all(isinstance(e, AliasTakenError) for e in losers), losers
        alias_events = events_of(hubs[0], ProjectAlias.create_id("shop"))
        assert [type(e) for e in alias_events] == [
            ProjectAlias.Claimed,
            ProjectAlias.Released,
            ProjectAlias.Reclaimed,
        ]


class TestSQLiteConcurrency(ConcurrencyContract):
    @pytest.fixture
    def backend(self, sqlite_backend: Backend) -> Backend:
        return sqlite_backend


@pytest.mark.postgres
class TestPostgresConcurrency(ConcurrencyContract):
    @pytest.fixture
    def backend(self, postgres_backend: Backend) -> Backend:
        return postgres_backend
