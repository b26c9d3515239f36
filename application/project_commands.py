"""Use cases for projects (managed sites): register, change credentials, retire, list.

Credentials are sealed with the :class:`SecretBox` before the aggregate sees them; the sealing
context binds each ciphertext to its project id and field.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from application.dto import ProjectInfo, SiteCredentials
from application.errors import ConflictError, NotFoundError
from application.hub_state import HubState
from application.key_registry import iso
from domain.errors import AliasTakenError, InvalidValueError
from domain.principal import Principal
from domain.project import Project, ProjectAlias, check_alias, check_wp_user
from domain.text import is_clean_text

_FIELDS = ("wp_password", "wc_key", "wc_secret")
SECRET_MAX = 500


def seal_context(project_id: UUID, field: str) -> str:
    return f"project:{project_id}:{field}"


def project_info_of(project: Project) -> ProjectInfo:
    """A command's answer, from the aggregate it just saved (never from a lagging view)."""
    return ProjectInfo(
        alias=project.alias,
        base_url=project.base_url,
        wp_user=project.wp_user,
        has_woocommerce=project.has_woocommerce,
        status="retired" if project.is_retired else "active",
        created_at=iso(project.created_on),
        credentials_changed_at=iso(project.credentials_changed_at),
        registered_by=project.registered_by,
    )


class ProjectCommands(HubState):
    """Mixed into :class:`~application.hub.Hub`."""

    def register_project(
        self,
        principal: Principal,
        alias: str,
        base_url: str,
        credentials: SiteCredentials,
    ) -> ProjectInfo:
        principal.check_can_manage_projects()
        check_alias(alias)
        check_wp_user(credentials.wp_user)
        project_id = Project.create_id()
        sealed = self._seal(project_id, credentials)
        project = Project.register(
            project_id=project_id,
            alias=alias,
            base_url=base_url,
            wp_user=credentials.wp_user,
            actor=principal.actor,
            **sealed,
        )
        index = self._alias_index(alias)
        if index is None:
            index = ProjectAlias(alias=alias, project_id=project.id)
        else:
            index.reclaim(project.id)
        try:
            self.save(project, index)
        except IntegrityError:
            raise AliasTakenError(f"alias {alias!r} is in use") from None
        return project_info_of(project)

    def change_project_credentials(
        self,
        principal: Principal,
        alias: str,
        credentials: SiteCredentials,
        *,
        keep_woocommerce: bool = False,
    ) -> ProjectInfo:
        """Replace the WordPress connection; the WooCommerce one is replaced by the one given,
        or — with ``keep_woocommerce`` and none given — kept as it is."""
        principal.check_can_manage_projects(alias)
        project = self._load_project(alias)
        sealed = self._seal(project.id, credentials)
        if keep_woocommerce and credentials.wc_key is None:
            sealed.update(wc_key=project.wc_key, wc_secret=project.wc_secret)
        project.change_credentials(wp_user=credentials.wp_user, actor=principal.actor, **sealed)
        self._save_project_change(project)
        return project_info_of(project)

    def retire_project(self, principal: Principal, alias: str) -> ProjectInfo:
        principal.check_can_manage_projects()
        project = self._load_project(alias)
        index = self._alias_index(alias)
        if index is None:  # pragma: no cover - a loaded project always has its index
            raise NotFoundError("no such project")
        project.retire(principal.actor)
        index.release()
        self._save_project_change(project, index, *self.revoke_project_keys(alias, principal.actor))
        return project_info_of(project)

    def list_projects(self, principal: Principal) -> list[ProjectInfo]:
        principal.check_can_manage_projects(principal.project)
        return [
            ProjectInfo(**doc)
            for doc in self.project_registry.all()
            if doc["status"] == "active" and principal.covers_project(doc["alias"])
        ]

    def get_project(self, principal: Principal, alias: str) -> ProjectInfo:
        principal.check_can_manage_projects(principal.project)
        if not principal.covers_project(alias):
            raise NotFoundError("no such project")
        doc = self.project_registry.get(str(self._load_project(alias).id))
        if doc is None:
            raise NotFoundError("no such project")
        return ProjectInfo(**doc)

    def live_project_id(self, alias: str) -> UUID:
        return self._load_project(alias).id

    def project_credentials(self, alias: str) -> SiteCredentials:
        """Open a project's credentials for a site call. Never returned by any API."""
        project = self._load_project(alias)
        opened = {
            field: self.box.open(value, seal_context(project.id, field))
            for field in _FIELDS
            if (value := getattr(project, field)) is not None
        }
        return SiteCredentials(wp_user=project.wp_user, **opened)

    def _seal(self, project_id: UUID, credentials: SiteCredentials) -> dict[str, Any]:
        sealed: dict[str, str | None] = dict.fromkeys(_FIELDS)
        for field in _FIELDS:
            value = getattr(credentials, field)
            if value is not None:
                if not value or len(value) > SECRET_MAX or not is_clean_text(value):
                    raise InvalidValueError(
                        f"{field} must be 1-{SECRET_MAX} printable characters", field
                    )
                sealed[field] = self.box.seal(value, seal_context(project_id, field))
        return sealed

    def _alias_index(self, alias: str) -> ProjectAlias | None:
        try:
            index: ProjectAlias = self.repository.get(ProjectAlias.create_id(alias))
        except AggregateNotFoundError:
            return None
        return index

    def _load_project(self, alias: str) -> Project:
        index = self._alias_index(alias)
        if index is None or index.project_id is None:
            raise NotFoundError("no such project")
        project: Project = self.repository.get(index.project_id)
        return project

    def _save_project_change(self, *aggregates: Any) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise ConflictError("the project was changed concurrently; reload and retry") from None
