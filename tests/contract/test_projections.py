"""Projections: exactly-once application, crash safety, restart, live following and rebuild.

``ProjectionContract`` runs on every backend; ``SharedStoreProjectionContract`` adds what only a
store shared by several processes can show (restart, another instance's writes), and runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from eventsourcing.persistence import Notification

from application.dto import SiteCredentials
from application.hub import Hub
from application.key_registry import KeyRegistryProjection
from application.ports import DocumentView, PositionConflict, ViewTransaction
from application.project_registry import ProjectRegistryProjection
from application.projections import Projection, ProjectionFollower, rebuild, topics_of
from domain.api_key import ApiKey
from domain.principal import MASTER
from domain.project import Project
from tests.contract.backends import Backend

LIVE_DEADLINE = 1.0  # seconds within which another instance's write must be seen


class EventsPerProjectProjection(Projection):
    """F20's counting projection: how many events concern each project.

    Only creation events name the project; later events find it through a link document
    written by the creation event, so the count depends on earlier state in the view too.
    """

    name = "events_per_project"
    topics = topics_of(
        Project.Registered,
        Project.CredentialsChanged,
        Project.Retired,
        ApiKey.Issued,
        ApiKey.Rotated,
        ApiKey.Revoked,
    )

    def apply(self, event: Any, tx: ViewTransaction) -> None:
        link_key = f"link:{event.originator_id}"
        if isinstance(event, Project.Registered):
            project: str | None = event.alias
            tx.put(link_key, {"project": project})
        elif isinstance(event, ApiKey.Issued):
            project = event.project
            tx.put(link_key, {"project": project})
        else:
            link = tx.get(link_key)
            project = link["project"] if link is not None else None
        if project is None:
            return
        count_key = f"count:{project}"
        doc = tx.get(count_key) or {"project": project, "events": 0}
        doc["events"] += 1
        tx.put(count_key, doc)


class SimulatedCrashError(Exception):
    """The process dies between the read-model write and the commit of its position."""


class CrashingOnce(Projection):
    """Wraps a projection; applies the ``nth`` event it sees, then crashes before commit."""

    def __init__(self, inner: Projection, nth: int) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[misc]
        self.topics = inner.topics  # type: ignore[misc]
        self.remaining = nth

    def apply(self, event: Any, tx: ViewTransaction) -> None:
        self.inner.apply(event, tx)
        self.remaining -= 1
        if self.remaining == 0:
            raise SimulatedCrashError


def counts_in(view: DocumentView) -> dict[str, int]:
    return {doc["project"]: doc["events"] for doc in view.all() if "events" in doc}


def counts_from_raw_events(hub: Hub) -> dict[str, int]:
    """The same count, taken straight from the log without any view or projection code."""
    project_of: dict[Any, str | None] = {}
    counts: Counter[str] = Counter()
    for notification in hub.recorder.select_notifications(start=1, limit=100_000):
        event = hub.mapper.to_domain_event(notification)
        if isinstance(event, Project.Registered):
            project_of[event.originator_id] = event.alias
        elif isinstance(event, ApiKey.Issued):
            project_of[event.originator_id] = event.project
        elif not isinstance(
            event, Project.CredentialsChanged | Project.Retired | ApiKey.Rotated | ApiKey.Revoked
        ):
            continue
        project = project_of.get(event.originator_id)
        if project is not None:
            counts[project] += 1
    return dict(counts)


def notifications(hub: Hub, projection: Projection) -> list[Notification]:
    return hub.recorder.select_notifications(start=1, limit=100_000, topics=projection.topics)


def deliver(hub: Hub, projection: Projection, view: DocumentView, note: Notification) -> None:
    with view.transaction(note.id) as tx:
        projection.apply(hub.mapper.to_domain_event(note), tx)


def write_then_crash(
    hub: Hub, projection: Projection, view: DocumentView, note: Notification
) -> None:
    with view.transaction(note.id) as tx:
        projection.apply(hub.mapper.to_domain_event(note), tx)
        tx.put("count:shop", {"project": "shop", "events": 999})
        raise SimulatedCrashError


def credentials(password: str) -> SiteCredentials:
    return SiteCredentials(wp_user="admin", wp_password=password)


def populate(hub: Hub, suffix: str = "") -> None:
    """A little history touching every event type, spread over two projects."""
    shop, blog = f"shop{suffix}", f"blog{suffix}"
    hub.register_project(MASTER, shop, "https://shop.example", credentials("p1"))
    hub.register_project(MASTER, blog, "https://blog.example", credentials("p2"))
    first = hub.issue_key(MASTER, shop, "admin")
    second = hub.issue_key(MASTER, shop, "read")
    hub.issue_key(MASTER, None, "read")
    hub.rotate_key(MASTER, first.info.key_id)
    hub.revoke_key(MASTER, second.info.key_id)
    hub.issue_key(MASTER, blog, "write")
    hub.change_project_credentials(MASTER, shop, credentials("p3"))
    hub.retire_project(MASTER, blog)
    hub.register_project(MASTER, blog, "https://blog2.example", credentials("p4"))


def wait_until(condition: Callable[[], bool], deadline: float = LIVE_DEADLINE) -> float:
    """Seconds until ``condition`` held; fails once ``deadline`` has passed."""
    start = time.monotonic()
    while not condition():
        elapsed = time.monotonic() - start
        if elapsed > deadline:
            pytest.fail(f"not seen within {deadline} s")
        time.sleep(0.01)
    return time.monotonic() - start


class ProjectionContract:
    @pytest.fixture
    def backend(self) -> Backend:
        raise NotImplementedError("each backend class provides its backend")

    @pytest.fixture
    def hub(self, backend: Backend) -> Hub:
        hub = backend.hub()
        populate(hub)
        return hub

    def test_duplicated_notification_is_applied_once(self, hub: Hub) -> None:
        view = hub.key_registry
        before, position = view.all(), view.position()
        latest = hub.recorder.select_notifications(start=position, limit=1)[0]
        assert latest.id == position == hub.recorder.max_notification_id()
        with pytest.raises(PositionConflict):
            deliver(hub, KeyRegistryProjection(), view, latest)
        assert (view.all(), view.position()) == (before, position)

    def test_redelivered_catch_up_applies_nothing(self, hub: Hub) -> None:
        follower = hub.projections.followers[KeyRegistryProjection.name]
        assert follower.catch_up() == 0
        # A second follower on the same view (another delivery of the same log) adds nothing.
        twin = ProjectionFollower(hub, KeyRegistryProjection(), follower.view)
        assert twin.catch_up() == 0
        assert follower.view.position() == hub.recorder.max_notification_id()

    def test_counting_projection_fed_a_notification_twice_counts_it_once(
        self, hub: Hub, backend: Backend
    ) -> None:
        projection = EventsPerProjectProjection()
        view = hub.views.view(projection.name)
        notes = notifications(hub, projection)
        for index, note in enumerate(notes):
            deliver(hub, projection, view, note)
            with pytest.raises(PositionConflict):  # redelivered at once
                deliver(hub, projection, view, note)
            if index > 0:
                with pytest.raises(PositionConflict):  # redelivered late
                    deliver(hub, projection, view, notes[index - 1])
        expected = counts_from_raw_events(hub)
        assert expected == {"shop": 6, "blog": 5}
        assert counts_in(view) == expected
        assert view.position() == notes[-1].id

    def test_counting_projection_rebuilt_from_zero_equals_the_raw_count(self, hub: Hub) -> None:
        projection = EventsPerProjectProjection()
        view = hub.views.view(projection.name)
        ProjectionFollower(hub, projection, view).catch_up()
        hub.issue_key(MASTER, "shop", "read")
        applied = rebuild(hub, projection, view)
        assert applied == len(notifications(hub, projection))
        assert counts_in(view) == counts_from_raw_events(hub)
        assert view.position() == hub.recorder.max_notification_id()

    def test_crash_between_view_write_and_tracking_persists_nothing(self, hub: Hub) -> None:
        projection = EventsPerProjectProjection()
        view = hub.views.view(projection.name)
        notes = notifications(hub, projection)
        deliver(hub, projection, view, notes[0])
        before, position = view.all(), view.position()
        with pytest.raises(SimulatedCrashError):
            write_then_crash(hub, projection, view, notes[1])
        assert (view.all(), view.position()) == (before, position)
        # Restarted, the follower applies the crashed event and the rest, each exactly once.
        assert ProjectionFollower(hub, projection, view).catch_up() == len(notes) - 1
        assert counts_in(view) == counts_from_raw_events(hub)

    def test_follower_that_crashes_mid_catch_up_resumes_without_double_counting(
        self, hub: Hub
    ) -> None:
        inner = EventsPerProjectProjection()
        view = hub.views.view(inner.name)
        notes = notifications(hub, inner)
        with pytest.raises(SimulatedCrashError):
            ProjectionFollower(hub, CrashingOnce(inner, nth=4), view).catch_up()
        # A follower applies a batch in one transaction: the crash rolled the batch back whole.
        assert view.position() == 0
        assert view.all() == []
        assert ProjectionFollower(hub, inner, view).catch_up() == len(notes)
        assert counts_in(view) == counts_from_raw_events(hub)

    @pytest.mark.parametrize(
        "projection", [KeyRegistryProjection(), ProjectRegistryProjection()], ids=lambda p: p.name
    )
    def test_rebuild_equals_the_followed_view(self, hub: Hub, projection: Projection) -> None:
        followed = hub.projections.followers[projection.name].view
        rebuilt = hub.views.view(f"{projection.name}_rebuilt")
        rebuild(hub, projection, rebuilt)
        assert followed.all()  # a non-trivial view, so equality means something
        assert rebuilt.all() == followed.all()
        assert rebuilt.position() == hub.recorder.max_notification_id()

    def test_hub_rebuild_repairs_a_corrupted_view_and_following_goes_on(self, hub: Hub) -> None:
        view = hub.key_registry
        expected = view.all()
        end = hub.recorder.max_notification_id()
        seen: list[tuple[int, int]] = []
        with view.rebuild() as tx:  # wipe it, as a careless operator might
            tx.put("bogus", {"key_id": "bogus"})
            tx.advance(end)
        assert view.all() != expected
        applied = hub.rebuild_projection(KeyRegistryProjection.name, lambda *p: seen.append(p))
        assert applied == end  # the key registry reads every event
        assert view.all() == expected
        assert seen[-1] == (end, end)
        issued = hub.issue_key(MASTER, "shop", "read")
        assert hub.get_key(MASTER, issued.info.key_id).status == "active"
        fresh = hub.views.view("key_registry_check")
        rebuild(hub, KeyRegistryProjection(), fresh)
        assert view.all() == fresh.all()


class SharedStoreProjectionContract(ProjectionContract):
    def test_views_continue_from_their_position_after_restart(self, backend: Backend) -> None:
        projection = EventsPerProjectProjection()
        first = backend.hub()
        populate(first)
        assert ProjectionFollower(first, projection, first.views.view(projection.name)).catch_up()
        positions = {n: f.view.position() for n, f in first.projections.followers.items()}
        documents = {n: f.view.all() for n, f in first.projections.followers.items()}
        counts = counts_in(first.views.view(projection.name))
        backend.close(first)

        second = backend.hub()
        for name in second.persistent_projections:
            follower = second.projections.followers[name]
            assert follower.view.position() == positions[name]
            assert follower.catch_up() == 0
            assert follower.view.all() == documents[name]
        counting = ProjectionFollower(second, projection, second.views.view(projection.name))
        assert counting.catch_up() == 0
        assert counts_in(counting.view) == counts
        # Events written while the counting projection was not running are picked up once.
        second.issue_key(MASTER, "shop", "read")
        second.change_project_credentials(MASTER, "shop", credentials("p5"))
        backend.close(second)

        third = backend.hub()
        counting = ProjectionFollower(third, projection, third.views.view(projection.name))
        assert counting.catch_up() == 2
        assert counts_in(counting.view) == counts_from_raw_events(third)
        assert counts_in(counting.view)["shop"] == counts["shop"] + 2

    def test_another_instances_key_reaches_this_instances_index_within_a_second(
        self, backend: Backend
    ) -> None:
        this, other = backend.hub(), backend.hub()
        other.register_project(MASTER, "shop", "https://shop.example", credentials("p1"))
        early = other.issue_key(MASTER, "shop", "read")
        assert this.authenticator.authenticate(early.key) is None  # not following yet: stale
        this.projections.start()
        wait_until(lambda: this.authenticator.authenticate(early.key) is not None)
        issued = other.issue_key(MASTER, "shop", "write")
        wait_until(lambda: this.authenticator.authenticate(issued.key) is not None)
        wait_until(lambda: any(k.key_id == issued.info.key_id for k in this.list_keys(MASTER)))
        wait_until(
            lambda: (
                this.key_registry.position() == this.recorder.max_notification_id()
                and this.key_index.position() == other.key_index.position()
            )
        )

    def test_revocation_by_another_instance_ends_authentication_within_a_second(
        self, backend: Backend
    ) -> None:
        this, other = backend.hub(), backend.hub()
        this.projections.start()
        this.register_project(MASTER, "shop", "https://shop.example", credentials("p1"))
        issued = this.issue_key(MASTER, "shop", "admin")
        assert this.authenticator.authenticate(issued.key) is not None
        other.projections.catch_up()
        other.revoke_key(MASTER, issued.info.key_id)
        wait_until(lambda: this.authenticator.authenticate(issued.key) is None)
        # A rotation elsewhere is followed too: the old secret stops, the new one works.
        second = this.issue_key(MASTER, "shop", "read")
        other.projections.catch_up()
        rotated = other.rotate_key(MASTER, second.info.key_id)
        wait_until(lambda: this.authenticator.authenticate(rotated.key) is not None)
        assert this.authenticator.authenticate(second.key) is None

    def test_retirement_by_another_instance_ends_its_keys_here(self, backend: Backend) -> None:
        this, other = backend.hub(), backend.hub()
        this.projections.start()
        this.register_project(MASTER, "shop", "https://shop.example", credentials("p1"))
        issued = this.issue_key(MASTER, "shop", "read")
        other.projections.catch_up()
        other.retire_project(MASTER, "shop")
        wait_until(lambda: this.authenticator.authenticate(issued.key) is None)


class TestInMemoryProjections(ProjectionContract):
    @pytest.fixture
    def backend(self, memory_backend: Backend) -> Backend:
        return memory_backend


class TestSQLiteProjections(SharedStoreProjectionContract):
    @pytest.fixture
    def backend(self, sqlite_backend: Backend) -> Backend:
        return sqlite_backend


@pytest.mark.postgres
class TestPostgresProjections(SharedStoreProjectionContract):
    @pytest.fixture
    def backend(self, postgres_backend: Backend) -> Backend:
        return postgres_backend
