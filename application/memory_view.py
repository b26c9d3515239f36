"""An in-process :class:`DocumentView`: the hot-path indexes and the unit tests use it."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from application.ports import Document, DocumentView, PositionConflict


class _Tx:
    def __init__(self, docs: dict[str, Document]) -> None:
        self._docs = docs
        self._changes: dict[str, Document | None] = {}
        self.position: int | None = None

    def get(self, key: str) -> Document | None:
        doc = self._changes[key] if key in self._changes else self._docs.get(key)
        return copy.deepcopy(doc) if doc is not None else None

    def put(self, key: str, doc: Document) -> None:
        self._changes[key] = copy.deepcopy(doc)

    def delete(self, key: str) -> None:
        self._changes[key] = None

    def advance(self, position: int) -> None:
        self.position = position

    def apply_to(self, docs: dict[str, Document]) -> None:
        for key, doc in self._changes.items():
            if doc is None:
                docs.pop(key, None)
            else:
                docs[key] = doc


class InMemoryDocumentView(DocumentView):
    """Documents in a dict; writes become visible atomically at commit, under a lock."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._docs: dict[str, Document] = {}
        self._position = 0
        self._lock = threading.Lock()

    @contextmanager
    def transaction(self, position: int, after: int | None = None) -> Iterator[_Tx]:
        with self._lock:
            if position <= self._position or (after is not None and after != self._position):
                raise PositionConflict(f"{self.name} already at {self._position}")
            tx = _Tx(self._docs)
            yield tx
            tx.apply_to(self._docs)
            self._position = position

    @contextmanager
    def rebuild(self) -> Iterator[_Tx]:
        with self._lock:
            fresh: dict[str, Document] = {}
            tx = _Tx(fresh)
            yield tx
            tx.apply_to(fresh)
            self._docs = fresh
            self._position = tx.position or 0

    def position(self) -> int:
        return self._position

    def get(self, key: str) -> Document | None:
        doc = self._docs.get(key)
        return copy.deepcopy(doc) if doc is not None else None

    def peek(self, key: str) -> Document | None:
        """The stored document itself, without a copy: for hot-path readers that never mutate."""
        return self._docs.get(key)

    def all(self) -> list[Document]:
        docs = self._docs
        return [copy.deepcopy(docs[k]) for k in sorted(docs)]


class InMemoryViews:
    """A :class:`~application.ports.ViewFactory` of in-memory views (tests, single-shot tools)."""

    def __init__(self) -> None:
        self._views: dict[str, InMemoryDocumentView] = {}

    def view(self, name: str) -> InMemoryDocumentView:
        return self._views.setdefault(name, InMemoryDocumentView(name))

    def close(self) -> None:
        """Nothing to release."""
