"""Who a request runs as, and the pure rules of what a principal may hand out or manage.

A credential can never hand out more than it holds: a key issues keys up to its own scope
and project; only the master key (or the local operator at the CLI) mints all-projects keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import NotPermittedError
from domain.scopes import Scope


class PrincipalKind(StrEnum):
    MASTER = "master"
    API_KEY = "api_key"
    OPERATOR = "cli"  # the local operator, with access to the store itself


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller. ``project is None`` means every project."""

    kind: PrincipalKind
    id: str
    scope: Scope
    project: str | None
    expires_at: datetime | None = None
    """When the credential itself expires: nothing it creates may outlive it."""

    @property
    def actor(self) -> str:
        """The stable name recorded on events (never a secret)."""
        if self.kind is PrincipalKind.API_KEY:
            return f"key:{self.id}"
        return self.kind.value

    @property
    def is_root(self) -> bool:
        return self.kind in (PrincipalKind.MASTER, PrincipalKind.OPERATOR)

    def covers_project(self, project: str | None) -> bool:
        """True when this principal's binding includes ``project`` (None: all projects)."""
        if self.project is None:
            return True
        return project is not None and project == self.project

    def check_scope(self, needed: Scope) -> None:
        if not self.scope.includes(needed):
            raise NotPermittedError(f"this needs the {needed.value!r} scope")

    def check_project(self, project: str | None) -> None:
        if not self.covers_project(project):
            raise NotPermittedError("this credential is not bound to that project")

    def check_can_issue(self, project: str | None, scope: Scope) -> None:
        """Issuing: admin scope, within the issuer's project, never above its own scope."""
        self.check_scope(Scope.ADMIN)
        if project is None and not self.is_root:
            raise NotPermittedError("only the master key can issue an all-projects key")
        self.check_project(project)
        if not self.scope.includes(scope):
            raise NotPermittedError("a key cannot issue a key with more scope than it holds")

    def check_can_manage_key_of(self, project: str | None) -> None:
        """Rotating, revoking, listing: admin scope over the key's project."""
        self.check_scope(Scope.ADMIN)
        if project is None:
            if self.project is not None:
                raise NotPermittedError("only an all-projects principal manages all-projects keys")
            return
        self.check_project(project)

    def check_can_manage_projects(self, alias: str | None = None) -> None:
        """Adding and removing sites is for root or all-projects admins; a project admin
        may change its own project's connection (alias given)."""
        self.check_scope(Scope.ADMIN)
        if alias is None:
            if self.project is not None:
                raise NotPermittedError("only an all-projects admin adds or lists all projects")
            return
        self.check_project(alias)


MASTER = Principal(PrincipalKind.MASTER, "master", Scope.ADMIN, None)
OPERATOR = Principal(PrincipalKind.OPERATOR, "cli", Scope.ADMIN, None)
