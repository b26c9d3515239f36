"""The scope lattice: read ⊂ write ⊂ admin."""

from __future__ import annotations

import pytest

from domain.errors import InvalidValueError
from domain.scopes import Scope


@pytest.mark.parametrize(
    ("holder", "needed", "allowed"),
    [
        (Scope.READ, Scope.READ, True),
        (Scope.READ, Scope.WRITE, False),
        (Scope.READ, Scope.ADMIN, False),
        (Scope.WRITE, Scope.READ, True),
        (Scope.WRITE, Scope.WRITE, True),
        (Scope.WRITE, Scope.ADMIN, False),
        (Scope.ADMIN, Scope.READ, True),
        (Scope.ADMIN, Scope.WRITE, True),
        (Scope.ADMIN, Scope.ADMIN, True),
    ],
)
def test_a_scope_includes_itself_and_every_lower_scope_only(
    holder: Scope, needed: Scope, allowed: bool
) -> None:
    assert holder.includes(needed) is allowed


def test_each_scope_implies_every_lower_scope_lowest_first() -> None:
    assert Scope.READ.implied() == ("read",)
    assert Scope.WRITE.implied() == ("read", "write")
    assert Scope.ADMIN.implied() == ("read", "write", "admin")


def test_scope_ranks_are_strictly_ordered() -> None:
    assert Scope.READ.rank < Scope.WRITE.rank < Scope.ADMIN.rank


@pytest.mark.parametrize(("text", "scope"), [("read", Scope.READ), (" Write ", Scope.WRITE)])
def test_scope_names_parse_case_and_space_insensitively(text: str, scope: Scope) -> None:
    assert Scope.parse(text) is scope


@pytest.mark.parametrize("text", ["", "root", "read write", "superadmin", "openid"])
def test_unknown_scope_names_are_rejected(text: str) -> None:
    with pytest.raises(InvalidValueError, match="unknown scope"):
        Scope.parse(text)
