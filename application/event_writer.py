"""Group commit: concurrent appends from many coroutines share one ``save()``.

eventsourcing is synchronous and each ``save()`` is one transaction (one fsync on SQLite, one
WAL flush on PostgreSQL). A single writer thread takes every append waiting in its queue and
records them together — atomically — so N concurrent tool calls cost about one commit, not N.
A caller's ``await`` returns only after its events are committed (the result a client sees
is never ahead of the log). If a batch fails as a whole, its appends are retried one by one, so
one bad append never fails the others.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

_STOP = object()


class _Append:
    __slots__ = ("events", "future", "loop")

    def __init__(
        self, events: Sequence[Any], future: asyncio.Future[None], loop: asyncio.AbstractEventLoop
    ) -> None:
        self.events = events
        self.future = future
        self.loop = loop

    def settle(self, error: BaseException | None) -> None:
        def done() -> None:
            if self.future.done():
                return
            if error is None:
                self.future.set_result(None)
            else:
                self.future.set_exception(error)

        self.loop.call_soon_threadsafe(done)


class GroupCommitWriter:
    def __init__(self, save: Callable[..., Any], max_batch: int = 256) -> None:
        self._save = save
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="event-writer", daemon=True)
        self._started = False
        self._lock = threading.Lock()
        self.batches = 0
        self.appends = 0

    def start(self) -> None:
        with self._lock:
            if not self._started:
                self._started = True
                self._thread.start()

    async def append(self, *aggregates: Any) -> None:
        """Record the aggregates' pending events; return once they are committed."""
        self.start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        # Collected here, so that a batch that fails can be retried append by append.
        events = [event for aggregate in aggregates for event in aggregate.collect_events()]
        self._queue.put(_Append(events, future, loop))
        await future

    def stop(self) -> None:
        with self._lock:
            if not self._started:
                return
            self._started = False
        self._queue.put(_STOP)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            stop = False
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                    break
                batch.append(item)
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[_Append]) -> None:
        self.batches += 1
        self.appends += len(batch)
        try:
            self._save(*[event for item in batch for event in item.events])
        except Exception as error:
            if len(batch) == 1:
                log.exception("event append failed")
                batch[0].settle(error)
                return
            # Isolate the failing append; the others still commit.
            for item in batch:
                try:
                    self._save(*item.events)
                except Exception as error:
                    log.exception("event append failed")
                    item.settle(error)
                else:
                    item.settle(None)
            return
        _settle_committed(batch)


def _settle_committed(batch: list[_Append]) -> None:
    """Resolve a committed batch: one wake-up per event loop, not one per append."""
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for item in batch:
        by_loop.setdefault(item.loop, []).append(item.future)
    for loop, futures in by_loop.items():
        loop.call_soon_threadsafe(_resolve, futures)


def _resolve(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():
            future.set_result(None)
