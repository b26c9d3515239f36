"""``require_service``: a missing service is a skip locally and a failure in CI."""

from __future__ import annotations

import pytest

from tests.conftest import require_service


def test_reachable_service_lets_the_test_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    require_service("PostgreSQL", True, "unused")


def test_unreachable_service_is_a_skip_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL unreachable: refused"):
        require_service("PostgreSQL", False, "refused")


def test_unreachable_service_is_a_failure_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL unreachable: refused"):
        require_service("PostgreSQL", False, "refused")
