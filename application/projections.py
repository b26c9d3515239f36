"""Projections: read models derived from the one log.

A :class:`Projection` names the events it reads and how each changes its view. A
:class:`ProjectionFollower` catches a projection up from the view's recorded position and then
follows the log, waking on in-process saves and polling for writes by other processes (the
stock SQLite recorder cannot subscribe; polling works against every store). Because the view
commits its documents and its position together and refuses a position it already holds, each
event is applied exactly once — after a crash, a redelivery, or a race with another follower.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from application.ports import DocumentView, PositionConflict, ViewTransaction

log = logging.getLogger(__name__)

BATCH = 500
COALESCE_SECONDS = 0.05
"""How long a woken follower lets further saves gather before it catches up (at most its poll
interval): under load one view transaction then covers many tool calls, not one save each."""


def topics_of(*event_classes: type) -> tuple[str, ...]:
    return tuple(get_topic(cls) for cls in event_classes)


class Projection(ABC):
    """How a read model follows the log: ``name``, ``topics`` (empty: every event) and
    ``apply``, which may read and write documents only through the transaction it is given."""

    name: ClassVar[str]
    topics: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def apply(self, event: Any, tx: ViewTransaction) -> None: ...


def read_log(
    app: Application[Any], after: int, until: int, topics: tuple[str, ...] = ()
) -> Iterator[Notification]:
    """The notifications after ``after`` up to ``until``, oldest first, read in batches."""
    position = after
    while position < until:
        batch = app.recorder.select_notifications(
            start=position + 1, limit=BATCH, stop=until, topics=topics
        )
        if not batch:
            return
        yield from batch
        position = batch[-1].id


class ProjectionFollower:
    """Keeps one projection's view up to date with the log."""

    def __init__(
        self,
        app: Application[Any],
        projection: Projection,
        view: DocumentView,
        poll_interval: float = 0.2,
        coalesce: float = COALESCE_SECONDS,
    ) -> None:
        self.app = app
        self.projection = projection
        self.view = view
        self.poll_interval = poll_interval
        self.coalesce = min(coalesce, poll_interval)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: BaseException | None = None
        self._scanned = 0
        self._seen_position = 0

    @property
    def name(self) -> str:
        return self.projection.name

    def catch_up(self) -> int:
        """Apply every event after the view's position; return how many were applied here."""
        applied = 0
        with self._lock:
            while True:
                top = self.app.recorder.max_notification_id() or 0
                # A filtered projection's position stays at its last matching event; the
                # cursor remembers how far this process has already looked, so that polls do
                # not rescan the non-matching tail. Positions commit in order (ADR 5), so
                # nothing can appear behind it later.
                position = self.view.position()
                if position < self._seen_position:
                    # The view went back (emptied or restored outside a rebuild): rescan.
                    self._scanned = position
                self._seen_position = position
                start = max(position, self._scanned) + 1
                if start > top:
                    return applied
                batch = self.app.recorder.select_notifications(
                    start=start, limit=BATCH, stop=top, topics=self.projection.topics
                )
                if not batch:
                    self._scanned = top
                    return applied
                events = [self.app.mapper.to_domain_event(n) for n in batch]
                try:
                    # One transaction for the batch, claimed from the position read above.
                    with self.view.transaction(batch[-1].id, after=position) as tx:
                        for event in events:
                            self.projection.apply(event, tx)
                except PositionConflict:
                    # Applied elsewhere (another process, or a rebuild) meanwhile: re-read
                    # the view's position and go on from there.
                    continue
                applied += len(events)
                self._scanned = batch[-1].id

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name=f"projection-{self.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.catch_up()
                self.last_error = None
            except Exception as error:  # keep following; the error is reported by health
                self.last_error = error
                log.exception("projection %s failed; retrying", self.name)
            if self._wake.wait(self.poll_interval) and self.coalesce > 0:
                self._stop.wait(self.coalesce)
            self._wake.clear()


def rebuild(
    app: Application[Any],
    projection: Projection,
    view: DocumentView,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Drop the view and replay the log into it, in one transaction; return the number of
    events applied. ``progress(position, end)`` reports how far the replay has come."""
    applied = 0
    with view.rebuild() as tx:
        # Read the end inside the transaction: any follower commit that this rebuild replaces
        # happened before the transaction began, so its event is at or before ``end``.
        end = app.recorder.max_notification_id() or 0
        for notification in read_log(app, 0, end, projection.topics):
            projection.apply(app.mapper.to_domain_event(notification), tx)
            applied += 1
            if progress is not None:
                progress(notification.id, end)
        # The view stands at the end of the log as it was, matching events or not.
        tx.advance(end)
    if progress is not None:
        progress(end, end)
    return applied


class ProjectionSet:
    """The followers of one process, started and stopped together."""

    def __init__(self, followers: Iterable[ProjectionFollower]) -> None:
        self.followers = {f.name: f for f in followers}

    def catch_up(self) -> None:
        for follower in self.followers.values():
            follower.catch_up()

    def wake(self) -> None:
        for follower in self.followers.values():
            follower.wake()

    def start(self) -> None:
        for follower in self.followers.values():
            follower.start()

    def stop(self) -> None:
        for follower in self.followers.values():
            follower.stop()
