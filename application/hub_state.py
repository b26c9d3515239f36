"""What the use-case mixins of :class:`~application.hub.Hub` rely on, for the type checker.

The declarations exist only while type checking, so at run time nothing here shadows the
eventsourcing ``Application`` methods that ``Hub`` inherits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.application import Repository
    from eventsourcing.persistence import Recording

    from application.ports import Clock, DocumentView, SecretBox, SecretDigester
    from domain.api_key import ApiKey


class HubState:
    if TYPE_CHECKING:
        repository: Repository[UUID]
        clock: Clock
        digester: SecretDigester
        box: SecretBox
        key_registry: DocumentView
        project_registry: DocumentView

        def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]: ...

        def live_project_id(self, alias: str) -> UUID: ...

        def revoke_project_keys(self, project: str, actor: str) -> list[ApiKey]: ...
