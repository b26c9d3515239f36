"""Shared test helpers: the service gate and the PostgreSQL fixtures.

``require_service`` turns a missing service into a skip on a developer's machine and into a
failure in CI (``CI=true``), so a CI job can never pass by silently skipping what it must run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache

import pytest

pytest_plugins = ("tests.support.wordpress",)

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def require_service(name: str, reachable: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) the current test when ``name`` is unreachable."""
    if reachable:
        return
    message = f"{name} unreachable: {reason}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a required service may not be skipped)", pytrace=False)
    pytest.skip(message)


@cache
def postgres_status() -> tuple[bool, str]:
    """Whether the test PostgreSQL server answers, and why not (asked once per session)."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
    except Exception as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return False, f"{type(error).__name__}: {first_line}"
    return True, ""


@pytest.fixture
def postgres_url() -> str:
    reachable, reason = postgres_status()
    require_service("PostgreSQL", reachable, f"{POSTGRES_URL} ({reason})")
    return POSTGRES_URL


@pytest.fixture
def postgres_schema(postgres_url: str) -> Iterator[str]:
    """A fresh schema per test, dropped afterwards with every table in it.

    The hub names its tables after the application (``hub_events``, ``hub_view_documents``,
    ``hub_view_positions``); a private schema lets runs (and people) share one database
    without ever seeing, or dropping, each other's tables.
    """
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
