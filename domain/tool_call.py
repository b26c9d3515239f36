"""The ``ToolCall`` aggregate: every tool call is on record, in hot-path order.

An admitted call starts with ``Requested`` (write-ahead: the intent is recorded before the site
is touched) and ends with ``Completed`` or ``Failed``. A refused call is one ``Denied`` event and
never reaches the site. Arguments arrive already redacted and minimised: identifiers and
options in clear, free text and personal data only as keyed digest and length.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.errors import DomainError


class DenialReason(StrEnum):
    SCOPE = "scope"
    PROJECT = "project"
    VALIDATION = "validation"
    UNKNOWN_TOOL = "unknown_tool"
    UNKNOWN_SITE = "unknown_site"
    NOT_CONFIGURED = "not_configured"
    RATE_LIMIT = "rate_limit"


class ToolCallClosedError(DomainError):
    """The call already has its outcome."""


class ToolCall(Aggregate):
    if TYPE_CHECKING:  # set by the creation events; a class annotation would become an argument
        outcome: str | None

    class Requested(Aggregate.Created):
        actor: str
        client: str
        endpoint: str
        project: str
        tool: str
        arguments: dict[str, Any]

        def apply(self, aggregate: Any) -> None:
            aggregate.tool = self.tool
            aggregate.project = self.project
            aggregate.actor = self.actor
            aggregate.outcome = None

    class Denied(Aggregate.Created):
        actor: str
        client: str
        endpoint: str
        project: str | None
        tool: str
        reason: str
        detail: str
        count: int

        def apply(self, aggregate: Any) -> None:
            aggregate.tool = self.tool
            aggregate.project = self.project
            aggregate.actor = self.actor
            aggregate.outcome = "denied"

    class Completed(Aggregate.Event):
        duration_ms: float

        def apply(self, aggregate: Any) -> None:
            aggregate.outcome = "completed"

    class Failed(Aggregate.Event):
        duration_ms: float
        error_kind: str
        status: int | None
        code: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.outcome = "failed"

    @staticmethod
    def create_id(**_: object) -> UUID:
        return uuid4()

    @classmethod
    def request(
        cls,
        *,
        actor: str,
        client: str,
        endpoint: str,
        project: str,
        tool: str,
        arguments: dict[str, Any],
    ) -> ToolCall:
        return cls._create(
            cls.Requested,
            id=uuid4(),
            actor=actor,
            client=client,
            endpoint=endpoint,
            project=project,
            tool=tool,
            arguments=arguments,
        )

    @classmethod
    def deny(
        cls,
        *,
        actor: str,
        client: str,
        endpoint: str,
        project: str | None,
        tool: str,
        reason: DenialReason,
        detail: str,
        count: int = 1,
    ) -> ToolCall:
        return cls._create(
            cls.Denied,
            id=uuid4(),
            actor=actor,
            client=client,
            endpoint=endpoint,
            project=project,
            tool=tool,
            reason=reason.value,
            detail=detail[:300],
            count=count,
        )

    def _check_open(self) -> None:
        if self.outcome is not None:
            raise ToolCallClosedError(f"the call already {self.outcome}")

    def complete(self, duration_ms: float) -> None:
        self._check_open()
        self.trigger_event(self.Completed, duration_ms=round(duration_ms, 3))

    def fail(
        self, duration_ms: float, error_kind: str, status: int | None, code: str | None
    ) -> None:
        self._check_open()
        self.trigger_event(
            self.Failed,
            duration_ms=round(duration_ms, 3),
            error_kind=error_kind,
            status=status,
            code=(code or None) and code[:100],
        )
