"""One fixture per backend; contract classes pick theirs by overriding ``backend``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.contract.backends import InMemoryBackend, PostgresBackend, SQLiteBackend


@pytest.fixture
def memory_backend() -> Iterator[InMemoryBackend]:
    backend = InMemoryBackend()
    yield backend
    backend.close_all()


@pytest.fixture
def sqlite_backend(tmp_path: Path) -> Iterator[SQLiteBackend]:
    backend = SQLiteBackend(tmp_path / "data")
    yield backend
    backend.close_all()


@pytest.fixture
def postgres_backend(
    postgres_url: str, postgres_schema: str, tmp_path: Path
) -> Iterator[PostgresBackend]:
    backend = PostgresBackend(postgres_url, postgres_schema, tmp_path / "data")
    yield backend
    backend.close_all()
