from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from infrastructure.settings import load_settings
from interfaces.bootstrap import Container, build
from interfaces.http.app import create_app

MASTER = "m" * 20 + "-test-master-key-0123"


@pytest.fixture
def container(tmp_path: Path) -> Iterator[Container]:
    built = build(load_settings(data_dir=tmp_path / "data", master_api_key=MASTER))
    yield built
    built.close()


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container), base_url="http://localhost") as test_client:
        yield test_client


@pytest.fixture
def master() -> dict[str, str]:
    return {"Authorization": f"Bearer {MASTER}"}
