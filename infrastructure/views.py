"""Read-model storage: the :class:`DocumentView` port on SQLite and on PostgreSQL.

Documents are JSON by (view, key); each view's position sits in a row of its own. A write
transaction first claims the new position with a conditional upsert — which succeeds only when
the position is newer than the stored one — and then writes the documents, so the claim, the
documents and the position commit or roll back together (exactly-once application).

On SQLite the views live in their own file beside the event store (the library's SQLite tables
have fixed names, so two recorders must not share a file); ``synchronous=NORMAL`` suffices
because a lost tail is re-applied from the log. On PostgreSQL they are tables in the store's
database, named after the application.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from application.ports import Document, DocumentView, PositionConflict

_CLAIM = (
    "INSERT INTO {positions} (view, position) VALUES (%s, %s) "
    "ON CONFLICT (view) DO UPDATE SET position = excluded.position "
    "WHERE {positions}.position < excluded.position RETURNING position"
)
_CLAIM_FROM = (
    "INSERT INTO {positions} (view, position) VALUES (%s, %s) "
    "ON CONFLICT (view) DO UPDATE SET position = excluded.position "
    "WHERE {positions}.position = %s RETURNING position"
)
_SET_POSITION = (
    "INSERT INTO {positions} (view, position) VALUES (%s, %s) "
    "ON CONFLICT (view) DO UPDATE SET position = excluded.position"
)
_GET = "SELECT doc FROM {documents} WHERE view = %s AND key = %s"
_PUT = (
    "INSERT INTO {documents} (view, key, doc) VALUES (%s, %s, %s) "
    "ON CONFLICT (view, key) DO UPDATE SET doc = excluded.doc"
)
_DELETE = "DELETE FROM {documents} WHERE view = %s AND key = %s"
_DELETE_ALL = "DELETE FROM {documents} WHERE view = %s"
_POSITION = "SELECT position FROM {positions} WHERE view = %s"
_ALL = "SELECT doc FROM {documents} WHERE view = %s ORDER BY key"


_DELETED = object()


class _SqlTx:
    """Write-back within one transaction: a batch of events that touches the same documents
    again and again (usage counters) reads each once and writes each once, at ``flush``."""

    def __init__(self, view: _SqlView, cursor: Any) -> None:
        self._view = view
        self._cursor = cursor
        self._pending: dict[str, Any] = {}
        self.position: int | None = None

    def get(self, key: str) -> Document | None:
        if key in self._pending:
            doc = self._pending[key]
            return None if doc is _DELETED else copy.deepcopy(doc)
        self._cursor.execute(self._view.sql(_GET), (self._view.name, key))
        row = self._cursor.fetchone()
        return self._view.load(row[0]) if row else None

    def put(self, key: str, doc: Document) -> None:
        self._pending[key] = copy.deepcopy(doc)

    def delete(self, key: str) -> None:
        self._pending[key] = _DELETED

    def advance(self, position: int) -> None:
        self.position = position

    def flush(self) -> None:
        name = self._view.name
        puts = [(name, k, json.dumps(d)) for k, d in self._pending.items() if d is not _DELETED]
        deletes = [(name, k) for k, d in self._pending.items() if d is _DELETED]
        if puts:
            self._cursor.executemany(self._view.sql(_PUT), puts)
        if deletes:
            self._cursor.executemany(self._view.sql(_DELETE), deletes)
        self._pending.clear()


class _SqlView(DocumentView):
    """What the SQLite and PostgreSQL views share: the statements and the transaction logic."""

    documents = "view_documents"
    positions = "view_positions"
    placeholder = "%s"

    def __init__(self, name: str) -> None:
        self.name = name
        self._sql: dict[str, str] = {}

    def sql(self, template: str) -> str:
        text = self._sql.get(template)
        if text is None:
            text = template.format(documents=self.documents, positions=self.positions)
            text = text.replace("%s", self.placeholder)
            self._sql[template] = text
        return text

    @staticmethod
    def load(raw: Any) -> Document:
        return json.loads(raw) if isinstance(raw, str | bytes) else dict(raw)

    def _cursor(self, *, write: bool) -> Any:  # context manager yielding a cursor in a transaction
        raise NotImplementedError

    @contextmanager
    def transaction(self, position: int, after: int | None = None) -> Iterator[_SqlTx]:
        with self._cursor(write=True) as cursor:
            if after is None:
                cursor.execute(self.sql(_CLAIM), (self.name, position))
            else:
                cursor.execute(self.sql(_CLAIM_FROM), (self.name, position, after))
            if cursor.fetchone() is None:
                raise PositionConflict(f"{self.name} already holds {position}")
            tx = _SqlTx(self, cursor)
            yield tx
            tx.flush()

    @contextmanager
    def rebuild(self) -> Iterator[_SqlTx]:
        with self._cursor(write=True) as cursor:
            cursor.execute(self.sql(_DELETE_ALL), (self.name,))
            # Claim the position row now, so a concurrent follower waits for this rebuild.
            cursor.execute(self.sql(_SET_POSITION), (self.name, 0))
            tx = _SqlTx(self, cursor)
            yield tx
            tx.flush()
            cursor.execute(self.sql(_SET_POSITION), (self.name, tx.position or 0))

    def position(self) -> int:
        with self._cursor(write=False) as cursor:
            cursor.execute(self.sql(_POSITION), (self.name,))
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def get(self, key: str) -> Document | None:
        with self._cursor(write=False) as cursor:
            cursor.execute(self.sql(_GET), (self.name, key))
            row = cursor.fetchone()
        return self.load(row[0]) if row else None

    def all(self) -> list[Document]:
        with self._cursor(write=False) as cursor:
            cursor.execute(self.sql(_ALL), (self.name,))
            return [self.load(row[0]) for row in cursor.fetchall()]


class SQLiteViews:
    """Views in one SQLite file; one connection per thread (WAL: readers never block)."""

    def __init__(self, path: Path, busy_timeout_ms: int = 10_000) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._views: dict[str, SQLiteDocumentView] = {}
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self.cursor(write=True) as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS view_documents (view TEXT NOT NULL, key TEXT NOT NULL,"
                " doc TEXT NOT NULL, PRIMARY KEY (view, key)) WITHOUT ROWID"
            )
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS view_positions (view TEXT PRIMARY KEY,"
                " position INTEGER NOT NULL)"
            )

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=self.busy_timeout_ms / 1000,
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def cursor(self, *, write: bool) -> Iterator[sqlite3.Cursor]:
        conn = self._connection()
        cursor = conn.cursor()
        cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield cursor
        except BaseException:
            conn.rollback()
            raise
        else:
            conn.commit()
        finally:
            cursor.close()

    def view(self, name: str) -> SQLiteDocumentView:
        with self._lock:
            if name not in self._views:
                self._views[name] = SQLiteDocumentView(name, self)
            return self._views[name]

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()


class SQLiteDocumentView(_SqlView):
    placeholder = "?"

    def __init__(self, name: str, store: SQLiteViews) -> None:
        super().__init__(name)
        self._store = store

    def _cursor(self, *, write: bool) -> Any:
        return self._store.cursor(write=write)


class PostgresViews:
    """Views as tables in the event store's PostgreSQL database, through a connection pool."""

    def __init__(self, conninfo: str, prefix: str = "hub", pool_size: int = 4) -> None:
        from psycopg_pool import ConnectionPool  # noqa: PLC0415 - optional extra

        self.documents = f"{prefix}_view_documents"
        self.positions = f"{prefix}_view_positions"
        self._pool = ConnectionPool(
            conninfo, min_size=1, max_size=pool_size, open=True, kwargs={"autocommit": False}
        )
        self._views: dict[str, PostgresDocumentView] = {}
        self._lock = threading.Lock()
        with self.cursor(write=True) as cursor:
            # Several processes may start at once; CREATE TABLE IF NOT EXISTS alone can race.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.documents,))
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.documents} (view text NOT NULL,"
                " key text NOT NULL, doc jsonb NOT NULL, PRIMARY KEY (view, key))"
            )
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.positions} (view text PRIMARY KEY,"
                " position bigint NOT NULL)"
            )

    @contextmanager
    def cursor(self, *, write: bool) -> Iterator[Any]:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            if not write:
                cursor.execute("SET TRANSACTION READ ONLY")
            yield cursor

    def view(self, name: str) -> PostgresDocumentView:
        with self._lock:
            if name not in self._views:
                self._views[name] = PostgresDocumentView(name, self)
            return self._views[name]

    def close(self) -> None:
        self._pool.close()


class PostgresDocumentView(_SqlView):
    def __init__(self, name: str, store: PostgresViews) -> None:
        super().__init__(name)
        self._store = store
        self.documents = store.documents
        self.positions = store.positions

    def _cursor(self, *, write: bool) -> Any:
        return self._store.cursor(write=write)
