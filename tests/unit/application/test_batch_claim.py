"""A batch claims (after, position]: it fails if anything in the batch was applied meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest

from application.memory_view import InMemoryDocumentView
from application.ports import DocumentView, PositionConflict
from infrastructure.views import SQLiteViews


@pytest.fixture(params=["memory", "sqlite"])
def view(request: pytest.FixtureRequest, tmp_path: Path) -> DocumentView:
    if request.param == "memory":
        return InMemoryDocumentView("counts")
    return SQLiteViews(tmp_path / "views.sqlite3").view("counts")


def test_a_batch_claim_fails_when_part_of_the_batch_was_applied_elsewhere(
    view: DocumentView,
) -> None:
    with view.transaction(2) as tx:  # another follower applied events 1..2
        tx.put("n", {"count": 2})
    with pytest.raises(PositionConflict), view.transaction(5, after=0) as tx:
        tx.put("n", {"count": 5})  # would count events 1..2 twice
    assert view.get("n") == {"count": 2}
    assert view.position() == 2


def test_a_batch_claim_from_the_current_position_commits_the_batch(view: DocumentView) -> None:
    with view.transaction(2) as tx:
        tx.put("n", {"count": 2})
    with view.transaction(5, after=2) as tx:
        tx.put("n", {"count": 5})
    assert (view.get("n"), view.position()) == ({"count": 5}, 5)
