"""What a principal may hand out and manage: never more than it holds."""

from __future__ import annotations

import pytest

from domain.errors import NotPermittedError
from domain.principal import MASTER, OPERATOR, Principal, PrincipalKind
from domain.scopes import Scope


def key(scope: Scope, project: str | None) -> Principal:
    return Principal(PrincipalKind.API_KEY, "abcdefghijkl", scope, project)


SHOP_ADMIN = key(Scope.ADMIN, "shop")
SHOP_WRITER = key(Scope.WRITE, "shop")
ALL_PROJECTS_ADMIN = key(Scope.ADMIN, None)


def test_actors_name_the_credential_without_its_secret() -> None:
    assert SHOP_ADMIN.actor == "key:abcdefghijkl"
    assert MASTER.actor == "master"
    assert OPERATOR.actor == "cli"


@pytest.mark.parametrize("root", [MASTER, OPERATOR])
def test_master_and_operator_can_issue_every_kind_of_key(root: Principal) -> None:
    assert root.is_root
    for scope in Scope:
        root.check_can_issue(None, scope)
        root.check_can_issue("shop", scope)


@pytest.mark.parametrize("root", [MASTER, OPERATOR])
def test_master_and_operator_manage_every_key_and_project(root: Principal) -> None:
    root.check_can_manage_key_of(None)
    root.check_can_manage_key_of("shop")
    root.check_can_manage_projects()
    root.check_can_manage_projects("shop")


def test_project_admin_cannot_mint_an_all_projects_key() -> None:
    with pytest.raises(NotPermittedError, match="all-projects"):
        SHOP_ADMIN.check_can_issue(None, Scope.READ)


def test_all_projects_admin_key_cannot_mint_an_all_projects_key_either() -> None:
    assert not ALL_PROJECTS_ADMIN.is_root
    with pytest.raises(NotPermittedError):
        ALL_PROJECTS_ADMIN.check_can_issue(None, Scope.READ)


def test_all_projects_admin_key_issues_keys_for_any_project() -> None:
    ALL_PROJECTS_ADMIN.check_can_issue("shop", Scope.ADMIN)
    ALL_PROJECTS_ADMIN.check_can_issue("blog", Scope.READ)


def test_project_admin_issues_keys_for_its_own_project_up_to_admin() -> None:
    for scope in Scope:
        SHOP_ADMIN.check_can_issue("shop", scope)


def test_project_admin_cannot_issue_for_another_project() -> None:
    with pytest.raises(NotPermittedError, match="not bound"):
        SHOP_ADMIN.check_can_issue("blog", Scope.READ)


@pytest.mark.parametrize("wanted", list(Scope))
def test_key_without_admin_scope_cannot_issue_any_key(wanted: Scope) -> None:
    with pytest.raises(NotPermittedError, match="admin"):
        SHOP_WRITER.check_can_issue("shop", wanted)


def test_no_principal_can_issue_above_its_own_scope() -> None:
    # Issuing needs admin, so the "above its own scope" rule bites for any holder below admin.
    reader = key(Scope.READ, "shop")
    with pytest.raises(NotPermittedError):
        reader.check_can_issue("shop", Scope.WRITE)


def test_project_admin_manages_only_its_own_projects_keys() -> None:
    SHOP_ADMIN.check_can_manage_key_of("shop")
    with pytest.raises(NotPermittedError):
        SHOP_ADMIN.check_can_manage_key_of("blog")


def test_project_admin_cannot_manage_all_projects_keys() -> None:
    with pytest.raises(NotPermittedError, match="all-projects"):
        SHOP_ADMIN.check_can_manage_key_of(None)


def test_all_projects_admin_key_manages_keys_of_every_project() -> None:
    ALL_PROJECTS_ADMIN.check_can_manage_key_of(None)
    ALL_PROJECTS_ADMIN.check_can_manage_key_of("shop")


def test_writer_cannot_manage_even_its_own_projects_keys() -> None:
    with pytest.raises(NotPermittedError):
        SHOP_WRITER.check_can_manage_key_of("shop")


def test_project_admin_changes_its_own_project_but_cannot_add_or_list_all() -> None:
    SHOP_ADMIN.check_can_manage_projects("shop")
    with pytest.raises(NotPermittedError):
        SHOP_ADMIN.check_can_manage_projects("blog")
    with pytest.raises(NotPermittedError, match="all-projects"):
        SHOP_ADMIN.check_can_manage_projects()


def test_project_binding_covers_only_that_project() -> None:
    assert SHOP_ADMIN.covers_project("shop")
    assert not SHOP_ADMIN.covers_project("blog")
    assert not SHOP_ADMIN.covers_project(None)
    assert ALL_PROJECTS_ADMIN.covers_project("blog")
    assert ALL_PROJECTS_ADMIN.covers_project(None)
