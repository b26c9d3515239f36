"""Ports: what the application needs from the outside world, named by role.

Adapters live in ``infrastructure``; tests use ``Fake*`` doubles.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol


class Clock(Protocol):
    """Wall-clock time (timezone-aware UTC) and a monotonic clock for durations."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...


class SecretDigester(Protocol):
    """Keyed digest for high-entropy secrets (API keys, tokens): fast, deterministic,
    useless without the server-side pepper."""

    def digest(self, material: str) -> str: ...


class SecretBox(Protocol):
    """Authenticated encryption of site credentials before they become event data.

    ``context`` is bound into the ciphertext (AEAD associated data): a sealed value moved
    to another project or field no longer opens.
    """

    def seal(self, plaintext: str, context: str) -> str: ...

    def open(self, sealed: str, context: str) -> str: ...


Document = dict[str, Any]


class ViewTransaction(Protocol):
    """Reads and writes of one projection's documents inside one view transaction."""

    def get(self, key: str) -> Document | None: ...

    def put(self, key: str, doc: Document) -> None: ...

    def delete(self, key: str) -> None: ...


class RebuildTransaction(ViewTransaction, Protocol):
    def advance(self, position: int) -> None:
        """Record the position the rebuilt view has reached (written at commit)."""


class DocumentView(ABC):
    """A projection's read model: JSON documents by key, plus the projection's position.

    ``transaction(position)`` first claims ``position`` — raising :class:`PositionConflict`,
    with nothing written, when the view already holds it or a later one — and then commits the
    document writes together with the new position. That is how a redelivered event, or one
    processed concurrently elsewhere, is applied exactly once. ``transaction(position,
    after=p)`` claims a whole batch (p, position]: it succeeds only while the view still stands
    exactly at ``p``, so no event of the batch can have been applied elsewhere meanwhile.
    """

    name: str

    @abstractmethod
    def transaction(
        self, position: int, after: int | None = None
    ) -> AbstractContextManager[ViewTransaction]: ...

    @abstractmethod
    def rebuild(self) -> AbstractContextManager[RebuildTransaction]:
        """A transaction that starts from an empty view at position 0.

        The reset and the replay commit together: readers see the old view until the new one
        is complete, and a live follower's concurrent write loses and is retried from the
        rebuilt position.
        """

    @abstractmethod
    def position(self) -> int:
        """The last position applied (0 when empty)."""

    @abstractmethod
    def get(self, key: str) -> Document | None: ...

    @abstractmethod
    def all(self) -> list[Document]:
        """Every document, ordered by key."""


class ViewFactory(Protocol):
    """Makes the persistent view for a projection name."""

    def view(self, name: str) -> DocumentView: ...

    def close(self) -> None: ...


class PositionConflict(Exception):  # noqa: N818 - a signal, not a failure
    """The view already holds this position (a duplicate or concurrent delivery)."""
