"""The hub's one event-sourced application: every aggregate, one ordered log.

Its public methods are the use cases. Each command loads what it needs, lets the aggregates
decide, and saves every changed aggregate in one atomic ``save()``. After a save the process's
own projections catch up at once, so a revocation takes effect in this process before the
command returns; other processes see it through their followers.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Recording
from eventsourcing.utils import Environment, EnvType

from application.authentication import Authenticator, KeyIndexProjection
from application.event_writer import GroupCommitWriter
from application.key_commands import KeyCommands
from application.key_registry import KeyRegistryProjection
from application.memory_view import InMemoryDocumentView
from application.ports import Clock, SecretBox, SecretDigester, ViewFactory
from application.project_commands import ProjectCommands
from application.project_registry import ProjectRegistryProjection
from application.projections import Projection, ProjectionFollower, ProjectionSet, rebuild
from application.site_index import SiteDirectory, SiteIndexProjection
from application.usage import UsageProjection

APPLICATION_NAME = "Hub"

log = logging.getLogger(__name__)


class Hub(KeyCommands, ProjectCommands, Application[UUID]):
    name = APPLICATION_NAME

    def __init__(
        self,
        env: EnvType | None,
        *,
        digester: SecretDigester,
        box: SecretBox,
        clock: Clock,
        views: ViewFactory,
        master_key: str | None,
        poll_interval: float = 0.2,
    ) -> None:
        super().__init__(env)
        self.digester = digester
        self.box = box
        self.clock = clock
        self.views = views
        self.key_index = InMemoryDocumentView(KeyIndexProjection.name)
        self.site_index = InMemoryDocumentView(SiteIndexProjection.name)
        self.authenticator = Authenticator(self.key_index, digester, clock, master_key)
        self.sites = SiteDirectory(self.site_index, box)
        self.persistent_projections: dict[str, Projection] = {
            p.name: p
            for p in (KeyRegistryProjection(), ProjectRegistryProjection(), UsageProjection())
        }
        # In-memory indexes the hot path reads: rebuilt from the log at start, then followed.
        self._hot = [
            ProjectionFollower(self, KeyIndexProjection(), self.key_index, poll_interval),
            ProjectionFollower(self, SiteIndexProjection(), self.site_index, poll_interval),
        ]
        followers = self._hot + [
            ProjectionFollower(self, p, views.view(p.name), poll_interval)
            for p in self.persistent_projections.values()
        ]
        self.projections = ProjectionSet(followers)
        self.key_registry = self.projections.followers[KeyRegistryProjection.name].view
        self.project_registry = self.projections.followers[ProjectRegistryProjection.name].view
        self.usage = self.projections.followers[UsageProjection.name].view
        self._read_models = [f for f in followers if f not in self._hot]
        self.writer = GroupCommitWriter(self.save_fast)
        # Security state must be current before the first request is authenticated.
        for follower in self._hot:
            follower.catch_up()

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """Only the map we are given configures the store: a stray ``HUB_PERSISTENCE_MODULE``
        or ``SQLITE_DBNAME`` in the process environment must not redirect the log."""
        return Environment(name, dict(env or {}))

    def save_fast(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Record, bring the in-memory hot-path indexes up to date, and only wake the read
        models (their followers catch up in the background). The tool-call path uses this.

        Only followers whose projection reads a recorded topic are caught up or woken (a
        tool call's events concern no hot-path index, and a hot index just caught up here
        needs no wake). Writes by other processes reach every follower through its polling."""
        recordings = super().save(*objs, **kwargs)
        topics = {recording.notification.topic for recording in recordings}
        for follower in self._hot:
            if _reads(follower, topics):
                follower.catch_up()
        for follower in self._read_models:
            if _reads(follower, topics):
                follower.wake()
        return recordings

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Record and settle every projection of this process (admin commands: read-your-writes).

        Revocations bite before the command returns. A read model that fails to update must not
        turn a recorded command into an error — its follower retries."""
        recordings = self.save_fast(*objs, **kwargs)
        for follower in self.projections.followers.values():
            try:
                follower.catch_up()
            except Exception:
                log.exception(
                    "projection %s lags after a save; its follower retries", follower.name
                )
        return recordings

    def rebuild_projection(self, name: str, progress: Any = None) -> int:
        projection = self.persistent_projections[name]
        return rebuild(self, projection, self.views.view(name), progress)

    def close(self) -> None:
        self.writer.stop()
        self.projections.stop()
        self.views.close()
        super().close()


def _reads(follower: ProjectionFollower, topics: set[str]) -> bool:
    """Whether ``follower``'s projection reads any of ``topics`` (no topics: every event)."""
    wanted = follower.projection.topics
    return not wanted or not topics.isdisjoint(wanted)
